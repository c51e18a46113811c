import { createHash } from 'node:crypto';
import {
  checkBoolean,
  checkFunction,
  checkInteger,
  checkObject,
  checkSeed,
  checkString,
  isPlainObject,
} from '../check.js';
import { ValidationError } from '../errors.js';
import type { Seed } from '../random/stream.js';
import { checkWorkers, type Workers } from '../runtime/workers.js';
import { fileReader } from '../scenario/files.js';
import { checkCollectors } from '../broadcast/collectors.js';
import { generator } from '../network/generators/registry.js';
import { buildMesh, networkFiles } from '../scenario/network.js';
import {
  checkScenario,
  type ResolvedNetworkSection,
  type ResolvedScenario,
  type Scenario,
} from '../scenario/scenario.js';
import { VERSION } from '../version.js';
import { applyCell, canonicalJSON, gridCells, type SweepCell, type SweepGrid } from './grid.js';
import type { SweepRecord } from './record.js';

/** Which part of a sweep this run computes: tasks t with t mod count = index. */
export interface Shard {
  /** 0-based shard index. */
  readonly index: number;
  /** Number of shards. */
  readonly count: number;
}

/** Options of `sweep`. */
export interface SweepOptions {
  /** Replications per cell. @defaultValue the scenario's `sweep.replications`, else 1 */
  readonly replications?: number;
  /** Root seed: an integer or a string. @defaultValue the scenario's seed, else 0 */
  readonly seed?: Seed;
  /** Worker threads: a number, `'auto'` (one per core) or 0 to run on the calling thread. @defaultValue 'auto' */
  readonly workers?: Workers;
  /** Compute only this shard of the tasks. */
  readonly shard?: Shard;
  /** Tasks already done, as `"cell/replication"` keys (from an earlier, interrupted run): skipped. */
  readonly skip?: ReadonlySet<string>;
  /** Called with each record as soon as it is computed (in completion order). */
  readonly onResult?: (record: SweepRecord) => void;
  /** Called after each task with the count done and the count this run computes. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Directory that network files named by the scenario are relative to. A sweep reads no file
   * unless given one: a scenario whose network is a file needs it.
   */
  readonly baseDir?: string;
  /** Read network files outside `baseDir` too. @defaultValue false */
  readonly outsideFiles?: boolean;
}

/** The fields of {@link SweepOptions}. */
export const SWEEP_OPTIONS = [
  'replications',
  'seed',
  'workers',
  'shard',
  'skip',
  'onResult',
  'onProgress',
  'baseDir',
  'outsideFiles',
] as const;

/** A sweep resolved: every input checked once, every cell's scenario checked before anything runs. */
export interface SweepPlan {
  /** The scenario as given (its cells are applied to it; the sweep's identity derives from it). */
  readonly scenario: Scenario;
  /** The grid as given. */
  readonly grid: SweepGrid;
  /** The grid's cells. */
  readonly cells: readonly SweepCell[];
  /** Replications per cell. */
  readonly replications: number;
  /** Root seed. */
  readonly seed: Seed;
  /** Identity of the sweep (recorded in every record). */
  readonly sweepId: string;
  /** The shard this run computes. */
  readonly shard: Shard;
  /** Tasks already done (`"cell/replication"`). */
  readonly skip: ReadonlySet<string>;
  /** Worker threads (0: the calling thread). */
  readonly workers: number;
  /**
   * The network files the sweep's cells name, by path: read once, before anything runs, into
   * shared memory (worker threads read them from there, never from disk), their contents part
   * of the sweep's identity.
   */
  readonly files: ReadonlyMap<string, SweepFile>;
  /** Called with each record. */
  readonly onResult: ((record: SweepRecord) => void) | undefined;
  /** Called after each task. */
  readonly onProgress: ((done: number, total: number) => void) | undefined;
}

/** Most replications per cell a sweep runs. */
export const MAX_REPLICATIONS = 1_000_000;

