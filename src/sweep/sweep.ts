import { WorkerPool } from '../runtime/pool.js';
import type { Scenario } from '../scenario/scenario.js';
import type { SweepCell, SweepGrid } from './grid.js';
import { planSweep, resolveCell, type SweepOptions, type SweepPlan } from './plan.js';
import { mergeRecords, type SweepRecord } from './record.js';
import { summarise, type CellSummary } from './summary.js';
import { ValidationError } from '../errors.js';
import { runSweepTask, SWEEP_TASK_MODULE, type SweepTask, type TaskRefusal } from './task.js';

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

/**
 * Runs a scenario over a parameter grid × replications, in parallel on worker threads.
 *
 * Each (cell, replication) runs with the seed derived from (root seed, cell parameters) and
 * its replication index, so results are identical for any worker count, shard split or order;
 * `mergeRecords` of shard outputs equals the single-machine result. Every cell is checked
 * before anything runs.
 * @param scenario - the scenario (plain JSON data)
 * @param grid - values per parameter (aliases `maxHops`, `ttlS`, `spacingS`, `packets`, or dotted paths)
 * @param options - replications, seed, workers, shard, resume set, callbacks
 */
export async function sweep(scenario: Scenario, grid?: SweepGrid, options: SweepOptions = {}): Promise<SweepOutcome> {
  return runSweepPlan(planSweep(scenario, grid, options));
}

/** The tasks of this run, in cell order (each cell's scenario resolved once, when its first task comes). */
function* tasksOf(plan: SweepPlan): Generator<SweepTask> {
  let t = 0;
  for (const cell of plan.cells) {
    let resolved: SweepTask['scenario'] | undefined;
    for (let r = 0; r < plan.replications; r++, t++) {
      if (t % plan.shard.count !== plan.shard.index || plan.skip.has(`${cell.index}/${r}`)) continue;
      resolved ??= resolveCell(plan.scenario, cell);
      yield {
        scenario: resolved,
        params: cell.params,
        cell: cell.index,
        cellKey: cell.key,
        replication: r,
        rootSeed: plan.seed,
        sweepId: plan.sweepId,
        files: plan.files,
      };
    }
  }
}

/** How many tasks of this run there are. */
function taskCount(plan: SweepPlan): number {
  let count = 0;
  let t = 0;
  for (const cell of plan.cells) {
    for (let r = 0; r < plan.replications; r++, t++) {
      if (t % plan.shard.count === plan.shard.index && !plan.skip.has(`${cell.index}/${r}`)) count++;
    }
  }
  return count;
}

/**
 * Runs a resolved sweep: its tasks on the calling thread (no workers, or one task) or on a
 * pool of worker threads fed a few tasks ahead, in cell order.
 * @internal
 */
export async function runSweepPlan(plan: SweepPlan): Promise<SweepOutcome> {
  const total = taskCount(plan);
  const records: SweepRecord[] = [];
  const finish = (record: SweepRecord): void => {
    records.push(record);
    plan.onResult?.(record);
    plan.onProgress?.(records.length, total);
  };
  if (plan.workers === 0 || total <= 1) {
    const workspace = new Map<string, unknown>();
    for (const task of tasksOf(plan)) finish(runSweepTask(task, workspace));
  } else {
    const threads = Math.min(plan.workers, total);
    const pool = new WorkerPool(threads);
    try {
      // Cells in order keep a worker on one network while it can; a few tasks queued per worker
      // keep every worker busy without holding every task at once.
      const tasks = tasksOf(plan);
      const lane = async (): Promise<void> => {
        for (let next = tasks.next(); !next.done; next = tasks.next()) {
          const result = await pool.run<SweepTask, SweepRecord | TaskRefusal>({
            module: SWEEP_TASK_MODULE,
            fn: 'runSweepTaskInWorker',
            input: next.value,
          });
          if ('refused' in result) {
            const { path, value, allowed } = result.refused;
            throw new ValidationError(path, value, allowed);
          }
          finish(result);
        }
      };
      await Promise.all(Array.from({ length: threads * 2 }, lane));
    } finally {
      await pool.destroy();
    }
  }
  const sorted = mergeRecords(records);
  return {
    sweepId: plan.sweepId,
    cells: plan.cells,
    replications: plan.replications,
    records: sorted,
    summaries: summarise(sorted, plan.cells),
  };
}
