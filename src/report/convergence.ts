import { shareInterval, t975 } from '../stats.js';

/**
 * How a Monte Carlo estimate of a share converges: half the width of the 95 % confidence interval
 * sweep summaries print for coverage ({@link shareInterval}: Wilson, over the effective sample size
 * the replications' spread implies) from the first n replications, for n = 2 … shares.length.
 * Replications come in their index order, so adding replications to a study only extends the
 * curve, and its last point is the summary's interval. While the replications so far all ended
 * alike the interval counts every trial as independent (there is no spread to say otherwise),
 * and is narrow.
 * @param shares - one share (coverage) per replication, in replication order
 * @param trials - each replication's trials (targets), in the same order
 * @returns `halfWidths[i]` for n = i + 2 (NaN while the replications so far have no trials)
 */
export function shareHalfWidths(shares: readonly number[], trials: readonly number[]): number[] {
  const out: number[] = [];
  // Welford's running mean and sum of squares: one pass, stable for values near each other.
  let mean = 0;
  let m2 = 0;
  let sum = 0;
  shares.forEach((v, i) => {
    const n = i + 1;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
    sum += trials[i] ?? 0;
    if (n < 2) return;
    const ci = shareInterval(mean, Math.sqrt(m2 / (n - 1)), n, sum);
    out.push(ci === null ? NaN : (ci[1] - ci[0]) / 2);
  });
  return out;
}

/**
 * The replications the interval of {@link shareHalfWidths} needs to be no wider than
 * ±`halfWidth`: the least n ≥ 2 whose {@link shareInterval} at a pilot study's mean and standard
 * deviation, over n replications of `trialsPerReplication` trials each, has half its width at most
 * `halfWidth` (at most 1,000,000). The effective sample size is n · min(trialsPerReplication,
 * mean (1 − mean) / sd²), growing with n, and the Wilson interval narrows as it grows, so a
 * bisection finds the least n.
 *
 * With `sd` 0 — every replication ended alike, as always at a mean of 0 or 1 — the spread gives
 * no estimate: the interval then counts every trial as independent and the answer is the least
 * a study can need. The same call with `trialsPerReplication` 1 counts each replication as one
 * trial (a flood that reaches or misses all its targets at once) and gives about the most.
 * @param mean - the pilot's mean share, in [0, 1]
 * @param sd - the pilot's standard deviation of the share over replications
 * @param trialsPerReplication - trials (targets) of one replication
 * @param halfWidth - the half-width wanted (0.01: ±1 point of coverage)
 */
export function replicationsForShare(
  mean: number,
  sd: number,
  trialsPerReplication: number,
  halfWidth: number,
): number {
  const half = (n: number): number => {
    const ci = shareInterval(mean, sd, n, n * trialsPerReplication);
    return ci === null ? Infinity : (ci[1] - ci[0]) / 2;
  };
  let lo = 2;
  let hi = 1_000_000;
  if (half(lo) <= halfWidth) return lo;
  if (half(hi) > halfWidth) return hi;
  // half(lo) > halfWidth ≥ half(hi): halve the gap until they are neighbours.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (half(mid) <= halfWidth) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * How a Monte Carlo estimate of a mean converges, for a quantity that is not a share (campaign
 * time, frames, duplicates): the half-width of the Student t 95 % confidence interval of the mean
 * of the first n values, for n = 2 … values.length (as `estimate` computes it). For coverage use
 * {@link shareHalfWidths}: a t interval of a share can leave [0, 1].
 * @param values - one value per replication, in replication order
 * @returns `halfWidths[i]` for n = i + 2
 */
export function ciHalfWidths(values: readonly number[]): number[] {
  const out: number[] = [];
  // Welford's running mean and sum of squares: one pass, stable for values near each other.
  let mean = 0;
  let m2 = 0;
  values.forEach((v, i) => {
    const n = i + 1;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
    if (n >= 2) out.push((t975(n - 1) * Math.sqrt(m2 / (n - 1))) / Math.sqrt(n));
  });
  return out;
}

/**
 * The replications a Student t 95 % confidence interval of a mean needs to be no wider than
 * ±`halfWidth`, for a quantity that is not a share, of standard deviation `sd`: the least n ≥ 2
 * with t(0.975, n − 1) · sd / √n ≤ halfWidth (at most 1,000,000). For coverage use
 * {@link replicationsForShare}.
 * @param sd - the values' standard deviation (a pilot study's estimate)
 * @param halfWidth - the half-width wanted, in the values' unit
 */
export function replicationsFor(sd: number, halfWidth: number): number {
  if (!(sd > 0)) return 2;
  // Start from the normal approximation, then walk to the exact t answer.
  let n = Math.max(2, Math.ceil(((1.959964 * sd) / halfWidth) ** 2));
  while (n > 2 && (t975(n - 2) * sd) / Math.sqrt(n - 1) <= halfWidth) n--;
  while ((t975(n - 1) * sd) / Math.sqrt(n) > halfWidth && n < 1_000_000) n++;
  return n;
}