/**
 * Checks a replication count: an integer in 1..{@link MAX_REPLICATIONS}.
 * @returns the count
 */
export function checkReplications(at: string, value: unknown): number {
  return checkInteger(at, value, 1, MAX_REPLICATIONS);
}

/** A network file a sweep read: its contents (UTF-8, in shared memory) and their SHA-256. */
export interface SweepFile {
  /** SHA-256 of the contents, hex. */
  readonly sha256: string;
  /** The contents, UTF-8 (in shared memory). */
  readonly bytes: Uint8Array;
}

/**
 * The seed derivation results are made with (`deriveSeed`): 2 since parts are length-prefixed.
 * Part of a sweep's identity, so a results file made with another derivation is another sweep's
 * and is never resumed into.
 */
const SEED_DERIVATION = 2;

/**
 * Identity of a sweep: scenario, grid, seed, replications, meshcast version and the contents of
 * the network files it reads (shards run against different files are different sweeps).
 * @param files - SHA-256 of each network file read, by path
 */
export function sweepIdOf(
  scenario: Scenario,
  grid: SweepGrid,
  seed: Seed,
  replications: number,
  files: Readonly<Record<string, string>> = {},
): string {
  const identity = { scenario, grid, seed, replications, version: VERSION, derivation: SEED_DERIVATION };
  return createHash('sha256')
    .update(canonicalJSON(Object.keys(files).length === 0 ? identity : { ...identity, files }))
    .digest('hex')
    .slice(0, 16);
}

/** Most characters a scenario takes (its JSON): each worker gets it, once per cell. */
export const MAX_SCENARIO_CHARS = 16 * 1024 * 1024;

/** Reads every network file the cells name, once, into shared memory. */
function readFiles(
  sections: readonly ResolvedNetworkSection[],
  baseDir: string | undefined,
  outside: boolean,
): Map<string, SweepFile> {
  const files = new Map<string, SweepFile>();
  for (const section of sections) {
    for (const path of networkFiles(section)) {
      if (files.has(path)) continue;
      if (baseDir === undefined) {
        throw new ValidationError(
          'baseDir',
          undefined,
          `the directory to read ${path} from (a sweep reads no file unless given one)`,
        );
      }
      const text = fileReader(baseDir, { outside })(path);
      const encoded = Buffer.from(text, 'utf8');
      const bytes = new Uint8Array(new SharedArrayBuffer(encoded.length));
      bytes.set(encoded);
      files.set(path, { sha256: createHash('sha256').update(encoded).digest('hex'), bytes });
    }
  }
  return files;
}

/**
 * Resolves a sweep: the scenario, the grid, every option, and every cell's scenario (a typo in
 * the last value of a grid must not waste hours), before anything runs.
 * @param scenario - the scenario (plain JSON data)
 * @param grid - values per parameter; the scenario's own grid when omitted
 * @param options - replications, seed, workers, shard, resume set, callbacks
 */
