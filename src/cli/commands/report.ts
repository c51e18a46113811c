import { readFileSync } from 'node:fs';
import { ValidationError } from '../../errors.js';
import { formatSummaries, summariesToCsv } from '../../report/sweep.js';
import { mergeRecords, parseResults, type SweepRecord } from '../../sweep/record.js';
import { summarise } from '../../sweep/summary.js';
import { UsageError } from '../args.js';

/** `meshcast report`: merges results files (shards, resumed runs) of one sweep and summarises them. */
export function reportCommand(
  files: readonly string[],
  flags: Map<string, string | true>,
  out: (s: string) => void,
): void {
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
  const summaries = summarise(all);
  if (flags.has('--json')) out(`${JSON.stringify({ records: all.length, summaries })}\n`);
  else if (flags.has('--csv')) out(summariesToCsv(summaries));
  else out(`${all.length} results\n\n${formatSummaries(summaries)}\n`);
}
