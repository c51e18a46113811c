import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { WorkerPool } from '../runtime/pool.js';
import { checkObject } from '../check.js';
import { ValidationError } from '../errors.js';
import type { Seed } from '../random/stream.js';
import { checkScenario, type Scenario } from '../scenario/scenario.js';
import { VERSION } from '../version.js';
import { applyCell, canonicalJSON, gridCells, type SweepCell, type SweepGrid } from './grid.js';
import { mergeRecords, type SweepRecord } from './record.js';
import { summarise, type CellSummary } from './summary.js';
import { runSweepTask, SWEEP_TASK_MODULE, type SweepTask } from './task.js';

/** Which part of a sweep this run computes: tasks t with t mod count = index. */
export interface Shard {
  /** 0-based shard index. */
  readonly index: number;
  /** Number of shards. */
  readonly count: number;
}

/** Options of {@link sweep}. */
export interface SweepOptions {
  /** Replications per cell. @defaultValue the scenario's `sweep.replications`, else 1 */
  readonly replications?: number;
  /** Root seed. @defaultValue the scenario's seed, else 0 */
  readonly seed?: Seed;
  /** Worker threads: a number, `'auto'` (one per core) or 0 to run on the calling thread. @defaultValue 'auto' */
  readonly workers?: number | 'auto';
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

/** What {@link sweep} returns. */
export interface SweepOutcome {
  /** Identity of the sweep (recorded in every record). */
  readonly sweepId: string;
  /** The grid's cells. */
  readonly cells: readonly SweepCell[];
  /** Replications per cell. */
  readonly replications: number;
  /** Records computed by this run, sorted by cell and replication. */
  readonly records: readonly SweepRecord[];
  /** Per-cell summaries of `records`. */
  readonly summaries: readonly CellSummary[];
}

/** Identity of a sweep: scenario, grid, seed, replications and meshcast version. */
export function sweepIdOf(scenario: Scenario, grid: SweepGrid, seed: Seed, replications: number): string {
  return createHash('sha256')
    .update(canonicalJSON({ scenario, grid, seed, replications, version: VERSION }))
    .digest('hex')
    .slice(0, 16);
}

/** The fields of {@link SweepOptions}. */
const SWEEP_OPTIONS = [
  'replications',
  'seed',
  'workers',
  'shard',
  'skip',
  'onResult',
  'onProgress',
  'baseDir',
] as const;

/** Checks the types of a sweep's grid and options (their ranges are checked where they are used). */
function checkSweepOptions(grid: unknown, options: unknown): void {
  if (typeof grid !== 'object' || grid === null || Array.isArray(grid))
    throw new ValidationError('grid', grid, 'an object of parameter paths to lists of values');
  checkObject('', options, SWEEP_OPTIONS, 'sweep options');
  const o = options as SweepOptions;
  if (o.seed !== undefined && !(typeof o.seed === 'string' || (typeof o.seed === 'number' && Number.isFinite(o.seed))))
    throw new ValidationError('seed', o.seed, 'a finite number or a string');
  if (o.shard !== undefined) checkObject('shard', o.shard, ['index', 'count'], 'a shard');
  if (o.skip !== undefined && !(o.skip instanceof Set))
    throw new ValidationError('skip', o.skip, 'a Set of "cell/replication" keys');
  for (const key of ['onResult', 'onProgress'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'function') throw new ValidationError(key, o[key], 'a function');
  }
  if (o.baseDir !== undefined && typeof o.baseDir !== 'string')
    throw new ValidationError('baseDir', o.baseDir, 'a directory path');
}

/**
 * Runs a scenario over a parameter grid × replications, in parallel on worker threads.
 *
 * Each (cell, replication) runs with the seed derived from (root seed, cell parameters) and
 * its replication index, so results are identical for any worker count, shard split or order;
 * {@link mergeRecords} of shard outputs equals the single-machine result. Every cell is
 * validated before anything runs.
 * @param scenario - the scenario (plain JSON data)
 * @param grid - values per parameter (aliases `maxHops`, `ttlS`, `spacingS`, `packets`, or dotted paths)
 * @param options - replications, seed, workers, shard, resume set, callbacks
 */
export async function sweep(
  scenario: Scenario,
  grid: SweepGrid = scenario.sweep?.grid ?? {},
  options: SweepOptions = {},
): Promise<SweepOutcome> {
  checkScenario(scenario);
  checkSweepOptions(grid, options);
  const replications = options.replications ?? scenario.sweep?.replications ?? 1;
  if (!Number.isInteger(replications) || replications < 1 || replications > 1_000_000) {
    throw new ValidationError('replications', replications, 'an integer in 1..1000000');
  }
  const seed = options.seed ?? scenario.seed ?? 0;
  const cells = gridCells(grid);
  // Validate every cell before running any: a typo in the last value must not waste hours.
  for (const cell of cells) {
    try {
      checkScenario(applyCell(scenario, cell.params));
    } catch (e) {
      if (e instanceof ValidationError)
        throw new ValidationError(`cell ${JSON.stringify(cell.params)}: ${e.path}`, e.value, e.allowed);
      throw e;
    }
  }
  const shard = options.shard ?? { index: 0, count: 1 };
  if (!Number.isInteger(shard.count) || shard.count < 1)
    throw new ValidationError('shard.count', shard.count, 'an integer >= 1');
  if (!Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new ValidationError('shard.index', shard.index, `an integer in 0..${shard.count - 1}`);
  }
  const sweepId = sweepIdOf(scenario, grid, seed, replications);
  const baseDir = options.baseDir ?? '.';
  const tasks: SweepTask[] = [];
  let t = 0;
  for (const cell of cells) {
    for (let r = 0; r < replications; r++, t++) {
      if (t % shard.count !== shard.index) continue;
      if (options.skip?.has(`${cell.index}/${r}`)) continue;
      tasks.push({
        scenario,
        params: cell.params,
        cell: cell.index,
        cellKey: cell.key,
        replication: r,
        rootSeed: seed,
        sweepId,
        baseDir,
      });
    }
  }
  const workers =
    options.workers === undefined || options.workers === 'auto' ? availableParallelism() : options.workers;
  if (!Number.isInteger(workers) || workers < 0 || workers > 1024)
    throw new ValidationError('workers', options.workers, "'auto', 0 or a positive integer");

  const records: SweepRecord[] = [];
  let done = 0;
  const finish = (record: SweepRecord): void => {
    records.push(record);
    done++;
    options.onResult?.(record);
    options.onProgress?.(done, tasks.length);
  };
  if (workers === 0 || tasks.length <= 1) {
    const workspace = new Map<string, unknown>();
    for (const task of tasks) finish(runSweepTask(task, workspace));
  } else {
    const pool = new WorkerPool(Math.min(workers, tasks.length));
    try {
      // Cells in order keep a worker on one network while it can; the pool keeps all busy.
      await Promise.all(
        tasks.map((input) =>
          pool.run<SweepTask, SweepRecord>({ module: SWEEP_TASK_MODULE, fn: 'runSweepTask', input }).then(finish),
        ),
      );
    } finally {
      await pool.destroy();
    }
  }
  const sorted = mergeRecords(records);
  return { sweepId, cells, replications, records: sorted, summaries: summarise(sorted, cells) };
}
