import type { CellSummary, Estimate } from '../sweep/summary.js';
import { csvLine } from './csv.js';
import { formatDuration, formatPercent, table } from './text.js';

/** A parameter value as text: a string as it is, anything else as JSON. @internal */
export function paramText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A quantity of a cell summary as CSV columns: `<name>_mean`, `_sd`, `_ci95_low`, `_ci95_high`. */
const ESTIMATES: readonly (readonly [name: string, get: (s: CellSummary) => Estimate | null])[] = [
  ['coverage', (s) => s.coverage],
  ['passes_to_goal', (s) => s.passesToGoal],
  ['campaign_s', (s) => s.campaignS],
  ['transmissions', (s) => s.transmissions],
  ['duplicates', (s) => s.duplicates],
  ['redundancy', (s) => s.redundancy],
  ['airtime_s', (s) => s.airtimeS],
  ['collisions', (s) => s.collisions],
  ['reports_missed', (s) => s.reportsMissed],
];

/** The CSV columns of a quantity. */
function columns(name: string): string[] {
  return [`${name}_mean`, `${name}_sd`, `${name}_ci95_low`, `${name}_ci95_high`];
}

/** The CSV cells of a quantity's estimate (empty when the quantity is null). */
function cells(e: Estimate | null): string[] {
  return [num(e?.mean), num(e?.sd), num(e?.ci95?.[0]), num(e?.ci95?.[1])];
}

/** A number for CSV; an empty cell for null (n/a: one replication, contention off, no reports). */
function num(x: number | null | undefined): string {
  return x === null || x === undefined ? '' : String(x);
}

/**
 * Cell summaries as CSV: one row per cell, parameter columns first, then the replications,
 * coverage's percentiles and the share of replications that met the coverage goal (with its
 * interval), and for each quantity — coverage, passes to the goal, campaign time, transmissions,
 * duplicates, redundancy (duplicates per delivered copy), airtime, collisions, reports missed —
 * its mean, sd and 95 % interval bounds. Units are in the names (`_s`: seconds); an empty cell
 * is null: an interval of one replication, or a quantity the run did not have.
 */
export function summariesToCsv(summaries: readonly CellSummary[]): string {
  const params = summaries.length === 0 ? [] : Object.keys(summaries[0]!.params);
  const header = [
    'cell',
    ...params,
    'replications',
    ...columns(ESTIMATES[0]![0]),
    'coverage_p5',
    'coverage_p50',
    'coverage_p95',
    'goal_met_share',
    'goal_met_ci95_low',
    'goal_met_ci95_high',
    ...ESTIMATES.slice(1).flatMap(([name]) => columns(name)),
  ];
  const rows = summaries.map((s) => [
    String(s.cell),
    ...params.map((p) => paramText(s.params[p])),
    String(s.replications),
    ...cells(s.coverage),
    num(s.coverage.p5),
    num(s.coverage.p50),
    num(s.coverage.p95),
    num(s.goalMet),
    num(s.goalMetCi95?.[0]),
    num(s.goalMetCi95?.[1]),
    ...ESTIMATES.slice(1).flatMap(([, get]) => cells(get(s))),
  ]);
  return [header, ...rows].map(csvLine).join('\n') + '\n';
}

/** A parameter value for a table cell: long values (lists of broadcasts, say) are shortened. */
function shortParam(v: unknown): string {
  const text = paramText(v);
  return text.length > 32 ? `${text.slice(0, 29)}...` : text;
}

/**
 * Cell summaries as a readable text table (CSV and JSON keep parameter values whole): coverage
 * with its 95 % interval (n/a with one replication) and 5th..95th percentiles, the share of
 * replications that met the coverage goal, mean passes to it, campaign time, frames sent,
 * redundancy and, when the runs had them, airtime, collisions and completion reports missed.
 */
export function formatSummaries(summaries: readonly CellSummary[]): string {
  const params = summaries.length === 0 ? [] : Object.keys(summaries[0]!.params);
  const pct = formatPercent;
  const air = summaries.some((s) => s.airtimeS !== null);
  const reports = summaries.some((s) => s.reportsMissed !== null);
  const interval = (ci: readonly [number, number] | null): string =>
    ci === null ? 'n/a' : `${pct(ci[0])}..${pct(ci[1])}`;
  return table(
    [
      ...params,
      'reps',
      'coverage',
      '95% CI',
      'p5..p95',
      'goal met',
      'passes',
      'campaign',
      'frames',
      'redundancy',
      ...(air ? ['airtime', 'collisions'] : []),
      ...(reports ? ['reports missed'] : []),
    ],
    summaries.map((s) => [
      ...params.map((p) => shortParam(s.params[p])),
      String(s.replications),
      pct(s.coverage.mean),
      interval(s.coverage.ci95),
      `${pct(s.coverage.p5)}..${pct(s.coverage.p95)}`,
      pct(s.goalMet),
      s.passesToGoal === null ? '-' : s.passesToGoal.mean.toFixed(2),
      formatDuration(s.campaignS.mean),
      Math.round(s.transmissions.mean).toLocaleString('en-US'),
      s.redundancy.mean.toFixed(2),
      ...(air
        ? [
            s.airtimeS === null ? '-' : formatDuration(s.airtimeS.mean),
            s.collisions === null ? '-' : Math.round(s.collisions.mean).toLocaleString('en-US'),
          ]
        : []),
      ...(reports ? [s.reportsMissed === null ? '-' : s.reportsMissed.mean.toFixed(1)] : []),
    ]),
  );
}