export function planSweep(scenario: Scenario, grid: SweepGrid | undefined, options: SweepOptions = {}): SweepPlan {
  const base = checkScenario(scenario);
  if (base.broadcast === null) {
    throw new ValidationError(
      base.campaign !== null ? 'campaign' : 'headend',
      base.campaign !== null ? 'a campaign scenario' : 'a head-end scenario',
      'a scenario with a broadcast to sweep (a head-end or campaign scenario has none; see meshcast plan and campaign)',
    );
  }
  const size = canonicalJSON(scenario).length;
  if (size > MAX_SCENARIO_CHARS) {
    throw new ValidationError(
      'scenario',
      `${size.toLocaleString('en-US')} characters of JSON`,
      `at most ${MAX_SCENARIO_CHARS.toLocaleString('en-US')}`,
    );
  }
  const g = grid === undefined ? (base.sweep?.grid ?? {}) : grid;
  if (!isPlainObject(g)) throw new ValidationError('grid', g, 'an object of parameter paths to lists of values');
  const o = checkObject('', options, SWEEP_OPTIONS, 'sweep options');
  const replications = checkReplications('replications', o['replications'] ?? base.sweep?.replications ?? 1);
  const seed = o['seed'] === undefined ? base.seed : checkSeed('seed', o['seed']);
  const shardIn = checkObject('shard', o['shard'] ?? { index: 0, count: 1 }, ['index', 'count'], 'a shard');
  const count = checkInteger('shard.count', shardIn['count'], 1, 2 ** 31 - 1);
  const shard = { index: checkInteger('shard.index', shardIn['index'], 0, count - 1), count };
  const skip = o['skip'] ?? new Set<string>();
  if (!(skip instanceof Set)) throw new ValidationError('skip', skip, 'a Set of "cell/replication" keys');
  const callback = <F extends (...args: never[]) => unknown>(key: string, signature: string): F | undefined =>
    o[key] === undefined ? undefined : checkFunction<F>(key, o[key], signature);
  const cells = gridCells(g);
  // Each cell resolved (and so checked) once here; only what the checks below need is kept.
  const sections = new Map<string, ResolvedNetworkSection>();
  const needs = cells.map((cell) => {
    const r = resolveCell(scenario, cell);
    const section = canonicalJSON(r.network);
    sections.set(section, r.network);
    return { section, broadcast: r.broadcast, concurrent: r.concurrent };
  });
  const outside = o['outsideFiles'] === undefined ? false : checkBoolean('outsideFiles', o['outsideFiles']);
  const baseDir = o['baseDir'] === undefined ? undefined : checkString('baseDir', o['baseDir'], 'a directory path');
  const files = readFiles([...sections.values()], baseDir, outside);
  // Every cell's broadcasts name collectors of its network: a cell found wrong after others ran
  // would leave a study half done.
  const collectorsOf = new Map([...sections].map(([key, section]) => [key, collectorIds(section, files)]));
  cells.forEach((cell, i) => {
    const r = needs[i]!;
    const ids = collectorsOf.get(r.section)!;
    inCell(cell, () => {
      if (r.broadcast !== null) checkCollectors(r.broadcast, (id) => ids.has(id), 'broadcast');
      r.concurrent.forEach((b, j) => checkCollectors(b, (id) => ids.has(id), `concurrent[${j}]`));
    });
  });
  const digests = Object.fromEntries([...files].map(([path, f]) => [path, f.sha256]));
  const sweepId = sweepIdOf(scenario, g, seed, replications, digests);
  return {
    scenario,
    grid: g,
    cells,
    replications,
    seed,
    sweepId,
    shard,
    skip,
    workers: checkWorkers('workers', o['workers'] ?? 'auto', 0),
    files,
    onResult: callback<(record: SweepRecord) => void>('onResult', '(record) => void'),
    onProgress: callback<(done: number, total: number) => void>('onProgress', '(done, total) => void'),
  };
}

/**
 * The scenario of a cell, resolved; errors name the cell and the field.
 * @internal
 */
export function resolveCell(scenario: Scenario, cell: SweepCell): ResolvedScenario {
  return inCell(cell, () => checkScenario(applyCell(scenario, cell.params)));
}

/** Runs `fn`, naming the cell in any ValidationError it throws. */
function inCell<T>(cell: SweepCell, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValidationError) {
      throw new ValidationError(`cell ${JSON.stringify(cell.params)}: ${e.path}`, e.value, e.allowed, { cause: e });
    }
    throw e;
  }
}

/** The ids of a network section's collectors: from its generator's options, or its files (built once). */
function collectorIds(section: ResolvedNetworkSection, files: ReadonlyMap<string, SweepFile>): Set<string> {
  if ('generator' in section) return new Set(generator(section.generator).collectorIds(section.options));
  const built = buildMesh(section, (p) => Buffer.from(files.get(p)!.bytes).toString('utf8'));
  const mesh = 'compile' in built ? built.compile() : built;
  return new Set(Array.from(mesh.collectors, (c) => mesh.id(c)));
}
