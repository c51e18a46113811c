#!/usr/bin/env node
import {
  accessSync,
  closeSync,
  constants as fsConstants,
  existsSync,
  ftruncateSync,
  openSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MeshcastError, ValidationError } from '../errors.js';
import type { Seed } from '../random/stream.js';
import { formatSummaries, summariesToCsv } from '../report/sweep.js';
import { formatCampaign, formatDuration } from '../report/text.js';
import { SCENARIO_SCHEMA } from '../scenario/schema.js';
import {
  checkScenario,
  loadScenario,
  runScenario,
  runScenarioParallel,
  type Scenario,
  type ScenarioResult,
} from '../scenario/scenario.js';
import { mergeRecords, parseResults, type SweepRecord } from '../sweep/record.js';
import { summarise } from '../sweep/summary.js';
import { sweep, sweepIdOf, type Shard } from '../sweep/sweep.js';
import { VERSION } from '../version.js';

/** Exit codes of the meshcast command (documented in the README). */
export const EXIT = { ok: 0, failure: 1, usage: 2, invalid: 3 } as const;

const USAGE = `meshcast ${VERSION}: simulate firmware broadcast campaigns over a utility RF mesh

Usage:
  meshcast run <scenario.json> [--seed S] [--passes N] [--workers auto|N] [--json]
  meshcast sweep <scenario.json> [--hops 2..40] [--ttl 60,120,300,600] [--spacing 35,70]
                 [--param PATH=V1,V2,...] [--replications N] [--workers auto|N] [--seed S]
                 [--out results.ndjson] [--shard I/N | --shard-count N] [--csv FILE] [--json]
  meshcast report <results.ndjson>... [--csv] [--json]
  meshcast validate <scenario.json>
  meshcast schema
  meshcast --version | --help

Values: a list (60,120,300), a range (2..40) or a stepped range (60..600:60).
Sweeps resume: run the same command again and finished lines in --out are skipped.
Shards: --shard-count N takes the index from JOB_COMPLETION_INDEX (Kubernetes),
SLURM_ARRAY_TASK_ID (SLURM) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch).

Exit codes: 0 done, 1 failure, 2 bad command line, 3 invalid scenario or results.`;

interface Parsed {
  readonly command: string | undefined;
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
  readonly params: string[];
}

function parse(argv: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const params: string[] = [];
  const valued = new Set([
    '--seed',
    '--passes',
    '--hops',
    '--ttl',
    '--spacing',
    '--param',
    '--replications',
    '--workers',
    '--out',
    '--shard',
    '--shard-count',
    '--csv',
  ]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      let name = a;
      let value: string | true = true;
      if (eq > 0) {
        name = a.slice(0, eq);
        value = a.slice(eq + 1);
      } else if (valued.has(a) && !(a === '--csv' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--')))) {
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`${a} needs a value`);
        value = v;
      }
      // --param may repeat; the others keep their last value.
      if (name === '--param' && typeof value === 'string') params.push(value);
      else flags.set(name, value);
    } else positional.push(a);
  }
  return { command: positional.shift(), positional, flags, params };
}

class UsageError extends Error {}

/** Refuses a file path whose directory does not exist or cannot be written (or that names a directory). */
function writablePath(flag: string, path: string): void {
  const dir = dirname(resolve(path));
  try {
    accessSync(dir, fsConstants.W_OK);
  } catch {
    throw new UsageError(
      `${flag}: cannot write ${path}: ${existsSync(dir) ? 'its directory is not writable' : `no directory ${dir}`}`,
    );
  }
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`${flag}: ${path} is a directory`);
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValidationError('scenario', path, `valid JSON (${(e as Error).message})`);
  }
}

function loadFile(path: string): ReturnType<typeof loadScenario> {
  const base = dirname(resolve(path));
  return loadScenario(readJson(path), (p) => readFileSync(resolve(base, p), 'utf8'));
}

