import { nearestRank } from '../stats.js';
import type { SweepCell } from './grid.js';
import type { SweepRecord } from './record.js';

/** Mean, spread and a 95 % confidence interval of one quantity over a cell's replications. */
export interface Estimate {
  /** Replications. */
  readonly n: number;
  /** Sample mean. */
  readonly mean: number;
  /** Sample standard deviation (0 for one replication). */
  readonly sd: number;
  /** 95 % confidence interval of the mean (Student t; equal to the mean for n = 1). */
  readonly ci95: readonly [number, number];
  /** 5th, 50th and 95th percentiles of the values. */
  readonly p5: number;
  /** Median. */
  readonly p50: number;
  /** 95th percentile. */
  readonly p95: number;
}

/** Summary of one cell. */
export interface CellSummary {
  /** Cell index. */
  readonly cell: number;
  /** Parameter values. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Replications summarised. */
  readonly replications: number;
  /** Final coverage. */
  readonly coverage: Estimate;
  /** Share of replications that reached the scenario's coverage goal within its passes. */
  readonly reachedTarget: number;
  /** Passes to reach the goal, over the replications that reached it (null if none did). */
  readonly passesToTarget: Estimate | null;
  /** Campaign duration in seconds. */
  readonly durationS: Estimate;
  /** RF frames sent. */
  readonly transmissions: Estimate;
  /** Duplicate copies received. */
  readonly duplicates: Estimate;
  /** Redundant receptions per packet delivered: duplicates / reached, per replication. */
  readonly redundancy: Estimate;
  /** Seconds of airtime (null with contention off). */
  readonly airtimeS: Estimate | null;
  /** Receptions lost to overlapping frames (null with contention off). */
  readonly collisions: Estimate | null;
}

// Two-sided 95 % Student t quantiles for df = 1..30.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The 0.975 quantile of Student's t with `df` degrees of freedom (table to 30, then a 1/df expansion). */
export function t975(df: number): number {
  if (df < 1) return NaN;
  if (df <= 30) return T975[df - 1]!;
  // Cornish–Fisher expansion around the normal quantile; error < 0.001 for df > 30.
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

/** Mean, sd, 95 % CI and percentiles of a list of values. */
export function estimate(values: readonly number[]): Estimate {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const half = n > 1 ? (t975(n - 1) * sd) / Math.sqrt(n) : 0;
  const q = (p: number): number => nearestRank(sorted, p)!;
  return { n, mean, sd, ci95: [mean - half, mean + half], p5: q(0.05), p50: q(0.5), p95: q(0.95) };
}

/** An estimate over the values, or null when any is null (contention off). */
function nullableEstimate(values: readonly (number | null)[]): Estimate | null {
  return values.some((v) => v === null) ? null : estimate(values as number[]);
}

/** Per-cell summaries of sweep records (cells without records are left out). */
export function summarise(records: readonly SweepRecord[], cells?: readonly SweepCell[]): CellSummary[] {
  const byCell = new Map<number, SweepRecord[]>();
  for (const r of records) {
    const list = byCell.get(r.cell);
    if (list === undefined) byCell.set(r.cell, [r]);
    else list.push(r);
  }
  return [...byCell.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([cell, rs]) => {
      const reached = rs.filter((r) => r.passesToTarget !== null);
      return {
        cell,
        params: cells?.[cell]?.params ?? rs[0]!.params,
        replications: rs.length,
        coverage: estimate(rs.map((r) => r.coverage)),
        reachedTarget: reached.length / rs.length,
        passesToTarget: reached.length === 0 ? null : estimate(reached.map((r) => r.passesToTarget!)),
        durationS: estimate(rs.map((r) => r.durationS)),
        transmissions: estimate(rs.map((r) => r.transmissions)),
        duplicates: estimate(rs.map((r) => r.duplicates)),
        redundancy: estimate(rs.map((r) => (r.reached === 0 ? 0 : r.duplicates / r.reached))),
        airtimeS: nullableEstimate(rs.map((r) => r.airtimeS)),
        collisions: nullableEstimate(rs.map((r) => r.collisions)),
      };
    });
}
