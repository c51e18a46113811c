import { createHash } from 'node:crypto';
import { checkFunction, checkInteger, checkObject, checkSeed, checkString, isPlainObject } from '../check.js';
import { ValidationError } from '../errors.js';
import type { Seed } from '../random/stream.js';
import { checkWorkers, type Workers } from '../runtime/workers.js';
import { checkScenario, type ResolvedScenario, type Scenario } from '../scenario/scenario.js';
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
  /** Directory that network files named by the scenario are relative to. @defaultValue '.' */
  readonly baseDir?: string;
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
  /** Directory that network files named by the scenario are relative to. */
  readonly baseDir: string;
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

/** Identity of a sweep: scenario, grid, seed, replications and meshcast version. */
export function sweepIdOf(scenario: Scenario, grid: SweepGrid, seed: Seed, replications: number): string {
  return createHash('sha256')
    .update(canonicalJSON({ scenario, grid, seed, replications, version: VERSION }))
    .digest('hex')
    .slice(0, 16);
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
  for (const cell of cells) resolveCell(scenario, cell);
  return {
    scenario,
    grid: g,
    cells,
    replications,
    seed,
    sweepId: sweepIdOf(scenario, g, seed, replications),
    shard,
    skip,
    workers: checkWorkers('workers', o['workers'] ?? 'auto', 0),
    baseDir: o['baseDir'] === undefined ? '.' : checkString('baseDir', o['baseDir'], 'a directory path'),
    onResult: callback<(record: SweepRecord) => void>('onResult', '(record) => void'),
    onProgress: callback<(done: number, total: number) => void>('onProgress', '(done, total) => void'),
  };
}

/**
 * The scenario of a cell, resolved; errors name the cell and the field.
 * @internal
 */
export function resolveCell(scenario: Scenario, cell: SweepCell): ResolvedScenario {
  try {
    return checkScenario(applyCell(scenario, cell.params));
  } catch (e) {
    if (e instanceof ValidationError) {
      throw new ValidationError(`cell ${JSON.stringify(cell.params)}: ${e.path}`, e.value, e.allowed, { cause: e });
    }
    throw e;
  }
}
