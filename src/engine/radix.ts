import { grown } from './grow.js';
import { MeshcastError } from '../errors.js';

// Scratch views to read a double's bits (one module-level buffer is safe: used synchronously,
// never held across calls, and holds no simulation state).
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: high word at 1
const LO = 1 - HI;

/**
 * A monotone radix heap over the bit patterns of float64 times: {@link EventQueue} for
 * simulations that never schedule before the last event handled (discrete-event floods).
 *
 * Keys are the doubles' bits, mapped so that unsigned order equals numeric order. Bucket b
 * holds events whose key first differs from the last popped key at bit b-1 (bucket 0: equal
 * keys). Events with equal keys always share a bucket and move between buckets together in
 * order, so ties leave in insertion order without storing sequence numbers. push is O(1);
 * pop is amortised O(bits moved), no comparisons between events except a min-scan when a
 * bucket is split.
 *
 * Pushing a time earlier than the last popped one throws.
 */
export class RadixQueue {
  private readonly times: Float64Array[] = [];
  private readonly payloads: Int32Array[] = [];
  private readonly lengths = new Int32Array(65);
  private head0 = 0;
  private count = 0;
  private lastTime = -Infinity;
  // The minimum peeked while bucket 0 is used up (NaN: not known): peeking does not move the
  // buckets, so events may still be pushed between the last popped time and the peeked one.
  private peeked = NaN;
  private lastHi = 0;
  private lastLo = 0;
  // Occupancy of buckets 1..64 as two 32-bit masks (bit b-1 of `low` for bucket b <= 32).
  private occLow = 0;
  private occHigh = 0;

  /** @param initialCapacity - slots first allocated per bucket. @defaultValue 64 */
  constructor(initialCapacity = 64) {
    const cap = Math.max(4, initialCapacity | 0);
    for (let b = 0; b < 65; b++) {
      this.times.push(new Float64Array(cap));
      this.payloads.push(new Int32Array(cap));
    }
  }

  /** {@inheritDoc EventQueue.size} */
  get size(): number {
    return this.count;
  }

  /** {@inheritDoc EventQueue.push} */
  push(timeS: number, payload: number): void {
    if (timeS < this.lastTime) {
      throw new MeshcastError(`RadixQueue is monotone: ${timeS}s is before the last event at ${this.lastTime}s`);
    }
    f64[0] = timeS + 0; // +0 turns -0 into 0
    let hi = u32[HI]!;
    let lo = u32[LO]!;
    if ((hi & 0x80000000) !== 0) {
      hi = ~hi >>> 0;
      lo = ~lo >>> 0;
    } else hi = (hi | 0x80000000) >>> 0;
    const b = bucketOf(hi ^ this.lastHi, lo ^ this.lastLo);
    this.append(b, timeS, payload);
    this.count++;
    // (An event equal to the last popped one joins bucket 0, which peekTime reads first.)
    if (b !== 0 && timeS < this.peeked) this.peeked = timeS;
  }

  /** {@inheritDoc EventQueue.peekTime} */
  peekTime(): number {
    if (this.count === 0) return Infinity;
    if (this.head0 < this.lengths[0]!) return this.times[0]![this.head0]!;
    if (Number.isNaN(this.peeked)) {
      const b = this.lowestBucket();
      const times = this.times[b]!;
      let min = times[0]!;
      for (let i = 1; i < this.lengths[b]!; i++) if (times[i]! < min) min = times[i]!;
      this.peeked = min;
    }
    return this.peeked;
  }

  /** {@inheritDoc EventQueue.pop} */
  pop(): number {
    if (this.count === 0) return -1;
    if (this.head0 === this.lengths[0]) this.refill();
    this.count--;
    return this.payloads[0]![this.head0++]!;
  }

  /** {@inheritDoc EventQueue.clear} */
  clear(): void {
    this.lengths.fill(0);
    this.head0 = 0;
    this.count = 0;
    this.lastTime = -Infinity;
    this.peeked = NaN;
    this.lastHi = 0;
    this.lastLo = 0;
    this.occLow = 0;
    this.occHigh = 0;
  }

  /** Bucket 0 is used up: split the lowest non-empty bucket around its minimum. */
  private refill(): void {
    this.head0 = 0;
    this.lengths[0] = 0;
    this.peeked = NaN;
    const b = this.lowestBucket();
    const times = this.times[b]!;
    const payloads = this.payloads[b]!;
    const n = this.lengths[b]!;
    let min = times[0]!;
    for (let i = 1; i < n; i++) if (times[i]! < min) min = times[i]!;
    this.lastTime = min;
    f64[0] = min + 0;
    let mh = u32[HI]!;
    let ml = u32[LO]!;
    if ((mh & 0x80000000) !== 0) {
      mh = ~mh >>> 0;
      ml = ~ml >>> 0;
    } else mh = (mh | 0x80000000) >>> 0;
    this.lastHi = mh;
    this.lastLo = ml;
    this.lengths[b] = 0;
    if (b <= 32) this.occLow &= ~(1 << (b - 1));
    else this.occHigh &= ~(1 << (b - 33));
    for (let i = 0; i < n; i++) {
      const t = times[i]!;
      f64[0] = t + 0;
      let hi = u32[HI]!;
      let lo = u32[LO]!;
      if ((hi & 0x80000000) !== 0) {
        hi = ~hi >>> 0;
        lo = ~lo >>> 0;
      } else hi = (hi | 0x80000000) >>> 0;
      this.append(bucketOf(hi ^ mh, lo ^ ml), t, payloads[i]!);
    }
  }

  /** The lowest non-empty bucket above 0. */
  private lowestBucket(): number {
    return this.occLow !== 0
      ? 32 - Math.clz32(this.occLow & -this.occLow)
      : 64 - Math.clz32(this.occHigh & -this.occHigh);
  }

  private append(b: number, t: number, payload: number): void {
    let times = this.times[b]!;
    const len = this.lengths[b]!;
    if (len === times.length) {
      this.times[b] = times = grown(times, len * 2);
      this.payloads[b] = grown(this.payloads[b]!, len * 2);
    }
    times[len] = t;
    this.payloads[b]![len] = payload;
    this.lengths[b] = len + 1;
    if (b === 0) return;
    if (b <= 32) this.occLow |= 1 << (b - 1);
    else this.occHigh |= 1 << (b - 33);
  }
}

/** Bucket of a key whose xor with the last key is (xh, xl): 1 + index of the highest set bit, 0 if equal. */
function bucketOf(xh: number, xl: number): number {
  return xh !== 0 ? 64 - Math.clz32(xh) : xl !== 0 ? 32 - Math.clz32(xl) : 0;
}