/** Parses "60,120,300", "2..40" or "60..600:60" into values (numbers where numeric). */
export function parseValues(text: string, flag: string): unknown[] {
  const range = /^(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/.exec(text);
  if (range !== null) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    const step = range[3] === undefined ? 1 : Number(range[3]);
    if (!(step > 0) || to < from || (to - from) / step > 100_000)
      throw new UsageError(`${flag}: ${text} is not a usable range (from..to[:step], from <= to)`);
    const out: number[] = [];
    for (let k = 0; from + k * step <= to + 1e-9; k++) out.push(Number((from + k * step).toPrecision(12)));
    return out;
  }
  const items = text.split(',').map((t) => t.trim());
  if (items.some((t) => t === '')) throw new UsageError(`${flag}: ${text} has an empty value`);
  return items.map((t) => {
    if (/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(t)) return Number(t);
    if (t === 'true' || t === 'false') return t === 'true';
    return t;
  });
}

/** The shard of this process: --shard I/N, or --shard-count N with the index from a scheduler's variable. */
function shardOf(flags: Map<string, string | true>): Shard | undefined {
  const explicit = flags.get('--shard');
  if (typeof explicit === 'string') {
    const m = /^(\d+)\/(\d+)$/.exec(explicit);
    if (m === null) throw new UsageError('--shard needs INDEX/COUNT, e.g. 0/4');
    return { index: Number(m[1]), count: Number(m[2]) };
  }
  const env = process.env;
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
  if (raw === undefined)
    throw new UsageError(
      '--shard-count: none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX is set (or give --shard I/N)',
    );
  return { index: Number(raw), count };
}

