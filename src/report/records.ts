import { isPlainObject } from '../check.js';
import type { SweepRecord } from '../sweep/record.js';
import { csvLine } from './csv.js';

/** The type of a tidy column: what a Parquet file stores it as, and pandas reads it as. */
export type ColumnType = 'int' | 'double' | 'string' | 'boolean';

/** One column of a {@link TidyRecords} table: a value per row, null where there is none. */
export interface TidyColumn {
  /** Column name (a parameter's path, or a snake_case measure with its unit: `campaign_s`). */
  readonly name: string;
  /** What the values are. */
  readonly type: ColumnType;
  /** One value per row. */
  readonly values: readonly (number | string | boolean | null)[];
}

/**
 * Sweep records as a tidy table: one row per (cell, replication), columns first the cell and
 * replication and the seed, then every parameter (an object value flattened to `path.key`
 * columns, a list written as JSON text), then the measures. What `pandas.read_csv` and
 * `pandas.read_parquet` make a data frame of.
 */
export interface TidyRecords {
  /** Rows. */
  readonly rows: number;
  /** Columns in order. */
  readonly columns: readonly TidyColumn[];
}

type Scalar = number | string | boolean | null;

/** A parameter value flattened: `[suffix, value]` pairs (`''` for a scalar). */
function flatten(value: unknown, prefix: string, out: Map<string, Scalar>): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    out.set(prefix, value);
  } else out.set(prefix, JSON.stringify(value));
}

/** The narrowest column type holding every value. */
function typeOf(values: readonly Scalar[]): ColumnType {
  const present = values.filter((v) => v !== null);
  if (present.length > 0 && present.every((v) => typeof v === 'boolean')) return 'boolean';
  if (present.every((v) => typeof v === 'number')) {
    return present.every((v) => Number.isSafeInteger(v)) ? 'int' : 'double';
  }
  return 'string';
}

/** Measures of a record, in column order: name, type and how to read it. */
const MEASURES: readonly [string, ColumnType, (r: SweepRecord) => Scalar][] = [
  ['passes', 'int', (r) => r.passes],
  ['coverage', 'double', (r) => r.coverage],
  ['passes_to_goal', 'int', (r) => r.passesToGoal],
  ['targets', 'int', (r) => r.targets],
  ['completed', 'int', (r) => r.completed],
  ['campaign_s', 'double', (r) => r.campaignS],
  ['transmissions', 'int', (r) => r.transmissions],
  ['receptions', 'int', (r) => r.receptions],
  ['duplicates', 'int', (r) => r.duplicates],
  ['reached', 'int', (r) => r.reached],
  ['redundancy', 'double', (r) => (r.reached === 0 ? 0 : r.duplicates / r.reached)],
  ['expired', 'int', (r) => r.expired],
  ['hop_limited', 'int', (r) => r.hopLimited],
  ['airtime_s', 'double', (r) => r.airtimeS],
  ['collisions', 'int', (r) => r.collisions],
  ['reports_sent', 'int', (r) => r.reportsSent],
  ['reports_missed', 'int', (r) => r.reportsMissed],
  ['completion_p50_s', 'double', (r) => r.completionP50S],
  ['completion_p90_s', 'double', (r) => r.completionP90S],
];

/**
 * Sweep records as a tidy table (see {@link TidyRecords}), in the order given. Columns: `cell`,
 * `replication`, `seed`; the parameters; `passes`, `coverage`, `coverage_pass_1` …
 * `coverage_pass_K` (coverage after each pass; empty after the last pass a replication ran),
 * `passes_to_goal` (passes to meet the coverage goal; empty if not met), `targets`, `completed`,
 * `campaign_s` (first packet to the last traffic), `transmissions`, `receptions`, `duplicates`,
 * `reached`, `redundancy` (duplicates per delivered copy), `expired`, `hop_limited`, `airtime_s`
 * and `collisions` (empty with contention off), `reports_sent` and `reports_missed` (empty
 * without report traffic), `completion_p50_s`, `completion_p90_s`; then `sweep_id` and
 * `version`. A parameter whose name is taken by a measure is prefixed `param.`.
 * @param records - sweep records (from `sweep`, or `parseResults` of a results file)
 */
export function tidyRecords(records: readonly SweepRecord[]): TidyRecords {
  const flat = records.map((r) => {
    const out = new Map<string, Scalar>();
    for (const [k, v] of Object.entries(r.params)) flatten(v, k, out);
    return out;
  });
  const paramNames: string[] = [];
  const seen = new Set<string>();
  for (const f of flat) {
    for (const k of f.keys()) {
      if (!seen.has(k)) paramNames.push(k);
      seen.add(k);
    }
  }
  const maxPasses = records.reduce((a, r) => Math.max(a, r.coverageByPass.length), 0);
  const byPass = Array.from({ length: maxPasses }, (_, k): [string, ColumnType, (r: SweepRecord) => Scalar] => [
    `coverage_pass_${k + 1}`,
    'double',
    (r) => r.coverageByPass[k] ?? null,
  ]);
  const measures = [...MEASURES.slice(0, 2), ...byPass, ...MEASURES.slice(2)];
  const taken = new Set(['cell', 'replication', 'seed', 'sweep_id', 'version', ...measures.map((m) => m[0])]);
  const params: TidyColumn[] = paramNames.map((name) => {
    const values = flat.map((f) => f.get(name) ?? null);
    return { name: taken.has(name) ? `param.${name}` : name, type: typeOf(values), values };
  });
  const column = (name: string, type: ColumnType, read: (r: SweepRecord) => Scalar): TidyColumn => ({
    name,
    type,
    values: records.map(read),
  });
  return {
    rows: records.length,
    columns: [
      column('cell', 'int', (r) => r.cell),
      column('replication', 'int', (r) => r.replication),
      column('seed', 'string', (r) => r.seed),
      ...params,
      ...measures.map(([name, type, read]) => column(name, type, read)),
      column('sweep_id', 'string', (r) => r.sweepId),
      column('version', 'string', (r) => r.version),
    ],
  };
}

/**
 * A tidy table as CSV: a header line, then one line per row; empty cells for null, numbers as
 * JavaScript prints them (shortest round-trip), booleans as `true` / `false`.
 * @param table - from {@link tidyRecords}
 */
export function tidyCsv(table: TidyRecords): string {
  const lines = [csvLine(table.columns.map((c) => c.name))];
  for (let i = 0; i < table.rows; i++) {
    lines.push(csvLine(table.columns.map((c) => (c.values[i] === null ? '' : String(c.values[i])))));
  }
  return lines.join('\n') + '\n';
}
