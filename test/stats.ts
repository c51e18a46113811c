/**
 * Helpers for statistical tests: tolerances come from the sample size (z standard errors),
 * never from tuning against one seed.
 */

/** z for two-sided checks: P(|Z| > 4) ≈ 6e-5 per assertion. */
export const Z = 4;

/** Standard error of a proportion q estimated from n independent trials. */
export function proportionSE(q: number, n: number): number {
  return Math.sqrt((q * (1 - q)) / n);
}

/** P(Poisson(lambda) >= k). */
export function poissonTail(lambda: number, k: number): number {
  let term = Math.exp(-lambda);
  let cdf = 0;
  for (let i = 0; i < k; i++) {
    cdf += term;
    term *= lambda / (i + 1);
  }
  return 1 - cdf;
}

/** Seeds every statistical test runs over. */
export const SEEDS = [1, 2, 3] as const;
