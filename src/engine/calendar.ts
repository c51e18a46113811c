import { grown } from './grow.js';
import { MeshcastError } from '../errors.js';
import { HeapQueue } from './heap.js';
import {
  EXACT_BUCKETS,
  insertionSort,
  jumpInvWidth,
  MIN_INV_WIDTH,
  narrowestInvWidth,
  occupiedAfter,
  ringSlot,
} from './buckets.js';

/**
 * A monotone calendar queue: {@link EventQueue} for simulations that never schedule before
 * the last event handled, tuned for floods, where every new event lies a per-hop delay
 * (seconds) after the one being handled.
 *
 * Time is cut into buckets; a ring of `buckets` buckets covers the near future, each a linked
 * list in insertion order over a pooled node array (no allocation per event). When the queue
 * moves to the next non-empty bucket it sorts that bucket's few events by time, stably, into
 * the current run, from which events leave in order; an event pushed into the current bucket
 * (or before it) is placed in the run after every event of equal time. Events beyond the ring
 * wait in a binary heap and enter the ring, in their order, as soon as it reaches them —
 * before any later push can land in their bucket. So events leave in (time, insertion) order
 * exactly, like every other queue here.
 *
 * The bucket width adapts to the traffic: narrower when keeping the run sorted costs more
 * than a few moves per event (crowded buckets), wider when the queue skips many empty
 * buckets between events. Narrower buckets come with a larger ring (up to 2^16 buckets), so the
 * ring keeps covering as much time and events do not spill past it. Re-bucketing keeps the
 * order of events of equal time. Equal times cost nothing to sort, so floods with constant hop
 * delays do not narrow it.
 *
 * Pushing a time earlier than the last popped one throws.
 */
export class CalendarQueue {
  private invWidth: number;
  private mask: number;
  private ring: number;
  // Node pool: time, payload, next in bucket (-1: none). Free nodes are chained through `next`.
  private times: Float64Array;
  private payloads: Int32Array;
  private next: Int32Array;
  private freeHead = -1;
  private used = 0;
  private heads: Int32Array;
  private tails: Int32Array;
  private occupied: Uint32Array;
  // The current run: every event of buckets <= cur, sorted by (time, insertion).
  private runTimes: Float64Array;
  private runPayloads: Int32Array;
  // Scratch for sorting crowded buckets (see mergeSortRun).
  private sortTimes: Float64Array = new Float64Array(0);
  private sortPayloads: Int32Array = new Int32Array(0);
  private runHead = 0;
  private runEnd = 0;
  private cur = 0;
  private inRing = 0;
  private count = 0;
  private lastTime = -Infinity;
  private readonly far: HeapQueue;
  // Adaptation, since the last check: events popped, moves spent keeping the run sorted,
  // advances to a new bucket, and events pushed past the ring.
  private pops = 0;
  private work = 0;
  private advances = 0;
  private farPushes = 0;
  private skips = 0;
  private rebuckets = 0;

  /**
   * @param bucketWidthS - seconds per bucket to start with (it adapts). @defaultValue 1/1024
   * @param buckets - ring size to start with, a power of two >= 32 (the ring covers buckets ×
   *   width seconds; it grows as buckets narrow). @defaultValue 16384
   * @param initialCapacity - pooled events first allocated. @defaultValue 1024
   */
  constructor(bucketWidthS = 1 / 1024, buckets = 16384, initialCapacity = 1024) {
    if (!(bucketWidthS > 0 && Number.isFinite(bucketWidthS)))
      throw new MeshcastError(`CalendarQueue bucket width must be > 0 s, got ${bucketWidthS}`);
    if (!(Number.isInteger(buckets) && buckets >= 32 && (buckets & (buckets - 1)) === 0)) {
      throw new MeshcastError(`CalendarQueue buckets must be a power of two >= 32, got ${buckets}`);
    }
    this.invWidth = 1 / bucketWidthS;
    this.ring = buckets;
    this.mask = buckets - 1;
    const cap = Math.max(16, initialCapacity | 0);
    this.times = new Float64Array(cap);
    this.payloads = new Int32Array(cap);
    this.next = new Int32Array(cap);
    this.heads = new Int32Array(buckets).fill(-1);
    this.tails = new Int32Array(buckets).fill(-1);
    this.occupied = new Uint32Array(buckets >> 5);
    this.runTimes = new Float64Array(64);
    this.runPayloads = new Int32Array(64);
    this.far = new HeapQueue(64);
  }

