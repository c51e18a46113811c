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
