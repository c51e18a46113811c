/**
 * Which shard of a sweep this process computes: from `--shard I/N`, or from `--shard-count N`
 * and the index a scheduler gives each member of an array job. The index is the scheduler's
 * own number for the member, never its rank within one submission: SLURM's task id 1 is shard
 * 1 whether it ran in `--array=0-7`, `--array=1` (a resubmitted failure), `--array=1-7:2` or
 * `--array=0-7%2`, so a rerun writes the same tasks into the same file.
 * @module
 */
import { ValidationError } from '../errors.js';
import type { ResultsHeader } from '../sweep/header.js';
import { shardOfTask } from '../sweep/missing.js';
import type { Shard } from '../sweep/plan.js';
import type { SweepRecord } from '../sweep/record.js';
import { UsageError } from './args.js';

/**
 * The variables that carry an array member's index, as each scheduler sets them: Kubernetes
 * Indexed Jobs (`completionMode: Indexed`), SLURM job arrays (`sbatch --array`) and AWS Batch
 * array jobs (`arrayProperties.size`). Each counts from 0 when the array does.
 */
export const SHARD_INDEX_VARIABLES = [
  'JOB_COMPLETION_INDEX',
  'SLURM_ARRAY_TASK_ID',
  'AWS_BATCH_JOB_ARRAY_INDEX',
] as const;

