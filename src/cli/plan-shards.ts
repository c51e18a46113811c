/**
 * `meshcast sweep … --plan-shards`: how many shards a sweep needs to finish in a target wall
 * time, from its task count and a short pilot run of a few of its tasks on this machine.
 * Nothing is written.
 * @module
 */
import { formatDuration, plural } from '../report/text.js';
import type { Seed } from '../random/stream.js';
import type { Scenario } from '../scenario/scenario.js';
import { gridCells, type SweepGrid } from '../sweep/grid.js';
import type { SweepPlan } from '../sweep/plan.js';
import { sweep } from '../sweep/sweep.js';
import { UsageError } from './args.js';

/** What the planner is told. */
export interface PlanInput {
  /** The scenario (checked). */
  readonly scenario: Scenario;
  /** The sweep's grid. */
  readonly grid: SweepGrid;
  /** Replications per cell. */
  readonly replications: number;
  /** Root seed. */
  readonly seed: Seed;
  /** Directory that network files named by the scenario are relative to. */
  readonly baseDir: string;
  /** Read network files outside `baseDir` too. @defaultValue false */
  readonly outsideFiles?: boolean;
  /** Worker threads each shard will run with (its cores). */
  readonly workersPerShard: number;
  /** Wall time wanted per shard, minutes. */
  readonly targetMinutes: number;
  /** Pilot cells (spread over the grid). @defaultValue 3 */
  readonly pilotCells?: number;
  /** A clock in seconds (the command line passes `performance.now() / 1000`). */
  readonly nowS: () => number;
}

/** One pilot cell's measurement. */
export interface PilotCell {
  /** Cell index. */
  readonly cell: number;
  /** Its parameter values. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Seconds to the first replication's result, network build and checks included. */
  readonly firstS: number;
  /** Seconds of the second replication alone (null with one replication per cell). */
  readonly taskS: number | null;
}

/** The planner's answer. */
export interface ShardPlan {
  /** Cells of the grid. */
  readonly cells: number;
  /** Replications per cell. */
  readonly replications: number;
  /** Tasks of the sweep (cells × replications). */
  readonly tasks: number;
  /** The pilot's measurements. */
  readonly pilot: readonly PilotCell[];
  /** Estimated seconds per task (mean over the pilot, one task at a time). */
  readonly taskS: number;
  /** The slowest pilot task, seconds. */
  readonly slowestTaskS: number;
  /** Estimated start-up per shard (network build, checks), seconds. */
  readonly setupS: number;
  /** Estimated work of the whole sweep on one core, seconds. */
  readonly workS: number;
  /** Worker threads per shard the plan assumes. */
  readonly workersPerShard: number;
  /** The target wall time per shard, minutes. */
  readonly targetMinutes: number;
  /** Suggested shard count. */
  readonly shards: number;
  /** Estimated wall time of the busiest shard at that count, seconds. */
  readonly shardWallS: number;
}

/** Up to `n` cells spread evenly over `cells` (first and last included): cheap and dear ends of a grid. */
function spread(cells: number, n: number): number[] {
  if (n >= cells) return Array.from({ length: cells }, (_, i) => i);
  if (n === 1) return [0];
  return [...new Set(Array.from({ length: n }, (_, k) => Math.round((k * (cells - 1)) / (n - 1))))];
}

/**
 * Plans a sweep's shards. Each pilot cell runs alone (a one-cell grid gives the same results:
 * a cell's seed comes from its parameters) on this thread, for two replications where the
 * sweep has them: the first includes building the network, the second is the task alone.
 * @param input - the sweep and the target
 */
export async function planShards(input: PlanInput): Promise<ShardPlan> {
  const cells = gridCells(input.grid);
  const tasks = cells.length * input.replications;
  const pilot: PilotCell[] = [];
  for (const index of spread(cells.length, input.pilotCells ?? 3)) {
    const cell = cells[index]!;
    const oneCell = Object.fromEntries(Object.entries(cell.params).map(([k, v]) => [k, [v]]));
    const stamps: number[] = [];
    const started = input.nowS();
    await sweep(input.scenario, oneCell, {
      replications: Math.min(2, input.replications),
      seed: input.seed,
      workers: 0,
      baseDir: input.baseDir,
      outsideFiles: input.outsideFiles ?? false,
      onResult: () => stamps.push(input.nowS()),
    });
    const firstS = stamps[0]! - started;
    const taskS = stamps.length > 1 ? stamps[1]! - stamps[0]! : null;
    pilot.push({ cell: index, params: cell.params, firstS, taskS });
  }
  const times = pilot.map((p) => p.taskS ?? p.firstS);
  const taskS = times.reduce((a, b) => a + b, 0) / times.length;
  const slowestTaskS = Math.max(...times);
  const setupS = Math.max(0, ...pilot.map((p) => (p.taskS === null ? 0 : p.firstS - p.taskS)));
  const workS = tasks * taskS;
  const workers = input.workersPerShard;
  const targetS = input.targetMinutes * 60;
  const shards = Math.min(tasks, Math.max(1, Math.ceil(workS / (workers * targetS))));
  const shardWallS = setupS + Math.ceil(Math.ceil(tasks / shards) / workers) * taskS;
  return {
    cells: cells.length,
    replications: input.replications,
    tasks,
    pilot,
    taskS,
    slowestTaskS,
    setupS,
    workS,
    workersPerShard: workers,
    targetMinutes: input.targetMinutes,
    shards,
    shardWallS,
  };
}

