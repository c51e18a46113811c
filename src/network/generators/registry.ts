import type { CompiledMesh } from '../mesh.js';
import type { Network } from '../network.js';
import { buildGrid, buildGridMesh, checkGrid, checkGridSize, type GridOptions, type ResolvedGrid } from './grid.js';
import { buildLine, buildStar, checkLine, checkLineSize, type LineOptions, type ResolvedLine } from './line.js';
import {
  buildRandomGeometric,
  checkRandomGeometric,
  checkRandomGeometricSize,
  type RandomGeometricOptions,
  type ResolvedRandomGeometric,
} from './random-geometric.js';
import { GENERATOR_SCHEMAS } from './schemas.js';
import {
  buildUtility,
  buildUtilityMesh,
  checkUtility,
  checkUtilitySize,
  utilitySize,
  type ResolvedUtility,
  type UtilityOptions,
} from './utility.js';

/**
 * Everything meshcast knows about one network generator, in one entry: how its options are
 * checked, what it builds from the checked options, how large that will be, and the JSON Schema
 * of its options.
 */
export interface GeneratorEntry<O, R> {
  /** Checks the options (errors named under `at`, e.g. `network.options`) and applies defaults. */
  check(options: O, at: string): R;
  /** Builds the editable network. */
  build(options: R): Network;
  /**
   * Builds the compiled mesh straight from typed columns — the same mesh `compile(build(options))`
   * gives, with ids and device records computed on demand (a million-meter utility in ~0.5 GB
   * instead of several GB) — or null where the generator has no such builder.
   */
  readonly buildMesh: ((options: R) => CompiledMesh) | null;
  /** About how many devices the options make, without building anything. */
  size(options: R): number;
  /**
   * Refuses options whose network — built the way a scenario builds it: its compiled mesh where
   * the generator makes one, else its `Network` — this machine cannot hold.
   * @param at - where the options sit, for errors
   */
  checkSize(options: R, at: string): void;
  /** The ids of the collectors the options make (`C1`, `C2`, …), without building anything. */
  collectorIds(options: R): readonly string[];
  /** JSON Schema (draft 2020-12) of the options. */
  readonly schema: object;
}

/** `C1` … `Cn`. */
const numbered = (count: number): string[] => Array.from({ length: count }, (_, i) => `C${i + 1}`);

/** The generators a scenario may name, by name. */
export const GENERATORS = {
  line: {
    check: (o, at) => checkLine(o, at),
    build: buildLine,
    buildMesh: null,
    size: (r) => r.meters + 1,
    checkSize: checkLineSize,
    collectorIds: () => ['C1'],
    schema: GENERATOR_SCHEMAS.line,
  } satisfies GeneratorEntry<LineOptions, ResolvedLine>,
  star: {
    check: (o, at) => checkLine(o, at, 'star'),
    build: buildStar,
    buildMesh: null,
    size: (r) => r.meters + 1,
    checkSize: checkLineSize,
    collectorIds: () => ['C1'],
    schema: GENERATOR_SCHEMAS.star,
  } satisfies GeneratorEntry<LineOptions, ResolvedLine>,
  grid: {
    check: checkGrid,
    build: buildGrid,
    buildMesh: buildGridMesh,
    size: (r) => r.width * r.height,
    checkSize: (r, at) => checkGridSize(r, at, true),
    collectorIds: () => ['C1'],
    schema: GENERATOR_SCHEMAS.grid,
  } satisfies GeneratorEntry<GridOptions, ResolvedGrid>,
  randomGeometric: {
    check: checkRandomGeometric,
    build: buildRandomGeometric,
    buildMesh: null,
    size: (r) => r.meters + r.collectors,
    checkSize: checkRandomGeometricSize,
    collectorIds: (r) => numbered(r.collectors),
    schema: GENERATOR_SCHEMAS.randomGeometric,
  } satisfies GeneratorEntry<RandomGeometricOptions, ResolvedRandomGeometric>,
  utility: {
    check: checkUtility,
    build: buildUtility,
    buildMesh: buildUtilityMesh,
    size: utilitySize,
    checkSize: (r, at) => checkUtilitySize(r, at, true),
    collectorIds: (r) => numbered(r.collectors),
    schema: GENERATOR_SCHEMAS.utility,
  } satisfies GeneratorEntry<UtilityOptions, ResolvedUtility>,
} as const satisfies Readonly<Record<GeneratorName, unknown>>;

/** The name of a generator a scenario may name (the keys of `GENERATORS`). */
export type GeneratorName = 'line' | 'star' | 'grid' | 'randomGeometric' | 'utility';

/** The names of {@link GENERATORS}. */
export const GENERATOR_NAMES = Object.keys(GENERATORS) as GeneratorName[];

/**
 * The registry entry of a generator, its option types widened: its options are whatever its
 * own `check` accepts and returns.
 */
export function generator(name: GeneratorName): GeneratorEntry<unknown, unknown> {
  return GENERATORS[name] as unknown as GeneratorEntry<unknown, unknown>;
}