/** The environment as `process.env` gives it. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A count or index written in decimal digits only (no sign, blank, fraction or exponent). */
function digits(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Checks an index against the shard count; `at` names where the index came from. */
function checkIndex(at: string, text: string, count: number): number {
  const index = digits(text);
  if (index === undefined || index >= count)
    throw new ValidationError(at, text, `an integer in 0..${count - 1} (the shard index, with ${count} shards)`);
  return index;
}

/**
 * Parses `--shard I/N`: shard I (0-based) of N.
 * @param text - the flag's value, e.g. `1/4`
 */
export function parseShard(text: string): Shard {
  const m = /^([^/]*)\/([^/]*)$/.exec(text);
  const count = m === null ? undefined : digits(m[2]!);
  if (m === null || count === undefined || count < 1)
    throw new ValidationError('--shard', text, 'INDEX/COUNT with COUNT >= 1, e.g. 0/4');
  return { index: checkIndex('--shard', m[1]!, count), count };
}

/**
 * Parses `--shard-count N`.
 * @param text - the flag's value
 */
export function parseShardCount(text: string): number {
  const count = digits(text);
  if (count === undefined || count < 1) throw new ValidationError('--shard-count', text, 'an integer >= 1');
  return count;
}

/**
 * The shard of an array member: the index from whichever of {@link SHARD_INDEX_VARIABLES} is
 * set. A variable that is set but empty or not an integer in 0..count−1 is refused, naming it;
 * two variables that disagree are refused too (one process is one shard).
 * @param env - the environment (`process.env`)
 * @param count - the shard count (`--shard-count`)
 */
export function shardFromEnvironment(env: Environment, count: number): Shard {
  const set = SHARD_INDEX_VARIABLES.filter((name) => env[name] !== undefined);
  if (set.length === 0)
    throw new ValidationError(
      '--shard-count',
      count,
      `a count with the shard index in ${SHARD_INDEX_VARIABLES.join(', ')} (none is set: run as an array job), ` +
        `or --shard I/N`,
    );
  const indices = set.map((name) => checkIndex(name, env[name]!, count));
  if (indices.some((i) => i !== indices[0]))
    throw new ValidationError(
      set.join(' and '),
      set.map((name) => `${name}=${env[name]!}`),
      'one shard index (these variables disagree; unset all but one, or give --shard I/N)',
    );
  return { index: indices[0]!, count };
}

/**
 * The shard a `meshcast sweep` computes: `--shard I/N` if given (it wins over the environment,
 * so one member can be rerun by hand), else `--shard-count N` with the index from the
 * environment, else none (the whole sweep).
 * @param shard - the value of `--shard`, if given
 * @param shardCount - the value of `--shard-count`, if given
 * @param env - the environment
 */
export function resolveShard(
  shard: string | undefined,
  shardCount: string | undefined,
  env: Environment,
): Shard | undefined {
  if (shard !== undefined) {
    const parsed = parseShard(shard);
    if (shardCount !== undefined && parseShardCount(shardCount) !== parsed.count)
      throw new ValidationError(
        '--shard-count',
        shardCount,
        `the count of --shard (${parsed.count}), or no --shard-count`,
      );
    return parsed;
  }
  if (shardCount === undefined) return undefined;
  return shardFromEnvironment(env, parseShardCount(shardCount));
}

/**
 * The shard of this process (see {@link resolveShard}); a bad index or count is a command-line
 * (or job script) mistake: a {@link UsageError}, exit 2, naming where it came from.
 * @param flags - the values of `--shard` and `--shard-count`
 * @param env - the environment (`process.env`)
 */
export function shardOf(
  flags: { readonly shard?: string; readonly 'shard-count'?: string },
  env: Environment,
): Shard | undefined {
  try {
    return resolveShard(flags.shard, flags['shard-count'], env);
  } catch (e) {
    if (e instanceof ValidationError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * The results file of this shard: `{shard}` in --out becomes the shard index (exit 2 when there is none).
 * @param flag - the value of `--out`
 * @param shard - the shard, if any
 */
export function outPathOf(flag: string, shard: Shard | undefined): string {
  try {
    return shardPath(flag, shard);
  } catch (e) {
    if (e instanceof ValidationError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * A results file name for this shard: `{shard}` in `path` becomes the shard's index, so the
 * file name always follows the index meshcast computes with (schedulers that do not expand
 * variables in a command, AWS Batch among them, need this).
 * @param path - the value of `--out`
 * @param shard - the shard, if any
 */
export function shardPath(path: string, shard: Shard | undefined): string {
  if (!path.includes('{shard}')) return path;
  if (shard === undefined) throw new ValidationError('--out', path, 'a path without {shard} (no shard is given)');
  return path.split('{shard}').join(String(shard.index));
}

/**
 * Checks that an existing results file may take this shard's work: its header (if any) names
 * this sweep and this shard, and every record in it is a task of this shard. A file of shard 0
 * receiving shard 1's tasks would otherwise hold both, and a merge of the shard files would
 * show shard 0 twice and shard 1 never.
 * @param path - the file (named in the error)
 * @param header - its header, or null (files written before meshcast recorded it)
 * @param records - its records
 * @param sweepId - this sweep's identity
 * @param shard - this run's shard (`{ index: 0, count: 1 }` for a whole sweep)
 * @param replications - replications per cell
 */
export function checkShardFile(
  path: string,
  header: ResultsHeader | null,
  records: readonly SweepRecord[],
  sweepId: string,
  shard: Shard,
  replications: number,
): void {
  const mine = `${shard.index}/${shard.count}`;
  const what = shard.count === 1 ? 'a results file of this whole sweep' : `a results file of shard ${mine}`;
  if ((header !== null && header.sweepId !== sweepId) || records.some((r) => r.sweepId !== sweepId))
    throw new ValidationError('--out', path, `${what} (it holds another sweep’s results; choose another file)`);
  if (header !== null && (header.shard.index !== shard.index || header.shard.count !== shard.count))
    throw new ValidationError(
      '--out',
      path,
      `${what} (it holds shard ${header.shard.index}/${header.shard.count}; check the shard index and count, ` +
        `or choose another file)`,
    );
  const foreign = records.find((r) => shardOfTask(r, replications, shard.count) !== shard.index);
  if (foreign !== undefined)
    throw new ValidationError(
      '--out',
      path,
      `${what} (it holds cell ${foreign.cell}, replication ${foreign.replication}, a task of shard ` +
        `${shardOfTask(foreign, replications, shard.count)}/${shard.count}; choose another file)`,
    );
}
