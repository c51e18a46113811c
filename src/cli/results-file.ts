import {
  closeSync,
  existsSync,
  ftruncateSync,
  lstatSync,
  openSync,
  readFileSync,
  realpathSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { MeshcastError, ValidationError } from '../errors.js';
import { readRegularFile } from '../scenario/files.js';
import { resultsHeader } from '../sweep/header.js';
import type { SweepPlan } from '../sweep/plan.js';
import { mergeRecords, parseResults, type SweepRecord } from '../sweep/record.js';
import { checkShardFile } from './shard.js';

/** Largest results file a sweep resumes or a report reads: 512 MiB (split larger studies into shards). */
export const MAX_RESULTS_BYTES = 512 * 1024 * 1024;

/** Reads a results file: a regular file of bounded size (never a device or a FIFO). */
export function readResults(path: string): string {
  return readRegularFile(path, MAX_RESULTS_BYTES);
}

/**
 * Refuses an output path that is not a regular file (a device, a FIFO, `/dev/stdout`): a sweep
 * reads what it resumes, and reading those would block or never end.
 */
export function checkOutputPath(flag: string, path: string): void {
  if (!existsSync(path) && !isLink(path)) return;
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new ValidationError(
      flag,
      path,
      `a results file to write (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
  if (!st.isFile())
    throw new ValidationError(flag, path, 'a regular file (or a new one), not a device, FIFO or directory');
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Whether two paths name the same file (after following links), for files that may not exist yet. */
export function sameFile(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

/** A results file opened for a sweep: what it held, and where new results go. */
export interface OpenResults {
  /** Results already there (to skip, and to merge into the summary). */
  readonly previous: readonly SweepRecord[];
  /** Appends one line. */
  write(line: string): void;
  /** Appends the header if the file has none yet (just before the first result, or at the end). */
  writeHeader(): void;
  /** Closes the file and releases the lock. */
  close(): void;
}

/**
 * Opens `--out` for a sweep: takes its lock (refusing a file another live sweep writes), reads
 * the results it holds, checks they are this sweep's and this shard's, cuts a last line only
 * when it is a torn result of this sweep with a result or header before it, and refuses —
 * untouched — any file that holds no result of this sweep.
 * @param notice - where to say what was done (dropped a torn line, results skipped)
 */
export function openResults(path: string, plan: SweepPlan, notice: (s: string) => void): OpenResults {
  const lock = takeLock(path);
  try {
    let header: string | undefined =
      `${JSON.stringify(resultsHeader(plan.sweepId, plan.shard, plan.cells.length, plan.replications))}\n`;
    let previous: SweepRecord[] = [];
    if (existsSync(path)) {
      const text = readResults(path);
      let parsed: ReturnType<typeof parseResults>;
      try {
        parsed = parseResults(text);
      } catch (e) {
        throw new ValidationError('--out', path, `a results file of this sweep to resume (${(e as Error).message})`, {
          cause: e,
        });
      }
      checkShardFile(path, parsed.header, parsed.records, plan.sweepId, plan.shard, plan.replications);
      const hasResult = parsed.header !== null || parsed.records.length > 0;
      if (parsed.corruptTail) {
        const tail = text.slice(parsed.validLength).replace(/\n$/, '');
        if (!hasResult || !tornResult(tail, plan.sweepId)) {
          throw new ValidationError(
            '--out',
            path,
            hasResult
              ? 'a results file of this sweep (its last line is not a result of it: the file is left as it is)'
              : 'a results file of this sweep, or a new file (this one holds no result of it: it is left as it is)',
          );
        }
      }
      // Results of one task must agree: a conflict is found now, not after the work is redone.
      try {
        mergeRecords(parsed.records);
      } catch (e) {
        throw new ValidationError('--out', path, `a results file of one sweep (${(e as Error).message})`, { cause: e });
      }
      if (hasResult) header = undefined;
      previous = parsed.records;
      if (parsed.corruptTail) {
        const fd = openSync(path, 'r+');
        try {
          ftruncateSync(fd, Buffer.byteLength(text.slice(0, parsed.validLength)));
        } finally {
          closeSync(fd);
        }
        notice(`meshcast: ${path}: dropped a torn last line; redoing it\n`);
      }
      if (previous.length > 0) notice(`meshcast: ${path}: ${previous.length} results already there; skipping them\n`);
    }
    const fd = openSync(path, 'a');
    const write = (line: string): void => {
      writeSync(fd, line);
    };
    return {
      previous,
      write: (line) => {
        if (header !== undefined) {
          write(header);
          header = undefined;
        }
        write(line);
      },
      writeHeader: () => {
        if (header !== undefined) write(header);
        header = undefined;
      },
      close: () => {
        closeSync(fd);
        lock.release();
      },
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/**
 * Whether a line is what a write of a result of this sweep, cut short, leaves: a result line
 * begins with its sweep id, so the cut line is a prefix of that beginning or starts with it.
 */
function tornResult(line: string, sweepId: string): boolean {
  const start = `{"sweepId":"${sweepId}"`;
  return line.length > 0 && (start.startsWith(line) || line.startsWith(start));
}

/**
 * An exclusive lock on a results file: `<file>.lock` holding the host and process that write
 * it, made with O_EXCL so two sweeps cannot both take it. A lock left by a process of this host
 * that is gone (a killed sweep) is taken over; one held by a live process, or by another host
 * (a cluster's shared disk), is refused, naming who holds it.
 */
function takeLock(path: string): { release(): void } {
  const lockPath = `${path}.lock`;
  const me = { host: hostname(), pid: process.pid };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, JSON.stringify(me), { flag: 'wx' });
      let held = true;
      const release = (): void => {
        if (!held) return;
        held = false;
        try {
          unlinkSync(lockPath);
        } catch {
          // already gone
        }
        process.off('exit', release);
      };
      process.on('exit', release);
      return { release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: { host?: unknown; pid?: unknown } = {};
    try {
      holder = JSON.parse(readFileSync(lockPath, 'utf8')) as typeof holder;
    } catch {
      // an unreadable lock is someone else's
    }
    if (holder.host === me.host && typeof holder.pid === 'number' && !alive(holder.pid)) {
      unlinkSync(lockPath); // its sweep is gone: take it over
      continue;
    }
    throw new MeshcastError(
      `${path} is being written by another sweep (${typeof holder.host === 'string' ? holder.host : '?'}, ` +
        `process ${typeof holder.pid === 'number' ? holder.pid : '?'}); ` +
        `wait for it, or delete ${lockPath} if that sweep is gone`,
    );
  }
  throw new MeshcastError(`cannot lock ${path}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
