import { t975 } from '../stats.js';

/**
 * How a Monte Carlo estimate converges: the half-width of the 95 % confidence interval of the
 * mean of the first n values, for n = 2 … values.length (Student t, as `estimate` computes it).
 * Replications come in their index order, so adding replications to a study only extends the
 * curve.
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
 * The replications a 95 % confidence interval of the mean needs to be no wider than
 * ±`halfWidth`, for values of standard deviation `sd`: the least n ≥ 2 with
 * t(0.975, n − 1) · sd / √n ≤ halfWidth (at most 1,000,000).
 * @param sd - the values' standard deviation (a pilot study's estimate)
 * @param halfWidth - the half-width wanted, in the values' unit (0.01: ±1 point of coverage)
 */
export function replicationsFor(sd: number, halfWidth: number): number {
  if (!(sd > 0)) return 2;
  // Start from the normal approximation, then walk to the exact t answer.
  let n = Math.max(2, Math.ceil(((1.959964 * sd) / halfWidth) ** 2));
  while (n > 2 && (t975(n - 2) * sd) / Math.sqrt(n - 1) <= halfWidth) n--;
  while ((t975(n - 1) * sd) / Math.sqrt(n) > halfWidth && n < 1_000_000) n++;
  return n;
}
