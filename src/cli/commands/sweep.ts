import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatSummaries, summariesToCsv } from '../../report/sweep.js';
import { plural } from '../../report/text.js';
import type { Scenario } from '../../scenario/scenario.js';
import { SWEEP_ALIASES, sweepPath } from '../../sweep/params.js';
import { checkReplications, planSweep } from '../../sweep/plan.js';
import { checkSeed } from '../../check.js';
import { mergeRecords } from '../../sweep/record.js';
import { summarise } from '../../sweep/summary.js';
import { runSweepPlan } from '../../sweep/sweep.js';
import { countOf, flagValue, parseValues, seedOf, UsageError, workersOf } from '../args.js';
import type { OptionValues, Output } from '../command.js';
import type { SWEEP_OPTIONS } from '../options/sweep.js';
import { readJson, writablePath } from '../files.js';
import { planShardsCommand } from '../plan-shards.js';
import { progressReporter } from '../progress.js';
import { checkOutputPath, openResults, sameFile } from '../results-file.js';
import { outPathOf, shardOf } from '../shard.js';

/** The parsed options of `meshcast sweep`. */
type SweepValues = OptionValues<typeof SWEEP_OPTIONS>;

/**
 * The grid of a sweep command: the scenario's, with the values given by flags set or replaced.
 * Parameters given on the command line are checked here, so a mistake in one is a command-line
 * error.
 */
function gridOf(scenario: Scenario, values: SweepValues): Record<string, readonly unknown[]> {
  const given = new Map<string, readonly unknown[]>();
  for (const [name, { flag }] of Object.entries(SWEEP_ALIASES)) {
    if (flag === null) continue;
    const v = values[flag.slice(2) as keyof SweepValues];
    if (typeof v === 'string') given.set(name, parseValues(v, flag));
  }
  for (const p of values.param ?? []) {
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
export async function sweepCommand(file: string, values: SweepValues, { out, err }: Output): Promise<void> {
  const scenario = readJson(file) as Scenario;
  const grid = gridOf(scenario, values);
  const repsFlag = values.replications;
  const json = values.json === true;
  const seed = seedOf(values.seed);
  const planning = values['plan-shards'] === true;
  if (!planning && values['target-minutes'] !== undefined)
    throw new UsageError('--target-minutes goes with --plan-shards');
  const shard = planning ? undefined : shardOf(values, process.env);
  const workers = values.workers;
  const files = { baseDir: dirname(resolve(file)), outsideFiles: values['allow-outside-files'] === true };
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
    await planShardsCommand(scenario.name ?? file, plan, files, values, out);
    return;
  }

  // Files the sweep writes: refuse unwritable, special or clashing places now, not after hours of work.
  const outFlag = values.out;
  const outPath = outFlag === undefined ? undefined : outPathOf(outFlag, shard);
  const csv = values.csv;
  for (const [flag, path] of [
    ['--out', outPath],
    ['--csv', csv],
  ] as const) {
    if (path === undefined) continue;
    writablePath(flag, path);
    checkOutputPath(flag, path);
    if (sameFile(path, file)) throw new UsageError(`${flag}: ${path} is the scenario itself`);
  }
  if (outPath !== undefined && csv !== undefined && sameFile(outPath, csv)) {
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
    if (csv !== undefined) writeFileSync(csv, summariesToCsv(summaries));
    const { replications, sweepId } = plan;
    if (json) {
      out(
        `${JSON.stringify({ sweepId, cells: outcome.cells.length, replications, records: all.length, summaries })}\n`,
      );
    } else {
      const part = shard === undefined ? '' : ` (shard ${shard.index}/${shard.count})`;
      const size = `${plural(outcome.cells.length, 'cell')} × ${plural(replications, 'replication')}`;
      const title = `${scenario.name ?? file}: ${size}${part}`;
      out(`${title}\n\n${formatSummaries(summaries)}\n`);
    }
  } finally {
    results?.close();
  }
}
