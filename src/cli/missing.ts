/**
 * What `meshcast report` says when its files do not cover a sweep: which tasks no file holds,
 * grouped by the shard that computes them, with the file that shard wrote (if any).
 * @module
 */
import { ValidationError } from '../errors.js';
import { plural } from '../report/text.js';
import type { ResultsHeader } from '../sweep/header.js';
import { missingTasks, shardOfTask, type SweepTaskId } from '../sweep/missing.js';
import type { SweepRecord } from '../sweep/record.js';

/** A results file as read by `meshcast report`. */
export interface ResultsFile {
  /** The path given on the command line. */
  readonly path: string;
  /** Its header, or null (files written before meshcast recorded one). */
  readonly header: ResultsHeader | null;
  /** Its records. */
  readonly records: readonly SweepRecord[];
}

/** A shard that misses tasks. */
export interface MissingShard {
  /** The shard index. */
  readonly index: number;
  /** The shard count. */
  readonly count: number;
  /** Tasks the shard computes. */
  readonly tasks: number;
  /** Its tasks no file holds. */
  readonly missing: readonly SweepTaskId[];
  /** Files whose header names this shard (none: the shard never wrote a result). */
  readonly files: readonly string[];
}

/** How far a set of results files covers its sweep. */
export interface Completeness {
  /** Tasks of the whole sweep, or null when no file has a header (nothing says how many). */
  readonly tasks: number | null;
  /** Tasks no file holds, in task order. */
  readonly missing: readonly SweepTaskId[];
  /** The shards the missing tasks belong to (by the files' shard count; empty for one whole-sweep file). */
  readonly shards: readonly MissingShard[];
}

/**
 * Which tasks of the sweep the files do not hold. The sweep's size comes from the headers,
 * which must agree; a record outside it is refused (it cannot come from this sweep).
 * @param files - the files, read
 */
export function completenessOf(files: readonly ResultsFile[]): Completeness {
  const headers = files.flatMap((f) => (f.header === null ? [] : [{ path: f.path, header: f.header }]));
  const first = headers[0];
  if (first === undefined) return { tasks: null, missing: [], shards: [] };
  const { cells, replications } = first.header;
  for (const { path, header } of headers) {
    if (header.cells !== cells || header.replications !== replications)
      throw new ValidationError(
        path,
        `${plural(header.cells, 'cell')} × ${plural(header.replications, 'replication')}`,
        `files of one sweep (${first.path} has ${plural(cells, 'cell')} × ${plural(replications, 'replication')})`,
      );
  }
  for (const f of files) {
    const outside = f.records.find((r) => r.cell >= cells || r.replication >= replications);
    if (outside !== undefined)
      throw new ValidationError(
        f.path,
        `cell ${outside.cell}, replication ${outside.replication}`,
        `records of a sweep of ${plural(cells, 'cell')} × ${plural(replications, 'replication')}`,
      );
  }
  const missing = missingTasks(
    cells,
    replications,
    files.flatMap((f) => f.records),
  );
  // Shards are named by the count the files were written with (the largest, if runs mixed counts).
  const count = Math.max(...headers.map((h) => h.header.shard.count));
  const shards: MissingShard[] = [];
  if (count > 1) {
    for (let index = 0; index < count; index++) {
      const mine = missing.filter((t) => shardOfTask(t, replications, count) === index);
      if (mine.length === 0) continue;
      shards.push({
        index,
        count,
        tasks: Math.floor((cells * replications - index + count - 1) / count),
        missing: mine,
        files: headers
          .filter((h) => h.header.shard.count === count && h.header.shard.index === index)
          .map((h) => h.path),
      });
    }
  }
  return { tasks: cells * replications, missing, shards };
}

/** A few tasks as text: `cell 3 replication 1, …` and how many more. */
function someTasks(tasks: readonly SweepTaskId[], shown = 5): string {
  const text = tasks
    .slice(0, shown)
    .map((t) => `cell ${t.cell} replication ${t.replication}`)
    .join(', ');
  return tasks.length > shown ? `${text} and ${tasks.length - shown} more` : text;
}

/**
 * The lines `meshcast report` prints on standard error for an incomplete sweep: the count,
 * then one line per shard that misses tasks (or the tasks, for a whole-sweep file), and how to
 * finish it.
 * @param c - the completeness of the files
 */
export function formatMissing(c: Completeness): string {
  if (c.tasks === null || c.missing.length === 0) return '';
  const lines = [`incomplete: ${c.missing.length} of ${c.tasks} tasks have no result`];
  if (c.shards.length === 0) lines.push(`  missing: ${someTasks(c.missing)}`);
  for (const s of c.shards) {
    const where = s.files.length === 0 ? 'no results file' : s.files.join(', ');
    lines.push(
      `  shard ${s.index}/${s.count}: ${s.missing.length} of ${s.tasks} tasks missing (${where}): ` +
        `${someTasks(s.missing, 3)}`,
    );
  }
  const first = c.shards[0];
  lines.push(
    first === undefined
      ? 'run the same sweep command again: it resumes its file'
      : `rerun each of these shards (e.g. array index ${first.index}, or --shard ${first.index}/` +
          `${first.count}): it resumes its own file`,
  );
  return `${lines.join('\n')}\n`;
}