  get size(): number {
    return this.count;
  }

  /** Where the adaptation stands: the current bucket width and ring size, and how many times it re-bucketed. */
  diagnostics(): { readonly bucketWidthS: number; readonly buckets: number; readonly rebuckets: number } {
    return { bucketWidthS: 1 / this.invWidth, buckets: this.ring, rebuckets: this.rebuckets };
  }

  push(timeS: number, payload: number): void {
    // Kept small (the common case is an append to a ring bucket): it is inlined into floods.
    if (!(timeS >= this.lastTime && timeS < Infinity)) this.reject(timeS);
    let k = Math.floor(timeS * this.invWidth);
    if (this.count++ === 0) k = this.restart(timeS, k);
    this.place(k, timeS, payload);
  }

  private reject(timeS: number): never {
    if (timeS < this.lastTime)
      throw new MeshcastError(`CalendarQueue is monotone: ${timeS}s is before the last event at ${this.lastTime}s`);
    throw new MeshcastError(`CalendarQueue takes finite times, got ${timeS}`);
  }

  /**
   * Nothing waits: the calendar restarts at the bucket of this event (at time t, bucket k),
   * with wider buckets if its bucket number is too large to count exactly.
   */
  private restart(t: number, k: number): number {
    if (Math.abs(k) > EXACT_BUCKETS) {
      this.invWidth = narrowestInvWidth(t);
      k = Math.floor(t * this.invWidth);
    }
    this.cur = k;
    this.runHead = 0;
    this.runEnd = 0;
    return k;
  }

  peekTime(): number {
    if (this.count === 0) return Infinity;
    if (this.runHead === this.runEnd) this.advance();
    return this.runTimes[this.runHead]!;
  }

  pop(): number {
    if (this.count === 0) return -1;
    if (this.runHead === this.runEnd) this.advance();
    this.count--;
    this.pops++;
    this.lastTime = this.runTimes[this.runHead]!;
    return this.runPayloads[this.runHead++]!;
  }

  clear(): void {
    if (this.inRing > 0) {
      this.heads.fill(-1);
      this.tails.fill(-1);
      this.occupied.fill(0);
    }
    this.freeHead = -1;
    this.used = 0;
    this.inRing = 0;
    this.runHead = 0;
    this.runEnd = 0;
    this.count = 0;
    this.lastTime = -Infinity;
    this.far.clear();
  }

  /** Puts an event of bucket k where it belongs: the ring (inlined: the common case), else the run or the far heap. */
  private place(k: number, t: number, payload: number): void {
    const d = k - this.cur;
    if (d > 0 && d < this.ring) this.append(k, t, payload);
    else this.placeOther(k, t, payload);
  }

  /** An event for the run (bucket <= cur) or past the ring. */
  private placeOther(k: number, t: number, payload: number): void {
    if (k <= this.cur) this.insertRun(t, payload);
    else {
      this.farPushes++;
      this.far.push(t, payload);
    }
  }

  private slot(k: number): number {
    return ringSlot(k, this.mask);
  }

  private append(k: number, t: number, payload: number): void {
    let node = this.freeHead;
    if (node >= 0) this.freeHead = this.next[node]!;
    else {
      if (this.used === this.times.length) this.growPool();
      node = this.used++;
    }
    this.times[node] = t;
    this.payloads[node] = payload;
    this.next[node] = -1;
    const b = this.slot(k);
    const tail = this.tails[b]!;
    if (tail < 0) {
      this.heads[b] = node;
      this.occupied[b >> 5] = this.occupied[b >> 5]! | (1 << (b & 31));
    } else this.next[tail] = node;
    this.tails[b] = node;
    this.inRing++;
  }

