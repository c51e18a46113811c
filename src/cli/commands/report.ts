import { basename } from 'node:path';
import { ValidationError } from '../../errors.js';
import { formatSummaries, summariesToCsv } from '../../report/sweep.js';
import { mergeRecords, parseResults, type SweepRecord } from '../../sweep/record.js';
import { summarise } from '../../sweep/summary.js';
import { UsageError } from '../args.js';
import type { OptionValues, Output } from '../command.js';
import type { REPORT_OPTIONS } from '../options/report.js';
import { completenessOf, formatMissing } from '../missing.js';
import { readResults } from '../results-file.js';
import { checkReportOutputs, writeReportOutputs } from './outputs.js';

/**
 * `meshcast report`: merges results files (shards, resumed runs) of one sweep and summarises
 * them; names the shards and tasks that no file holds.
 * @returns whether the files hold every task of the sweep (or cannot tell: no header)
 */
export async function reportCommand(
  files: readonly string[],
  values: OptionValues<typeof REPORT_OPTIONS>,
  { out, err }: Output,
): Promise<boolean> {
  const recordsToOut = checkReportOutputs(values, files);
  const read = files.map((f) => {
    let text: string;
    try {
      text = readResults(f);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    try {
      const { header, records } = parseResults(text);
      return { path: f, header, records };
    } catch (e) {
      throw new ValidationError(f, 'a damaged line', `a sweep results file (${(e as Error).message})`);
    }
  });
  const lists = read.map((f) => f.records);
  const ids = new Set([
    ...lists.flat().map((r) => r.sweepId),
    ...read.flatMap((f) => (f.header === null ? [] : [f.header.sweepId])),
  ]);
  if (ids.size > 1) {
    throw new ValidationError('results', [...ids], 'files of one sweep (these come from different sweeps)');
  }
  // One sweep's records all name the same parameters.
  const keys = new Set(lists.flat().map((r) => JSON.stringify(Object.keys(r.params).sort())));
  if (keys.size > 1) {
    throw new ValidationError(
      'results',
      [...keys].map((k) => JSON.parse(k) as string[]),
      'records of one sweep, every one with the same parameters',
    );
  }
  let all: SweepRecord[];
  try {
    all = mergeRecords(...lists);
  } catch (e) {
    throw new ValidationError('results', files, `files of one sweep (${(e as Error).message})`, { cause: e });
  }
  const completeness = completenessOf(read);
  const summaries = summarise(all);
  if (values.json === true) {
    const { tasks, missing, shards } = completeness;
    const missingShards = shards.map((s) => s.index);
    out(`${JSON.stringify({ records: all.length, tasks, missing: missing.length, missingShards, summaries })}\n`);
  } else if (values.csv === true) out(summariesToCsv(summaries));
  else if (!recordsToOut) out(`${all.length} results\n\n${formatSummaries(summaries)}\n`);
  if (completeness.tasks === null) {
    err('meshcast: these files have no header (an earlier meshcast wrote them): not checked for missing tasks\n');
  }
  const missing = completeness.missing.length === 0 ? null : formatMissing(completeness);
  const title = `meshcast sweep: ${files.length === 1 ? basename(files[0]!) : `${files.length} results files`}`;
  await writeReportOutputs(values, all, { title, notes: missing === null ? [] : [missing.trim()] }, out, err);
  if (missing === null) return true;
  err(`meshcast: ${missing}`);
  return false;
}
