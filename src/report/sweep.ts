import type { CellSummary } from '../sweep/summary.js';
import { csvLine } from './csv.js';
import { table } from './text.js';

/** A parameter value as text: a string as it is, anything else as JSON. @internal */
export function paramText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Cell summaries as CSV: one row per cell, parameter columns first, then for coverage,
 * duration and transmissions the mean, sd and 95 % CI bounds, and the coverage percentiles;
 * then duplicates, redundancy (duplicates per packet delivered) and, with contention on,
 * airtime and collisions.
 */
export function summariesToCsv(summaries: readonly CellSummary[]): string {
  const params = summaries.length === 0 ? [] : Object.keys(summaries[0]!.params);
  const header = [
    'cell',
    ...params,
    'replications',
    'coverage_mean',
    'coverage_sd',
    'coverage_ci95_low',
    'coverage_ci95_high',
    'coverage_p5',
    'coverage_p50',
    'coverage_p95',
    'reached_target_share',
    'passes_to_target_mean',
    'duration_s_mean',
    'duration_s_ci95_low',
    'duration_s_ci95_high',
    'transmissions_mean',
    'transmissions_ci95_low',
    'transmissions_ci95_high',
    'duplicates_mean',
    'redundancy_mean',
    'redundancy_ci95_low',
    'redundancy_ci95_high',
    'airtime_s_mean',
    'collisions_mean',
  ];
  const rows = summaries.map((s) => [
    String(s.cell),
    ...params.map((p) => paramText(s.params[p])),
    String(s.replications),
    String(s.coverage.mean),
    String(s.coverage.sd),
    String(s.coverage.ci95[0]),
    String(s.coverage.ci95[1]),
    String(s.coverage.p5),
    String(s.coverage.p50),
    String(s.coverage.p95),
    String(s.reachedTarget),
    s.passesToTarget === null ? '' : String(s.passesToTarget.mean),
    String(s.durationS.mean),
    String(s.durationS.ci95[0]),
    String(s.durationS.ci95[1]),
    String(s.transmissions.mean),
    String(s.transmissions.ci95[0]),
    String(s.transmissions.ci95[1]),
    String(s.duplicates.mean),
    String(s.redundancy.mean),
    String(s.redundancy.ci95[0]),
    String(s.redundancy.ci95[1]),
    s.airtimeS === null ? '' : String(s.airtimeS.mean),
    s.collisions === null ? '' : String(s.collisions.mean),
  ]);
  return [header, ...rows].map(csvLine).join('\n') + '\n';
}

/** A parameter value for a table cell: long values (lists of broadcasts, say) are shortened. */
function shortParam(v: unknown): string {
  const text = paramText(v);
  return text.length > 32 ? `${text.slice(0, 29)}...` : text;
}

/** Cell summaries as a readable text table (CSV and JSON keep parameter values whole). */
export function formatSummaries(summaries: readonly CellSummary[]): string {
  const params = summaries.length === 0 ? [] : Object.keys(summaries[0]!.params);
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const air = summaries.some((s) => s.airtimeS !== null);
  return table(
    [
      ...params,
      'reps',
      'coverage',
      '95% CI',
      'p5..p95',
      'reached',
      'passes',
      'duration',
      'frames',
      'dup/delivered',
      ...(air ? ['airtime', 'collisions'] : []),
    ],
    summaries.map((s) => [
      ...params.map((p) => shortParam(s.params[p])),
      String(s.replications),
      pct(s.coverage.mean),
      `${pct(s.coverage.ci95[0])}..${pct(s.coverage.ci95[1])}`,
      `${pct(s.coverage.p5)}..${pct(s.coverage.p95)}`,
      pct(s.reachedTarget),
      s.passesToTarget === null ? '-' : s.passesToTarget.mean.toFixed(2),
      `${(s.durationS.mean / 3600).toFixed(2)}h`,
      Math.round(s.transmissions.mean).toLocaleString('en-US'),
      s.redundancy.mean.toFixed(2),
      ...(air
        ? [
            s.airtimeS === null ? '-' : `${s.airtimeS.mean.toFixed(0)}s`,
            s.collisions === null ? '-' : Math.round(s.collisions.mean).toLocaleString('en-US'),
          ]
        : []),
    ]),
  );
}