  /** Places an event of the current bucket (or earlier) in the run, after every event of equal or earlier time. */
  private insertRun(t: number, payload: number): void {
    if (this.runHead === this.runEnd) {
      this.runHead = 0;
      this.runEnd = 0;
    }
    const times = this.runTimes;
    const end = this.runEnd;
    if (end === this.runHead || times[end - 1]! <= t) {
      if (end === times.length) this.growRun();
      this.runTimes[end] = t;
      this.runPayloads[end] = payload;
      this.runEnd = end + 1;
      return;
    }
    // Binary search for the first event later than t.
    let lo = this.runHead;
    let hi = end - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.runHead && lo > 0) {
      this.runHead = lo - 1;
      this.runTimes[lo - 1] = t;
      this.runPayloads[lo - 1] = payload;
      return;
    }
    if (end - lo > 256 && this.invWidth < narrowestInvWidth(t)) {
      // The run spans too much time: narrow the buckets now rather than shift it again and again.
      this.rebucket(Math.min(narrowestInvWidth(t), this.invWidth * 16));
      this.place(Math.floor(t * this.invWidth), t, payload);
      return;
    }
    this.work += end - lo;
    if (end === times.length) this.growRun();
    this.runTimes.copyWithin(lo + 1, lo, end);
    this.runPayloads.copyWithin(lo + 1, lo, end);
    this.runTimes[lo] = t;
    this.runPayloads[lo] = payload;
    this.runEnd = end + 1;
  }

  /** The run is used up: move to the next non-empty bucket and sort it into the run. */
  private advance(): void {
    this.runHead = 0;
    this.runEnd = 0;
    // Re-bucketing moves every event in the ring: check only once a quarter as many events
    // have been popped since the last check, so it costs at most four moves per event popped.
    if (this.pops >= 2048 && 4 * this.pops >= this.inRing) this.adapt();
    // Bucket numbers are doubles: keep counting them exactly however late the clock runs.
    if (Math.abs(this.cur) > EXACT_BUCKETS) this.rebucket(narrowestInvWidth(this.cur / this.invWidth));
    if (this.inRing === 0) {
      // Only far events remain: jump to the earliest one's bucket.
      // Only the far events' times are kept, so the width can change here at no cost: wider, if
      // the jump would take bucket numbers past what a double counts exactly.
      const t = this.far.peekTime();
      this.invWidth = jumpInvWidth(t, this.invWidth);
      this.cur = Math.floor(t * this.invWidth) - 1;
      this.admitFar();
    }
    const from = this.slot(this.cur + 1);
    const distance = occupiedAfter(this.occupied, from);
    const b = (from + distance - 1) & this.mask;
    this.cur += distance;
    this.advances++;
    this.skips += distance - 1;
    this.admitFar();
    // Take the bucket's list (insertion order) into the run and sort it stably by time.
    let node = this.heads[b]!;
    this.heads[b] = -1;
    this.tails[b] = -1;
    this.occupied[b >> 5] = this.occupied[b >> 5]! & ~(1 << (b & 31));
    let len = 0;
    while (node >= 0) {
      if (len === this.runTimes.length) this.growRun();
      this.runTimes[len] = this.times[node]!;
      this.runPayloads[len] = this.payloads[node]!;
      len++;
      const nxt = this.next[node]!;
      this.next[node] = this.freeHead;
      this.freeHead = node;
      node = nxt;
    }
    this.inRing -= len;
    this.runEnd = len;
    this.sortRun(len);
  }

  /**
   * Every 2,048 events or more (and a quarter of those waiting in the ring, so re-bucketing
   * costs at most four moves per event popped):
   * - narrower buckets when keeping the run sorted costs more than two moves per event and the
   *   ring still holds nearly every event — straight to about four events per bucket, as far as
   *   the ring (which grows as buckets narrow) still reaches all but 0.1 % of the waiting events
   *   (see {@link reachable}), so a crowded flood does not spend most of itself sorting while
   *   the width halves;
   * - wider when more than 1 % of the events spill past the ring (the heap beyond it is
   *   slower), or when buckets hold about one event each and the queue skips many empty
   *   buckets between them. Empty buckets cost one bit each to skip, so sparse phases (a
   *   flood's first and last hops) do not widen buckets the busy middle needs narrow.
   */
  private adapt(): void {
    const movesPerEvent = this.work / this.pops;
    const eventsPerBucket = this.pops / Math.max(1, this.advances);
    const spill = this.farPushes / this.pops;
    const skipsPerAdvance = this.skips / Math.max(1, this.advances);
    this.pops = 0;
    this.work = 0;
    this.advances = 0;
    this.farPushes = 0;
    this.skips = 0;
    const narrowest = narrowestInvWidth(this.lastTime);
    if (movesPerEvent > 2 && spill < 0.001 && this.invWidth < narrowest) {
      let factor = 2;
      while (factor < 64 && eventsPerBucket > 4 * factor) factor *= 2;
      factor = this.reachable(factor);
      if (factor > 1) this.rebucket(Math.min(narrowest, this.invWidth * factor));
    } else if (
      (spill > 0.01 || (movesPerEvent < 0.5 && eventsPerBucket < 2 && skipsPerAdvance > 64)) &&
      this.invWidth > MIN_INV_WIDTH
    ) {
      this.rebucket(this.invWidth / 2);
    }
  }

  /**
   * The largest narrowing factor, `wanted` or a smaller power of two (1: none), after which the
   * ring (grown with it, up to {@link MAX_RING}) still reaches all but 0.1 % of the events
   * waiting in it. Walks the ring from its far end inward, counting the events of each occupied
   * bucket, and stops as soon as that many have been counted: a delay distribution's long tail
   * (a few events far ahead) limits the narrowing only as much as it would spill.
   */
  private reachable(wanted: number): number {
    const budget = Math.floor(this.inRing / 1000);
    const nearest = this.reach(wanted);
    const c = this.slot(this.cur);
    let counted = 0;
    let stoppedAt = -1; // distance at which the budget ran out
    // Distances from the ring's far end (ring - 1) down to `nearest`, a bitmap word at a time.
    for (let d = this.ring - 1; d >= nearest && stoppedAt < 0;) {
      const s = (c + d) & this.mask;
      const low = s & 31; // this word holds distances d - low .. d at bits 0 .. low
      let bits = this.occupied[s >> 5]! & (low === 31 ? -1 : (1 << (low + 1)) - 1);
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits);
        const distance = d - (low - bit);
        if (distance < nearest) break;
        for (let node = this.heads[(s & ~31) | bit]!; node >= 0; node = this.next[node]!) counted++;
        if (counted > budget) {
          stoppedAt = distance;
          break;
        }
        bits &= ~(1 << bit);
      }
      d -= low + 1;
    }
    let factor = wanted;
    while (factor > 1 && stoppedAt >= this.reach(factor)) factor /= 2;
    return factor;
  }

  /** Past this distance (in buckets of the current width) an event would not fit the ring narrowed by `factor`. */
  private reach(factor: number): number {
    return Math.floor(Math.min(MAX_RING, this.ring * factor) / factor) - 1;
  }

  /**
   * Re-buckets every waiting event but the far ones at a new width: the run's events (the
   * earliest, in order), then the ring's bucket by bucket, each in insertion order — so events
   * of equal time keep their order. Events the new ring does not reach join the far heap;
   * far events it now reaches come in.
   */
  private rebucket(invWidth: number): void {
    this.rebuckets++;
    const n = this.runEnd - this.runHead + this.inRing;
    const t = new Float64Array(n);
    const p = new Int32Array(n);
    let i = 0;
    for (let r = this.runHead; r < this.runEnd; r++) {
      t[i] = this.runTimes[r]!;
      p[i++] = this.runPayloads[r]!;
    }
    for (let d = 1; d < this.ring && i < n; d++) {
      for (let node = this.heads[this.slot(this.cur + d)]!; node >= 0; node = this.next[node]!) {
        t[i] = this.times[node]!;
        p[i++] = this.payloads[node]!;
      }
    }
    // Narrower buckets, larger ring (never smaller): it keeps covering as much time.
    const ring = Math.max(
      this.ring,
      Math.min(MAX_RING, this.ring * 2 ** Math.round(Math.log2(invWidth / this.invWidth))),
    );
    if (ring !== this.ring) {
      this.ring = ring;
      this.mask = ring - 1;
      this.heads = new Int32Array(ring).fill(-1);
      this.tails = new Int32Array(ring).fill(-1);
      this.occupied = new Uint32Array(ring >> 5);
    } else if (this.inRing > 0) {
      this.heads.fill(-1);
      this.tails.fill(-1);
      this.occupied.fill(0);
    }
    this.freeHead = -1;
    this.used = 0;
    this.inRing = 0;
    this.runHead = 0;
    this.runEnd = 0;
    this.invWidth = invWidth;
    let min = Infinity;
    for (let j = 0; j < n; j++) if (t[j]! < min) min = t[j]!;
    if (n === 0) min = this.far.size > 0 ? this.far.peekTime() : Math.max(this.lastTime, 0);
    this.cur = Math.floor(min * invWidth) - 1;
    for (let j = 0; j < n; j++) this.place(Math.floor(t[j]! * invWidth), t[j]!, p[j]!);
    this.admitFar();
  }

  /** Far events whose bucket the ring now covers join their buckets, in their order. */
  private admitFar(): void {
    const far = this.far;
    while (far.size > 0) {
      const t = far.peekTime();
      const k = Math.floor(t * this.invWidth);
      if (k - this.cur >= this.ring) return;
      this.place(k, t, far.pop());
    }
  }

  /** Stable sort of the run's first `len` events by time; counts the moves. */
  private sortRun(len: number): void {
    const times = this.runTimes;
    const payloads = this.runPayloads;
    if (len > 64) {
      let sorted = true;
      for (let i = 1; i < len && sorted; i++) sorted = times[i - 1]! <= times[i]!;
      if (!sorted) this.mergeSortRun(len);
      return;
    }
    this.work += insertionSort(times, payloads, 0, len);
  }

  /**
   * Stable bottom-up merge sort of the run's first `len` events (a crowded bucket): runs of 16
   * by insertion, then merges through scratch arrays kept with the run, so nothing is allocated.
   */
  private mergeSortRun(len: number): void {
    if (this.sortTimes.length < this.runTimes.length) {
      this.sortTimes = new Float64Array(this.runTimes.length);
      this.sortPayloads = new Int32Array(this.runTimes.length);
    }
    let srcT = this.runTimes;
    let srcP = this.runPayloads;
    let dstT = this.sortTimes;
    let dstP = this.sortPayloads;
    for (let lo = 0; lo < len; lo += 16) insertionSort(srcT, srcP, lo, Math.min(len, lo + 16));
    for (let width = 16; width < len; width *= 2) {
      for (let lo = 0; lo < len; lo += 2 * width) {
        const mid = Math.min(len, lo + width);
        const hi = Math.min(len, lo + 2 * width);
        let i = lo;
        let j = mid;
        let k = lo;
        while (i < mid && j < hi) {
          // Ties take the left (earlier inserted) event first: stable.
          if (srcT[j]! < srcT[i]!) {
            dstT[k] = srcT[j]!;
            dstP[k++] = srcP[j++]!;
          } else {
            dstT[k] = srcT[i]!;
            dstP[k++] = srcP[i++]!;
          }
        }
        while (i < mid) {
          dstT[k] = srcT[i]!;
          dstP[k++] = srcP[i++]!;
        }
        while (j < hi) {
          dstT[k] = srcT[j]!;
          dstP[k++] = srcP[j++]!;
        }
      }
      const t = srcT;
      srcT = dstT;
      dstT = t;
      const p = srcP;
      srcP = dstP;
      dstP = p;
    }
    if (srcT !== this.runTimes) {
      this.runTimes.set(srcT.subarray(0, len));
      this.runPayloads.set(srcP.subarray(0, len));
    }
    this.work += len * Math.log2(len);
  }

  private growPool(): void {
    const cap = this.times.length * 2;
    this.times = grown(this.times, cap);
    this.payloads = grown(this.payloads, cap);
    this.next = grown(this.next, cap);
  }

  private growRun(): void {
    const cap = this.runTimes.length * 2;
    this.runTimes = grown(this.runTimes, cap);
    this.runPayloads = grown(this.runPayloads, cap);
  }
}

/** Largest ring: 2^16 buckets (the ring grows as buckets narrow, so it keeps covering as much time). */
const MAX_RING = 2 ** 16;
