import { nearestRank, shareInterval, t975, wilsonInterval } from '../stats.js';
import type { SweepCell } from './grid.js';
import type { SweepRecord } from './record.js';

/** Mean, spread and a 95 % confidence interval of one quantity over a cell's replications. */
export interface Estimate {
  /** Replications. */
  readonly n: number;
  /** Sample mean. */
  readonly mean: number;
  /** Sample standard deviation, or null below two replications. */
  readonly sd: number | null;
  /**
   * 95 % confidence interval of the mean, or null below two replications (one replication says
   * nothing of the spread). Student t for unbounded quantities; for coverage, a share, the
   * Wilson score interval (see {@link coverageEstimate}), which stays inside [0, 1].
   */
  readonly ci95: readonly [number, number] | null;
  /** 5th percentile of the values. */
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
  /** Coverage (share of targets complete) after the last pass: a Wilson interval. */
  readonly coverage: Estimate;
  /** Share of replications that met the scenario's coverage goal (`stopAtCoverage`) within its passes. */
  readonly goalMet: number;
  /** 95 % Wilson interval of that share (replications are its trials), or null below two replications. */
  readonly goalMetCi95: readonly [number, number] | null;
  /** Passes to meet the goal, over the replications that met it (null if none did). */
  readonly passesToGoal: Estimate | null;
  /** Campaign time in seconds: the first packet of the first pass to the last traffic of the last. */
  readonly campaignS: Estimate;
  /** RF frames sent. */
  readonly transmissions: Estimate;
  /** Duplicate copies received. */
  readonly duplicates: Estimate;
  /** Redundancy: duplicate copies per delivered copy (a node's first copy of a packet), per replication. */
  readonly redundancy: Estimate;
  /** Seconds of airtime (null with contention off). */
  readonly airtimeS: Estimate | null;
  /** Receptions lost to overlapping frames (null with contention off). */
  readonly collisions: Estimate | null;
  /** Completion reports the head-end missed (null without report traffic). */
  readonly reportsMissed: Estimate | null;
}

/** Mean, sd, a Student t 95 % interval of the mean and percentiles of a list of values. */
export function estimate(values: readonly number[]): Estimate {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const q = (p: number): number => nearestRank(sorted, p)!;
  const base = { n, mean, p5: q(0.05), p50: q(0.5), p95: q(0.95) };
  if (n < 2) return { ...base, sd: null, ci95: null };
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = (t975(n - 1) * sd) / Math.sqrt(n);
  return { ...base, sd, ci95: [mean - half, mean + half] };
}

/**
 * {@link estimate} of coverage, a share, with the Wilson score interval in place of Student t
 * (`docs/decisions/0017-confidence-intervals.md`): {@link shareInterval}, whose sample size is
 * the effective one the replications' spread implies, n* = p(1 − p) / (sd² / n) (Korn and
 * Graubard 1998), and never more than the targets of all replications (when every replication
 * ends alike). Its bounds stay in [0, 1].
 * @param coverage - coverage of each replication
 * @param targets - targets of each replication
 */
export function coverageEstimate(coverage: readonly number[], targets: readonly number[]): Estimate {
  const e = estimate(coverage);
  if (e.sd === null) return e;
  const trials = targets.reduce((a, b) => a + b, 0);
  return { ...e, ci95: shareInterval(e.mean, e.sd, e.n, trials) };
}

/** An estimate over the values, or null when any is null (contention off, no report traffic). */
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
      const met = rs.filter((r) => r.passesToGoal !== null);
      return {
        cell,
        params: cells?.[cell]?.params ?? rs[0]!.params,
        replications: rs.length,
        coverage: coverageEstimate(
          rs.map((r) => r.coverage),
          rs.map((r) => r.targets),
        ),
        goalMet: met.length / rs.length,
        goalMetCi95: rs.length < 2 ? null : wilsonInterval(met.length, rs.length),
        passesToGoal: met.length === 0 ? null : estimate(met.map((r) => r.passesToGoal!)),
        campaignS: estimate(rs.map((r) => r.campaignS)),
        transmissions: estimate(rs.map((r) => r.transmissions)),
        duplicates: estimate(rs.map((r) => r.duplicates)),
        redundancy: estimate(rs.map((r) => (r.reached === 0 ? 0 : r.duplicates / r.reached))),
        airtimeS: nullableEstimate(rs.map((r) => r.airtimeS)),
        collisions: nullableEstimate(rs.map((r) => r.collisions)),
        reportsMissed: nullableEstimate(rs.map((r) => r.reportsMissed)),
      };
    });
}
