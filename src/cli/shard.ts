import type { Shard } from '../sweep/plan.js';
import { UsageError } from './args.js';

/**
 * The shard of this process: --shard I/N, or --shard-count N with the index from a scheduler's
 * variable.
 * @param env - the process environment
 */
export function shardOf(flags: Map<string, string | true>, env: NodeJS.ProcessEnv): Shard | undefined {
  const explicit = flags.get('--shard');
  if (typeof explicit === 'string') {
    const m = /^(\d+)\/(\d+)$/.exec(explicit);
    if (m === null) throw new UsageError('--shard needs INDEX/COUNT, e.g. 0/4');
    return { index: Number(m[1]), count: Number(m[2]) };
  }
  const countFlag = flags.get('--shard-count');
  if (countFlag === undefined) return undefined;
  const count = countFlag === true ? NaN : Number(countFlag);
  if (!Number.isInteger(count) || count < 1) throw new UsageError('--shard-count needs a positive integer');
  const raw =
    env['JOB_COMPLETION_INDEX'] ??
    env['AWS_BATCH_JOB_ARRAY_INDEX'] ??
    (env['SLURM_ARRAY_TASK_ID'] === undefined
      ? undefined
      : String(Number(env['SLURM_ARRAY_TASK_ID']) - Number(env['SLURM_ARRAY_TASK_MIN'] ?? 0)));
  if (raw === undefined) {
    throw new UsageError(
      '--shard-count: none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX is set ' +
        '(or give --shard I/N)',
    );
  }
  return { index: Number(raw), count };
}
