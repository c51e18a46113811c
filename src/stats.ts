/**
 * Statistics every layer may use (ground: it imports nothing of meshcast).
 * @module
 */

/**
 * The nearest-rank q-quantile of values sorted ascending: the smallest value with at least a
 * share q of the values at or below it (q = 0 gives the minimum, q = 1 the maximum).
 * @param sorted - values, ascending
 * @param q - the quantile, in [0, 1]
 * @returns the value, or null when there are none
 */
export function nearestRank(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
}

/** The 0.975 quantile of the standard normal distribution (two-sided 95 %). */
export const Z975 = 1.959963984540054;

/**
 * The Wilson score interval of a proportion: `successes` of `trials`, at confidence level given
 * by `z` (95 % by default). Unlike the normal (Wald) interval it stays inside [0, 1], has a
 * width above 0 at 0 and at every trial, and covers close to its nominal level for small counts
 * (Wilson 1927; Newcombe 1998, Statistics in Medicine 17:857–872). `successes` and `trials` may
 * be fractional (an effective sample size).
 * @param successes - in 0..trials
 * @param trials - > 0
 * @param z - the normal quantile of the level @defaultValue 1.959963984540054 (the 0.975 quantile: 95 %)
 * @returns [low, high], or null without trials
 */
export function wilsonInterval(successes: number, trials: number, z = Z975): [number, number] | null {
  if (!(trials > 0)) return null;
  const p = Math.min(1, Math.max(0, successes / trials));
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials));
  // At p = 0 or 1 one bound is exact; floating point must not move it off.
  return [p === 0 ? 0 : Math.max(0, centre - half), p === 1 ? 1 : Math.min(1, centre + half)];
}

/**
 * The confidence interval of a share estimated from independent replications, each a share of
 * its own trials (a sweep cell's coverage: targets complete over targets, per replication): the
 * Wilson score interval ({@link wilsonInterval}) at the share's mean, over the effective sample
 * size its spread implies, n* = mean (1 − mean) / (sd² / replications) (Korn and Graubard 1998),
 * capped at `trials`, which it reaches when the replications do not vary. A replication's trials
 * are not independent (one flood reaches or misses whole branches of a mesh), so the replications'
 * spread, not the trials, sets the width. This is the interval sweep summaries print for coverage
 * (`docs/decisions/0017-confidence-intervals.md`); every other use goes through it.
 * @param mean - the replications' mean share, in [0, 1]
 * @param sd - their sample standard deviation (n − 1 denominator)
 * @param replications - how many, ≥ 2 (below two there is no spread: null)
 * @param trials - the trials of every replication together (a sweep cell's targets, summed)
 * @param z - the normal quantile of the level @defaultValue 1.959963984540054 (95 %)
 * @returns [low, high], or null below two replications or without trials
 */
export function shareInterval(
  mean: number,
  sd: number,
  replications: number,
  trials: number,
  z = Z975,
): [number, number] | null {
  if (!(replications >= 2)) return null;
  const effective = effectiveTrials(mean, sd, replications, trials);
  // 0 only without trials: a share varies only while its mean is inside (0, 1).
  return effective > 0 ? wilsonInterval(mean * effective, effective, z) : null;
}

/**
 * The effective sample size of {@link shareInterval}: mean (1 − mean) / (sd² / replications), the
 * independent trials that would give the replications' spread (Korn and Graubard 1998), capped at
 * `trials` (and equal to it when the replications do not vary).
 * @param mean - the replications' mean share, in [0, 1]
 * @param sd - their sample standard deviation
 * @param replications - how many
 * @param trials - the trials of every replication together
 */
export function effectiveTrials(mean: number, sd: number, replications: number, trials: number): number {
  const variance = (sd * sd) / replications;
  return variance > 0 ? Math.min(trials, (mean * (1 - mean)) / variance) : trials;
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
