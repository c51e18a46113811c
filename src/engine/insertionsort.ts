/**
 * Stable insertion sort of events `lo .. hi - 1` by time (payloads move with their times).
 * @returns the moves made, what keeping a run sorted cost
 * @internal
 */
export function insertionSort(times: Float64Array, payloads: Int32Array, lo: number, hi: number): number {
  let moves = 0;
  for (let i = lo + 1; i < hi; i++) {
    const t = times[i]!;
    if (times[i - 1]! <= t) continue;
    const p = payloads[i]!;
    let j = i - 1;
    while (j >= lo && times[j]! > t) {
      times[j + 1] = times[j]!;
      payloads[j + 1] = payloads[j]!;
      j--;
    }
    moves += i - 1 - j;
    times[j + 1] = t;
    payloads[j + 1] = p;
  }
  return moves;
}
