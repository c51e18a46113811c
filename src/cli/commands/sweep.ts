import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ValidationError } from '../../errors.js';
import { formatSummaries, summariesToCsv } from '../../report/sweep.js';
import type { Scenario } from '../../scenario/scenario.js';
import { SWEEP_ALIASES, sweepPath } from '../../sweep/params.js';
import { checkReplications, planSweep } from '../../sweep/plan.js';
import { checkSeed } from '../../check.js';
import { resultsHeader } from '../../sweep/header.js';
import { mergeRecords, parseResults, type SweepRecord } from '../../sweep/record.js';
import { summarise } from '../../sweep/summary.js';
import { runSweepPlan } from '../../sweep/sweep.js';
import { countOf, flagValue, parseValues, seedOf, UsageError, workersOf } from '../args.js';
import { readJson, writablePath } from '../files.js';
import { planShardsCommand } from '../plan-shards.js';
import { progressReporter } from '../progress.js';
import { checkShardFile, outPathOf, shardOf } from '../shard.js';

/**
 * The grid of a sweep command: the scenario's, with the values given by flags set or replaced.
 * Parameters given on the command line are checked here, so a mistake in one is a command-line
 * error.
 */
function gridOf(
  scenario: Scenario,
  flags: Map<string, string | true>,
  params: readonly string[],
): Record<string, readonly unknown[]> {
  const given = new Map<string, readonly unknown[]>();
  for (const [name, { flag }] of Object.entries(SWEEP_ALIASES)) {
    const v = flag === null ? undefined : flags.get(flag);
    if (typeof v === 'string') given.set(name, parseValues(v, flag!));
  }
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param needs PATH=VALUES, got ${p}`);
    const name = p.slice(0, eq);
    flagValue('--param', () => sweepPath(name, '--param'));
    given.set(name, parseValues(p.slice(eq + 1), '--param'));
  }
  const grid = new Map<string, readonly unknown[]>(Object.entries(scenario.sweep?.grid ?? {}));
  for (const [name, values] of given) grid.set(name, values);
  // Built as own properties (never by assignment, which would let `__proto__` set a prototype).
  return Object.fromEntries(grid);
}

/**
 * `meshcast sweep`: runs a scenario over a grid × replications, streaming one NDJSON line per
 * (cell, replication) to `--out`; resumes a file of the same sweep and shard. With
 * `--plan-shards`, times a few tasks and suggests a shard count instead, writing nothing.
 */
export async function sweepCommand(
  file: string,
  flags: Map<string, string | true>,
  params: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<void> {
  const scenario = readJson(file) as Scenario;
  const grid = gridOf(scenario, flags, params);
  const repsFlag = flags.get('--replications');
  const json = flags.has('--json');
  const seed = seedOf(flags);
  const planning = flags.has('--plan-shards');
  if (!planning && flags.has('--target-minutes')) throw new UsageError('--target-minutes goes with --plan-shards');
  const shard = planning ? undefined : shardOf(flags, process.env);
  const workers = flags.get('--workers');
  const plan = planSweep(scenario, grid, {
    ...(repsFlag === undefined
      ? {}
      : { replications: flagValue('--replications', () => checkReplications('--replications', countOf(repsFlag))) }),
    ...(seed === undefined ? {} : { seed: flagValue('--seed', () => checkSeed('--seed', seed)) }),
    ...(workers === undefined ? {} : { workers: workersOf(workers, 0, err) }),
    ...(shard === undefined ? {} : { shard }),
    baseDir: dirname(resolve(file)),
  });
  if (planning) {
    await planShardsCommand(scenario.name ?? file, plan, flags, out);
    return;
  }

  // Files the sweep writes: refuse unwritable places now, not after hours of work.
  const outFlag = flags.get('--out');
  const outPath = typeof outFlag === 'string' ? outPathOf(outFlag, shard) : undefined;
  if (outPath !== undefined) writablePath('--out', outPath);
  const csv = flags.get('--csv');
  if (typeof csv === 'string') writablePath('--csv', csv);

  // Resume: keep the finished lines of this same sweep and shard, cut a torn last line, refuse others.
  const skip = new Set<string>();
  let previous: SweepRecord[] = [];
  let fd: number | undefined;
  // The header goes in just before the first result: a sweep refused before any result leaves an empty file.
  let header: string | undefined;
  if (outPath !== undefined) {
    header = `${JSON.stringify(resultsHeader(plan.sweepId, plan.shard, plan.cells.length, plan.replications))}\n`;
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
      checkShardFile(outPath, parsed.header, parsed.records, plan.sweepId, plan.shard, plan.replications);
      // A file with results but no header (an earlier meshcast's) keeps none: it can only go first.
      if (parsed.header !== null || parsed.records.length > 0) header = undefined;
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
  const writeHeader = (): void => {
    if (fd === undefined || header === undefined) return;
    writeSync(fd, header);
    header = undefined;
  };
  try {
    const outcome = await runSweepPlan({
      ...plan,
      skip,
      onResult: (record) => {
        writeHeader();
        if (fd !== undefined) writeSync(fd, `${JSON.stringify(record)}\n`);
      },
      onProgress: progressReporter(err, process.stderr.isTTY === true, json),
    });
    // A shard with no task left (or none at all) still says which shard its file is.
    writeHeader();
    const all = mergeRecords(previous, outcome.records);
    const summaries = summarise(all, outcome.cells);
    if (typeof csv === 'string') writeFileSync(csv, summariesToCsv(summaries));
    const { replications, sweepId } = plan;
    if (json) {
      out(
        `${JSON.stringify({ sweepId, cells: outcome.cells.length, replications, records: all.length, summaries })}\n`,
      );
    } else {
      const part = shard === undefined ? '' : ` (shard ${shard.index}/${shard.count})`;
      const title = `${scenario.name ?? file}: ${outcome.cells.length} cells × ${replications} replications${part}`;
      out(`${title}\n\n${formatSummaries(summaries)}\n`);
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