/** Progress on stderr: a bar with ETA on a terminal, a line per 10 % otherwise. */
function progressReporter(
  err: (s: string) => void,
  tty: boolean,
  quiet: boolean,
): (done: number, total: number) => void {
  const started = Date.now();
  let lastTenth = -1;
  return (done, total) => {
    if (quiet || total === 0) return;
    const elapsedS = (Date.now() - started) / 1000;
    const etaS = done === 0 ? NaN : (elapsedS * (total - done)) / done;
    if (tty) {
      const width = 30;
      const filled = Math.round((width * done) / total);
      err(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}  ETA ${Number.isNaN(etaS) ? '?' : formatDuration(etaS)}   ${done === total ? '\n' : ''}`,
      );
      return;
    }
    const tenth = Math.floor((10 * done) / total);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      err(
        `meshcast: ${done}/${total} done, ${formatDuration(elapsedS)} elapsed, ETA ${Number.isNaN(etaS) ? '?' : formatDuration(etaS)}\n`,
      );
    }
  };
}

async function runSweep(
  file: string,
  flags: Map<string, string | true>,
  params: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const scenario: Scenario = checkScenario(readJson(file));
  const grid: Record<string, readonly unknown[]> = { ...(scenario.sweep?.grid ?? {}) };
  const aliases: [string, string][] = [
    ['--hops', 'maxHops'],
    ['--ttl', 'ttlS'],
    ['--spacing', 'spacingS'],
  ];
  for (const [flag, name] of aliases) {
    const v = flags.get(flag);
    if (typeof v === 'string') grid[name] = parseValues(v, flag);
  }
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param needs PATH=VALUES, got ${p}`);
    grid[p.slice(0, eq)] = parseValues(p.slice(eq + 1), '--param');
  }
  const repsFlag = flags.get('--replications');
  const replications = typeof repsFlag === 'string' ? Number(repsFlag) : (scenario.sweep?.replications ?? 1);
  if (!Number.isInteger(replications) || replications < 1)
    throw new UsageError('--replications needs a positive integer');
  const workers = workersOf(flags.get('--workers') ?? 'auto', 0);
  const seed = seedOf(flags) ?? scenario.seed ?? 0;
  const shard = shardOf(flags);
  const id = sweepIdOf(scenario, grid, seed, replications);

  // Files the sweep writes: refuse unwritable places now, not after hours of work.
  for (const flag of ['--out', '--csv']) {
    const path = flags.get(flag);
    if (typeof path === 'string') writablePath(flag, path);
  }

  // Resume: keep the finished lines of this same sweep, cut a torn last line, refuse others.
  const outPath = flags.get('--out');
  const skip = new Set<string>();
  let previous: SweepRecord[] = [];
  let fd: number | undefined;
  if (typeof outPath === 'string') {
    if (existsSync(outPath)) {
      let parsed: ReturnType<typeof parseResults>;
      try {
        parsed = parseResults(readFileSync(outPath, 'utf8'));
      } catch (e) {
        throw new ValidationError(
          '--out',
          outPath,
          `a results file of this sweep to resume (${(e as Error).message})`,
          { cause: e },
        );
      }
      const foreign = parsed.records.find((r) => r.sweepId !== id);
      if (foreign !== undefined) {
        throw new ValidationError(
          '--out',
          outPath,
          'a results file of this same sweep (it holds another sweep’s lines; choose another file)',
        );
      }
      previous = parsed.records;
      for (const r of previous) skip.add(`${r.cell}/${r.replication}`);
      fd = openSync(outPath, 'r+');
      if (parsed.corruptTail) {
        ftruncateSync(fd, Buffer.byteLength(readFileSync(outPath, 'utf8').slice(0, parsed.validLength)));
        err(`meshcast: ${outPath}: dropped a damaged last line; redoing it\n`);
      }
      closeSync(fd);
      if (previous.length > 0) err(`meshcast: ${outPath}: ${previous.length} results already there; skipping them\n`);
    }
    fd = openSync(outPath, 'a');
  }
  const json = flags.has('--json');
  try {
    const outcome = await sweep(scenario, grid, {
      replications,
      seed,
      workers,
      ...(shard === undefined ? {} : { shard }),
      skip,
      baseDir: dirname(resolve(file)),
      onResult: (record) => {
        if (fd !== undefined) writeSync(fd, `${JSON.stringify(record)}\n`);
      },
      onProgress: progressReporter(err, process.stderr.isTTY === true, json),
    });
    const all = mergeRecords(previous, outcome.records);
    const summaries = summarise(all, outcome.cells);
    const csv = flags.get('--csv');
    if (typeof csv === 'string') writeFileSync(csv, summariesToCsv(summaries));
    if (json)
      out(
        `${JSON.stringify({ sweepId: id, cells: outcome.cells.length, replications, records: all.length, summaries })}\n`,
      );
    else
      out(
        `${scenario.name ?? file}: ${outcome.cells.length} cells × ${replications} replications${shard === undefined ? '' : ` (shard ${shard.index + 1} of ${shard.count})`}\n\n${formatSummaries(summaries)}\n`,
      );
    return EXIT.ok;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function runReport(files: readonly string[], flags: Map<string, string | true>, out: (s: string) => void): number {
  const lists = files.map((f) => {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${f}: ${(e as Error).message}`);
    }
    try {
      return parseResults(text).records;
    } catch (e) {
      throw new ValidationError(f, 'a damaged line', `a sweep results file (${(e as Error).message})`);
    }
  });
  const ids = new Set(lists.flat().map((r) => r.sweepId));
  if (ids.size > 1)
    throw new ValidationError('results', [...ids], 'files of one sweep (these come from different sweeps)');
  // One sweep's records all name the same parameters.
  const keys = new Set(lists.flat().map((r) => JSON.stringify(Object.keys(r.params).sort())));
  if (keys.size > 1)
    throw new ValidationError(
      'results',
      [...keys].map((k) => JSON.parse(k) as string[]),
      'records of one sweep, every one with the same parameters',
    );
  let all: SweepRecord[];
  try {
    all = mergeRecords(...lists);
  } catch (e) {
    throw new ValidationError('results', files, `files of one sweep (${(e as Error).message})`, { cause: e });
  }
  const summaries = summarise(all);
  if (flags.has('--json')) out(`${JSON.stringify({ records: all.length, summaries })}\n`);
  else if (flags.has('--csv')) out(summariesToCsv(summaries));
  else out(`${all.length} results\n\n${formatSummaries(summaries)}\n`);
  return EXIT.ok;
}

/** The value of `--seed`: an integer when it reads as one, else the string; undefined when absent. */
function seedOf(flags: Map<string, string | true>): Seed | undefined {
  const flag = flags.get('--seed');
  if (typeof flag !== 'string') return undefined;
  return /^-?\d+$/.test(flag) ? Number(flag) : flag;
}

/** The value of `--workers`: 'auto' or an integer of at least `least`. */
function workersOf(flag: string | true, least: number): number | 'auto' {
  if (flag === 'auto') return 'auto';
  const n = Number(flag);
  if (!Number.isInteger(n) || n < least) throw new UsageError(`--workers needs 'auto' or an integer >= ${least}`);
  return n;
}

/** Runs the command line; resolves to the exit code. Exported for tests. */
export async function main(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  try {
    const { command, positional, flags, params } = parse(argv);
    if (flags.has('--version')) {
      out(`${VERSION}\n`);
      return EXIT.ok;
    }
    if (flags.has('--help') || command === undefined || command === 'help') {
      out(`${USAGE}\n`);
      return command === undefined && !flags.has('--help') ? EXIT.usage : EXIT.ok;
    }
    const allowed: Record<string, readonly string[]> = {
      run: ['--seed', '--passes', '--workers', '--json'],
      validate: [],
      schema: [],
      report: ['--csv', '--json'],
      sweep: [
        '--hops',
        '--ttl',
        '--spacing',
        '--replications',
        '--workers',
        '--out',
        '--shard',
        '--shard-count',
        '--csv',
        '--json',
        '--seed',
      ],
    };
    const known = allowed[command];
    if (known === undefined) throw new UsageError(`unknown command ${command}`);
    for (const f of flags.keys()) if (!known.includes(f)) throw new UsageError(`unknown option ${f} for ${command}`);
    if (params.length > 0 && command !== 'sweep') throw new UsageError(`--param is for sweep`);
    if (command === 'schema') {
      out(`${JSON.stringify(SCENARIO_SCHEMA, null, 2)}\n`);
      return EXIT.ok;
    }
    if (command === 'report') {
      if (positional.length === 0) throw new UsageError('report needs one or more results files');
      return runReport(positional, flags, out);
    }
    const file = positional[0];
    if (file === undefined) throw new UsageError(`${command} needs a scenario file`);
    if (command === 'sweep') return await runSweep(file, flags, params, out, err);
    const loaded = loadFile(file);
    if (command === 'validate') {
      out(`${file}: valid (${loaded.mesh.n} devices, ${loaded.mesh.collectors.length} collectors)\n`);
      return EXIT.ok;
    }
    let scenario = loaded;
    const passes = flags.get('--passes');
    if (passes !== undefined) {
      const n = Number(passes);
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError('--passes needs an integer in 1..100');
      scenario = { ...loaded, scenario: { ...loaded.scenario, passes: n } };
    }
    const seed = seedOf(flags);
    const workersFlag = flags.get('--workers');
    let result: ScenarioResult;
    if (workersFlag === undefined) result = runScenario(scenario, seed);
    else {
      const workers = workersOf(workersFlag, 1);
      // A line per tenth of each pass on standard error (these passes can take minutes).
      let shown = { pass: 0, next: 0 };
      const onProgress = (pass: number, flooded: number, packets: number): void => {
        if (pass !== shown.pass) shown = { pass, next: 0 };
        if (flooded < shown.next) return;
        err(`pass ${pass}: ${flooded} of ${packets} packets flooded (${Math.floor((100 * flooded) / packets)} %)\n`);
        shown.next = flooded + packets / 10;
      };
      result = await runScenarioParallel(scenario, { workers, onProgress, ...(seed === undefined ? {} : { seed }) });
    }
    if (flags.has('--json')) {
      out(
        `${JSON.stringify({ scenario: loaded.scenario.name ?? file, passes: result.passes.map((p) => p.summary()) })}\n`,
      );
    } else {
      out(`${formatCampaign(result.passes, loaded.scenario.name ?? file)}\n`);
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`meshcast: ${e.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (e instanceof ValidationError) {
      err(`meshcast: invalid ${argv[0] === 'report' ? 'results' : 'scenario'}: ${e.message}\n`);
      return EXIT.invalid;
    }
    if (e instanceof MeshcastError) {
      err(`meshcast: ${e.message}\n`);
      return EXIT.failure;
    }
    // The system refused a file operation (ENOSPC, EACCES, …): say so, without a stack.
    if (
      e instanceof Error &&
      typeof (e as NodeJS.ErrnoException).code === 'string' &&
      typeof (e as NodeJS.ErrnoException).syscall === 'string'
    ) {
      err(`meshcast: ${e.message}\n`);
      return EXIT.failure;
    }
    throw e;
  }
}

// Run when this file is the program (directly, or through npm's bin symlink), not when imported.
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`meshcast: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