/** The plan as text for a person. */
export function formatPlan(plan: ShardPlan, name: string): string {
  const s = (x: number): string => (x < 10 ? `${x.toFixed(2)}s` : formatDuration(x));
  const lines = [
    `${name}: ${plural(plan.cells, 'cell')} × ${plural(plan.replications, 'replication')} = ` +
      `${plural(plan.tasks, 'task')}`,
    `pilot on this machine, one task at a time (${plan.pilot.length} cells spread over the grid):`,
    ...plan.pilot.map(
      (p) =>
        `  cell ${p.cell} ${JSON.stringify(p.params)}: ` +
        (p.taskS === null
          ? `${s(p.firstS)} (network build included)`
          : `${s(p.taskS)} per task, ${s(p.firstS)} for the first (network build included)`),
    ),
    `estimate: ${s(plan.taskS)} per task (slowest ${s(plan.slowestTaskS)}), ${s(plan.workS)} of work on one core`,
    `target: ${plan.targetMinutes} min per shard with ${plan.workersPerShard} worker` +
      `${plan.workersPerShard === 1 ? '' : 's'} each`,
    plan.shards === 1
      ? `suggested: 1 shard, one machine (about ${s(plan.shardWallS)}; no --shard-count needed)`
      : `suggested: --shard-count ${plan.shards} (busiest shard about ${s(plan.shardWallS)}): SLURM --array=0-` +
        `${plan.shards - 1}, Kubernetes completions: ${plan.shards}, AWS Batch arrayProperties.size ${plan.shards}`,
  ];
  if (plan.shardWallS > plan.targetMinutes * 60)
    lines.push('note: a shard cannot meet the target (one task per shard or the start-up already exceeds it)');
  lines.push(
    'tasks vary with their parameters, and cluster cores may be slower or faster than this one: leave a margin ' +
      'in the time limit',
  );
  return `${lines.join('\n')}\n`;
}

/**
 * `meshcast sweep … --plan-shards [--target-minutes M]`: plans the resolved sweep and prints
 * the plan (as JSON with `--json`). Each shard runs with the `--workers` given; `auto` is the
 * cluster's core count, unknown here, so it plans for one.
 * @param name - the scenario's name (or file)
 * @param resolved - the resolved sweep
 * @param flags - the values of `--target-minutes`, `--workers` and `--json`
 * @param out - standard output
 */
export async function planShardsCommand(
  name: string,
  resolved: SweepPlan,
  files: { readonly baseDir: string; readonly outsideFiles: boolean },
  flags: { readonly 'target-minutes'?: string; readonly workers?: string; readonly json?: boolean },
  out: (s: string) => void,
): Promise<void> {
  const targetFlag = flags['target-minutes'] ?? '60';
  const targetMinutes = Number(targetFlag);
  if (/^\s*$/.test(targetFlag) || !(targetMinutes > 0) || !Number.isFinite(targetMinutes))
    throw new UsageError('--target-minutes needs a positive number of minutes');
  const workersFlag = flags.workers;
  const workersPerShard =
    typeof workersFlag === 'string' && /^\d+$/.test(workersFlag) ? Math.max(1, Number(workersFlag)) : 1;
  const plan = await planShards({
    scenario: resolved.scenario,
    grid: resolved.grid,
    replications: resolved.replications,
    seed: resolved.seed,
    ...files,
    workersPerShard,
    targetMinutes,
    nowS: () => performance.now() / 1000,
  });
  if (flags.json === true) {
    out(`${JSON.stringify(plan)}\n`);
    return;
  }
  out(formatPlan(plan, name));
  if (workersPerShard === 1 && workersFlag !== '1')
    out('(planned for 1 worker per shard: give --workers N to plan for N cores per shard)\n');
}
