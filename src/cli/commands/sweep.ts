import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatSummaries, summariesToCsv } from '../../report/sweep.js';
import type { Scenario } from '../../scenario/scenario.js';
import { SWEEP_ALIASES, sweepPath } from '../../sweep/params.js';
import { checkReplications, planSweep } from '../../sweep/plan.js';
import { checkSeed } from '../../check.js';
import { mergeRecords } from '../../sweep/record.js';
import { summarise } from '../../sweep/summary.js';
import { runSweepPlan } from '../../sweep/sweep.js';
import { countOf, flagValue, parseValues, seedOf, UsageError, workersOf } from '../args.js';
import { readJson, writablePath } from '../files.js';
import { planShardsCommand } from '../plan-shards.js';
import { progressReporter } from '../progress.js';
import { checkOutputPath, openResults, sameFile } from '../results-file.js';
import { outPathOf, shardOf } from '../shard.js';

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
  // A value given on the command line replaces the scenario's for the same path (an alias included).
  const pathOf = (name: string): string => {
    try {
      return sweepPath(name).join('.');
    } catch {
      return name; // refused with its place named when the grid is checked
    }
  };
  const givenPaths = new Set([...given.keys()].map(pathOf));
  const grid = new Map<string, readonly unknown[]>(
    Object.entries(scenario.sweep?.grid ?? {}).filter(([name]) => !givenPaths.has(pathOf(name))),
  );
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
  const files = { baseDir: dirname(resolve(file)), outsideFiles: flags.has('--allow-outside-files') };
  const plan = planSweep(scenario, grid, {
    ...(repsFlag === undefined
      ? {}
      : { replications: flagValue('--replications', () => checkReplications('--replications', countOf(repsFlag))) }),
    ...(seed === undefined ? {} : { seed: flagValue('--seed', () => checkSeed('--seed', seed)) }),
    ...(workers === undefined ? {} : { workers: workersOf(workers, 0, err) }),
    ...(shard === undefined ? {} : { shard }),
    ...files,
  });
  if (planning) {
    await planShardsCommand(scenario.name ?? file, plan, files, flags, out);
    return;
  }

  // Files the sweep writes: refuse unwritable, special or clashing places now, not after hours of work.
  const outFlag = flags.get('--out');
  const outPath = typeof outFlag === 'string' ? outPathOf(outFlag, shard) : undefined;
  const csv = flags.get('--csv');
  for (const [flag, path] of [
    ['--out', outPath],
    ['--csv', typeof csv === 'string' ? csv : undefined],
  ] as const) {
    if (path === undefined) continue;
    writablePath(flag, path);
    checkOutputPath(flag, path);
    if (sameFile(path, file)) throw new UsageError(`${flag}: ${path} is the scenario itself`);
  }
  if (outPath !== undefined && typeof csv === 'string' && sameFile(outPath, csv)) {
    throw new UsageError(`--csv: ${csv} is the --out file: the summary would replace the results`);
  }

  // Resume: the finished results of this same sweep and shard are kept and skipped.
  const results = outPath === undefined ? undefined : openResults(outPath, plan, err);
  const previous = results?.previous ?? [];
  const skip = new Set(previous.map((r) => `${r.cell}/${r.replication}`));
  try {
    const outcome = await runSweepPlan({
      ...plan,
      skip,
      onResult: (record) => results?.write(`${JSON.stringify(record)}\n`),
      onProgress: progressReporter(err, process.stderr.isTTY === true, json),
    });
    // A shard with no task left (or none at all) still says which shard its file is.
    results?.writeHeader();
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
    results?.close();
  }
}
