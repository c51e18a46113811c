/**
 * What the bucket queues (`CalendarQueue`, `LadderQueue`) share: bucket numbering
 * on a ring, the occupancy scan, the run's insertion sort, and the limits on bucket widths.
 * @internal
 * @module
 */

/** Narrowest bucket: 2^-40 s (about a picosecond). */
const MAX_INV_WIDTH = 2 ** 40;
/** Largest bucket number the bucket queues count on from; 2^52 and beyond, doubles skip integers. @internal */
export const EXACT_BUCKETS = 2 ** 50;
/** Widest bucket: 2^30 s. @internal */
export const MIN_INV_WIDTH = 2 ** -30;

/**
 * The narrowest buckets (as 1 / width) allowed at time t: 2^-40 s, or wider so that bucket
 * numbers up to 64 times later stay below 2^52 (they are doubles, counted one by one).
 * @internal
 */
export function narrowestInvWidth(t: number): number {
  return Math.min(MAX_INV_WIDTH, 2 ** Math.floor(Math.log2(2 ** 46 / Math.max(1, Math.abs(t)))));
}

/**
 * The inverse bucket width to jump to with an event at `t` once nothing waits in the ring:
 * `invWidth`, or the narrowest width whose bucket numbers still count exactly at `t` when
 * `invWidth` is narrower than that (buckets narrowed early in a run, then an event much later).
 */
export function jumpInvWidth(t: number, invWidth: number): number {
  return Math.abs(t * invWidth) > EXACT_BUCKETS ? Math.min(invWidth, narrowestInvWidth(t)) : invWidth;
}

/**
 * The ring slot of bucket number k (a double: slots are its residue modulo the ring, `mask` + 1
 * buckets, a power of two).
 * @internal
 */
export function ringSlot(k: number, mask: number): number {
  return k >= -0x80000000 && k <= 0x7fffffff ? k & mask : k - Math.floor(k / (mask + 1)) * (mask + 1);
}

/**
 * How many slots after slot `from - 1` the next occupied one of a ring lies (≥ 1), scanning its
 * occupancy words (bit `b & 31` of word `b >> 5` set while bucket b holds events) from slot
 * `from` around the ring. Some bucket must be occupied.
 * @internal
 */
export function occupiedAfter(occupied: Uint32Array, from: number): number {
  let w = from >> 5;
  let bits = occupied[w]! & (~0 << (from & 31));
  let skipped = -(from & 31);
  while (bits === 0) {
    skipped += 32;
    w = (w + 1) & (occupied.length - 1);
    bits = occupied[w]!;
  }
  return 1 + skipped + (31 - Math.clz32(bits & -bits));
}

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
