import { BucketRing, type BucketStore } from './bucketring.js';
import { grown } from './grow.js';
import { insertionSort } from './insertionsort.js';

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
 * The ring itself — bucket numbers, the occupancy bitmap, the far heap, jumps and re-bucketing —
 * is the bucket ring `LadderQueue` stands on too; what is this queue's own is the buckets'
 * linked lists, the sorted run and when to adapt.
 *
 * Pushing a time earlier than the last popped one throws.
 */
export class CalendarQueue {
  private readonly ring: BucketRing;
  // Node pool: time, payload, next in bucket (-1: none). Free nodes are chained through `next`.
  private times: Float64Array;
  private payloads: Int32Array;
  private next: Int32Array;
  private freeHead = -1;
  private used = 0;
  // First and last node of the bucket in each ring slot (-1: empty).
  private heads: Int32Array;
  private tails: Int32Array;
  // The current run: every event of buckets <= cur, sorted by (time, insertion).
  private runTimes: Float64Array;
  private runPayloads: Int32Array;
  // Scratch for sorting crowded buckets (see mergeSortRun).
  private sortTimes: Float64Array = new Float64Array(0);
  private sortPayloads: Int32Array = new Int32Array(0);
  private runHead = 0;
  private runEnd = 0;
  private count = 0;
  private lastTime = -Infinity;
  // Adaptation, since the last check: events popped and moves spent keeping the run sorted
  // (the ring counts buckets moved to, empty buckets skipped and events pushed past it).
  private pops = 0;
  private work = 0;

  /**
   * @param bucketWidthS - seconds per bucket to start with (it adapts). @defaultValue 1/1024
   * @param buckets - ring size to start with, a power of two >= 32 (the ring covers buckets ×
   *   width seconds; it grows as buckets narrow). @defaultValue 16384
   * @param initialCapacity - pooled events first allocated. @defaultValue 1024
   */
  constructor(bucketWidthS = 1 / 1024, buckets = 16384, initialCapacity = 1024) {
    this.ring = new BucketRing('CalendarQueue', bucketWidthS, buckets, MAX_RING, this.bucketStore());
    const cap = Math.max(16, initialCapacity | 0);
    this.times = new Float64Array(cap);
    this.payloads = new Int32Array(cap);
    this.next = new Int32Array(cap);
    this.heads = new Int32Array(buckets).fill(-1);
    this.tails = new Int32Array(buckets).fill(-1);
    this.runTimes = new Float64Array(64);
    this.runPayloads = new Int32Array(64);
  }

  /** {@inheritDoc EventQueue.size} */
  get size(): number {
    return this.count;
  }

  /** Where the adaptation stands: the current bucket width and ring size, and how many times it re-bucketed. */
  diagnostics(): {
    /** Current bucket width, seconds. */
    readonly bucketWidthS: number;
    /** Buckets in the ring. */
    readonly buckets: number;
    /** Times the queue re-bucketed. */
    readonly rebuckets: number;
  } {
    const ring = this.ring;
    return { bucketWidthS: 1 / ring.invWidth, buckets: ring.size, rebuckets: ring.rebuckets };
  }

  /** {@inheritDoc EventQueue.push} */
  push(timeS: number, payload: number): void {
    // Kept small (the common case is an append to a ring bucket): it is inlined into floods.
    if (!(timeS >= this.lastTime && timeS < Infinity)) this.ring.reject(timeS, this.lastTime);
    const k = this.count++ === 0 ? this.ring.restart(timeS) : Math.floor(timeS * this.ring.invWidth);
    this.place(k, timeS, payload);
  }

  /** {@inheritDoc EventQueue.peekTime} */
  peekTime(): number {
    if (this.count === 0) return Infinity;
    if (this.runHead === this.runEnd) this.advance();
    return this.runTimes[this.runHead]!;
  }

  /** {@inheritDoc EventQueue.pop} */
  pop(): number {
    if (this.count === 0) return -1;
    if (this.runHead === this.runEnd) this.advance();
    this.count--;
    this.pops++;
    this.lastTime = this.runTimes[this.runHead]!;
    return this.runPayloads[this.runHead++]!;
  }

  /** {@inheritDoc EventQueue.clear} */
  clear(): void {
    this.ring.clear();
    this.runHead = 0;
    this.runEnd = 0;
    this.count = 0;
    this.lastTime = -Infinity;
  }

