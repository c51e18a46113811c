import type { PassState } from './state.js';

/**
 * A flooding thread's partial tallies, in shared memory: missing counts and latest needed
 * arrivals per tank (starting from the pass's), last-heard times per node (starting NaN),
 * counters (from 0). Tank bits need none: each thread clears its own packets' bits in the
 * pass's shared tanks.
 * @internal
 */
export interface FloodTallies {
  readonly missing: Int32Array;
  readonly lastNeededS: Float64Array;
  readonly lastHeardS: Float64Array;
  readonly counters: Float64Array;
}

/**
 * Adds the tallies of threads that flooded disjoint sets of a pass's packets into the pass's
 * state: missing counts fall by what each thread delivered, times take the latest, counters
 * add up. None of it depends on the order of threads or packets, so the state is the one a
 * single thread flooding every packet leaves (counters hold integers, added exactly).
 * @param tallies - each thread's, at least as long as the state's arrays (the rest is ignored)
 * @internal
 */
export function mergeTallies(state: PassState, tallies: readonly FloodTallies[]): void {
  const tanks = state.missing.length;
  const n = state.lastHeardS.length;
  const before = state.missing.slice();
  for (const r of tallies) {
    for (let tank = 0; tank < tanks; tank++) state.missing[tank]! -= before[tank]! - r.missing[tank]!;
    for (let tank = 0; tank < tanks; tank++) {
      if (r.lastNeededS[tank]! > state.lastNeededS[tank]!) state.lastNeededS[tank] = r.lastNeededS[tank]!;
    }
    for (let v = 0; v < n; v++) {
      const heard = r.lastHeardS[v]!; // NaN: this thread's packets never reached v
      if (heard === heard && !(state.lastHeardS[v]! >= heard)) state.lastHeardS[v] = heard;
    }
    for (let c = 0; c < state.counters.length; c++) state.counters[c]! += r.counters[c]!;
  }
}