  /** What the ring reaches of this queue: the nodes of its buckets, and the run. */
  private bucketStore(): BucketStore {
    return {
      append: (b, t, payload) => this.append(b, t, payload),
      length: (b) => {
        let n = 0;
        for (let node = this.heads[b]!; node >= 0; node = this.next[node]!) n++;
        return n;
      },
      copy: (b, times, payloads, at) => {
        for (let node = this.heads[b]!; node >= 0; node = this.next[node]!) {
          times[at] = this.times[node]!;
          payloads[at++] = this.payloads[node]!;
        }
        return at;
      },
      clear: (buckets, held) => {
        if (this.heads.length !== buckets) {
          this.heads = new Int32Array(buckets).fill(-1);
          this.tails = new Int32Array(buckets).fill(-1);
        } else if (held) {
          this.heads.fill(-1);
          this.tails.fill(-1);
        }
        this.freeHead = -1;
        this.used = 0;
      },
      current: () => this.runEnd - this.runHead,
      takeCurrent: (times, payloads) => {
        times.set(this.runTimes.subarray(this.runHead, this.runEnd));
        payloads.set(this.runPayloads.subarray(this.runHead, this.runEnd));
        this.runHead = 0;
        this.runEnd = 0;
      },
    };
  }

  /** Puts an event of bucket k where it belongs: its ring bucket (inlined: the common case), the run or far heap. */
  private place(k: number, t: number, payload: number): void {
    const d = k - this.ring.cur;
    if (d > 0 && d < this.ring.size) this.append(this.ring.slot(k), t, payload);
    else this.placeOther(k, t, payload);
  }

  /** An event for the run (bucket <= cur) or past the ring. */
  private placeOther(k: number, t: number, payload: number): void {
    if (k <= this.ring.cur) this.insertRun(t, payload);
    else this.ring.pushFar(t, payload);
  }

  /** Appends an event to the bucket in ring slot b. */
  private append(b: number, t: number, payload: number): void {
    let node = this.freeHead;
    if (node >= 0) this.freeHead = this.next[node]!;
    else {
      if (this.used === this.times.length) this.growPool();
      node = this.used++;
    }
    this.times[node] = t;
    this.payloads[node] = payload;
    this.next[node] = -1;
    const tail = this.tails[b]!;
    if (tail < 0) {
      this.heads[b] = node;
      this.ring.mark(b);
    } else this.next[tail] = node;
    this.tails[b] = node;
    this.ring.inRing++;
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
    if (end - lo > 256 && this.ring.canNarrow(t)) {
      // The run spans too much time: narrow the buckets now rather than shift it again and again.
      this.ring.narrow(16, t);
      this.place(Math.floor(t * this.ring.invWidth), t, payload);
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
    const ring = this.ring;
    // Re-bucketing moves every event in the ring: check only once a quarter as many events
    // have been popped since the last check, so it costs at most four moves per event popped.
    if (this.pops >= 2048 && 4 * this.pops >= ring.inRing) this.adapt();
    const b = ring.next();
    // Take the bucket's list (insertion order) into the run and sort it stably by time.
    let node = this.heads[b]!;
    this.heads[b] = -1;
    this.tails[b] = -1;
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
    ring.inRing -= len;
    this.runEnd = len;
    this.sortRun(len);
  }

  /**
   * Every 2,048 events or more (and a quarter of those waiting in the ring, so re-bucketing
   * costs at most four moves per event popped):
   * - narrower buckets when keeping the run sorted costs more than two moves per event and the
   *   ring still holds nearly every event — straight to about four events per bucket, as far as
   *   the ring (which grows as buckets narrow) still reaches all but 0.1 % of the waiting events
   *   (see {@link BucketRing.reachableFactor}), so a crowded flood does not spend most of itself
   *   sorting while the width halves;
   * - wider when more than 1 % of the events spill past the ring (the heap beyond it is
   *   slower), or when buckets hold about one event each and the queue skips many empty
   *   buckets between them. Empty buckets cost one bit each to skip, so sparse phases (a
   *   flood's first and last hops) do not widen buckets the busy middle needs narrow.
   */
  private adapt(): void {
    const ring = this.ring;
    const movesPerEvent = this.work / this.pops;
    const eventsPerBucket = this.pops / Math.max(1, ring.advances);
    const spill = ring.farPushes / this.pops;
    const skipsPerAdvance = ring.skips / Math.max(1, ring.advances);
    this.pops = 0;
    this.work = 0;
    ring.resetCounts();
    if (movesPerEvent > 2 && spill < 0.001 && ring.canNarrow(this.lastTime)) {
      let factor = 2;
      while (factor < 64 && eventsPerBucket > 4 * factor) factor *= 2;
      factor = ring.reachableFactor(factor);
      if (factor > 1) ring.narrow(factor, this.lastTime);
    } else if (
      (spill > 0.01 || (movesPerEvent < 0.5 && eventsPerBucket < 2 && skipsPerAdvance > 64)) &&
      ring.canWiden()
    ) {
      ring.widen();
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
