import { MeshcastError } from '../errors.js';
import { HeapQueue } from './heap.js';

/**
 * What a queue standing on a {@link BucketRing} keeps for it: the events of the ring's buckets,
 * in the queue's own storage, and the events of the bucket being handled (the queue's run and
 * whatever waits beside it). The ring calls these when it moves events between buckets: to admit
 * far events, and to re-bucket.
 * @internal
 */
export interface BucketStore {
  /** Appends an event to the bucket in ring slot `b`, counting it in `inRing` and marking the slot occupied. */
  append(b: number, timeS: number, payload: number): void;
  /** How many events the bucket in ring slot `b` holds. */
  length(b: number): number;
  /**
   * Copies the events of the bucket in ring slot `b`, in insertion order, into `times` and
   * `payloads` from index `at`.
   * @returns the index past the last one copied
   */
  copy(b: number, times: Float64Array, payloads: Int32Array, at: number): number;
  /**
   * Frees the storage of every bucket, to be used again from its start (appends then fill memory
   * in order, not in the order a run freed it). The ring now has `buckets` slots: a new size
   * needs new arrays. `held`: some bucket still holds events (otherwise every one is empty).
   */
  clear(buckets: number, held: boolean): void;
  /** How many events of the bucket being handled (or earlier) still wait. */
  current(): number;
  /** Moves those events, in (time, insertion) order, into `times` and `payloads` from index 0, leaving none. */
  takeCurrent(times: Float64Array, payloads: Int32Array): void;
}

/**
 * The ring of buckets the bucket queues ({@link CalendarQueue}, {@link LadderQueue}) stand on,
 * for monotone queues: events never earlier than the last one handled.
 *
 * Time is cut into buckets `width` seconds wide, numbered `floor(t / width)`; the ring's `size`
 * slots hold buckets `cur + 1 … cur + size - 1` after the bucket being handled, `cur` (bucket k in
 * slot k mod size), and an occupancy bitmap finds the next one holding events. Events past the
 * ring wait in a binary heap, the far heap, and join their buckets, in their order, as soon as
 * the ring reaches them — before any later push can land there — so they are always later than
 * every event in the ring. When nothing waits in the ring, it jumps to the earliest far event.
 *
 * The width adapts (each queue decides when): re-bucketing moves every waiting event to
 * buckets of the new width in (time, insertion) order, so events of equal time keep their
 * order; narrower buckets come with a larger ring (up to a maximum), so the ring keeps covering
 * as much time. Bucket numbers are doubles, counted one by one: they are kept below 2^50,
 * where doubles count exactly, however late the clock runs (widening the buckets when they
 * would not be, whether by restarting, jumping, narrowing or running on).
 *
 * What is in a bucket (sorted lists, unsorted chunks) and what happens once it is reached is the
 * queue's: the ring reaches the queue's storage through a {@link BucketStore}.
 * @internal
 */
export class BucketRing {
  /** 1 / bucket width, in 1/s. */
  invWidth: number;
  /** Slots in the ring, a power of two. */
  size: number;
  /** `size - 1`. */
  mask: number;
  /** Number of the bucket being handled: the ring holds buckets `cur + 1 … cur + size - 1`. */
  cur = 0;
  /** Events in the ring's buckets. */
  inRing = 0;
  /** Bit `b & 31` of word `b >> 5` set while the bucket in slot b holds events. */
  occupied: Uint32Array;
  /** Events past the ring. */
  private readonly far = new HeapQueue(64);
  /** Buckets moved to since {@link resetCounts}. */
  advances = 0;
  /** Empty buckets skipped since {@link resetCounts}. */
  skips = 0;
  /** Events pushed past the ring (into the far heap) since {@link resetCounts}. */
  farPushes = 0;
  /** Re-bucketings since the ring was made. */
  rebuckets = 0;
  private readonly owner: string;
  private readonly maxSize: number;
  private readonly store: BucketStore;

  /**
   * @param owner - the queue's name, for error messages
   * @param bucketWidthS - seconds per bucket to start with (> 0)
   * @param buckets - slots to start with, a power of two >= 32
   * @param maxBuckets - the most slots the ring grows to as buckets narrow
   * @param store - the queue's storage of bucket contents
   */
  constructor(owner: string, bucketWidthS: number, buckets: number, maxBuckets: number, store: BucketStore) {
    if (!(bucketWidthS > 0 && Number.isFinite(bucketWidthS)))
      throw new MeshcastError(`${owner} bucket width must be > 0 s, got ${bucketWidthS}`);
    if (!(Number.isInteger(buckets) && buckets >= 32 && (buckets & (buckets - 1)) === 0))
      throw new MeshcastError(`${owner} buckets must be a power of two >= 32, got ${buckets}`);
    this.owner = owner;
    this.invWidth = 1 / bucketWidthS;
    this.size = buckets;
    this.mask = buckets - 1;
    this.maxSize = maxBuckets;
    this.occupied = new Uint32Array(buckets >> 5);
    this.store = store;
  }

  /**
   * Throws for a push the queue refuses: a time before the last event handled (`lastS`; the ring
   * only moves forward) or one that is not finite.
   */
  reject(timeS: number, lastS: number): never {
    if (timeS < lastS)
      throw new MeshcastError(`${this.owner} is monotone: ${timeS}s is before the last event at ${lastS}s`);
    throw new MeshcastError(`${this.owner} takes finite times, got ${timeS}`);
  }

  /** The ring slot of bucket number k (a double: its residue modulo the ring's size). */
  slot(k: number): number {
    return k >= -0x80000000 && k <= 0x7fffffff ? k & this.mask : k - Math.floor(k / this.size) * this.size;
  }

  /** Marks the bucket in slot b as holding events (the queue calls it when appending to an empty bucket). */
  mark(b: number): void {
    this.occupied[b >> 5] = this.occupied[b >> 5]! | (1 << (b & 31));
  }

  /**
   * Nothing waits: the ring restarts just before the bucket of an event at time t, with wider
   * buckets if that bucket's number is too large to count exactly.
   * @returns the event's bucket number
   */
  restart(t: number): number {
    this.invWidth = this.exactInvWidth(t);
    const k = Math.floor(t * this.invWidth);
    this.cur = k - 1;
    return k;
  }

  /** Puts an event past the ring, into the far heap. */
  pushFar(t: number, payload: number): void {
    this.farPushes++;
    this.far.push(t, payload);
  }

  /**
   * Moves to the next bucket holding events and returns its slot, its occupancy bit cleared: the
   * queue takes the bucket's events out of its storage (and out of `inRing`). The queue has no
   * event of the bucket being handled left. If only far events remain, the ring jumps to the
   * earliest one's bucket: no event waits in the ring, so its width can change at no cost —
   * wider, if the jump would take bucket numbers past what a double counts exactly.
   */
  next(): number {
    // Bucket numbers are doubles: keep counting them exactly however late the clock runs.
    if (Math.abs(this.cur) > EXACT_BUCKETS) this.rebucket(this.exactInvWidth(this.cur / this.invWidth));
    if (this.inRing === 0) {
      const t = this.far.peekTime();
      this.invWidth = this.exactInvWidth(t);
      this.cur = Math.floor(t * this.invWidth) - 1;
      this.admitFar();
    }
    // The next occupied slot after the current bucket's, a bitmap word at a time around the ring
    // (written out here: the queues inline this whole method into their pops).
    const from = this.slot(this.cur + 1);
    const occupied = this.occupied;
    let w = from >> 5;
    let bits = occupied[w]! & (~0 << (from & 31));
    let skipped = -(from & 31);
    while (bits === 0) {
      skipped += 32;
      // Some bucket holds events: after one lap without any, the count and the bitmap disagree.
      if (skipped > 32 * occupied.length) this.broken();
      w = (w + 1) & (occupied.length - 1);
      bits = occupied[w]!;
    }
    const distance = 1 + skipped + (31 - Math.clz32(bits & -bits));
    const b = (from + distance - 1) & this.mask;
    this.cur += distance;
    this.advances++;
    this.skips += distance - 1;
    if (this.far.size > 0) this.admitFar();
    occupied[b >> 5] = occupied[b >> 5]! & ~(1 << (b & 31));
    return b;
  }

  /** Throws rather than search an empty ring for ever (a bug: `inRing` counts events no bucket holds). */
  private broken(): never {
    throw new MeshcastError(`${this.owner}: ${this.inRing} events counted in its ring, but no bucket holds any`);
  }

  /** Clears the adaptation counts ({@link advances}, {@link skips}, {@link farPushes}). */
  resetCounts(): void {
    this.advances = 0;
    this.skips = 0;
    this.farPushes = 0;
  }

  /** Whether buckets may narrow at time t: bucket numbers up to 64 times later must stay exact. */
  canNarrow(t: number): boolean {
    return this.invWidth < narrowestInvWidth(t);
  }

  /** Re-buckets `factor` times narrower, or as narrow as time t allows. */
  narrow(factor: number, t: number): void {
    this.rebucket(Math.min(narrowestInvWidth(t), this.invWidth * factor));
  }

  /** Whether buckets may widen: they are narrower than 2^30 s. */
  canWiden(): boolean {
    return this.invWidth > MIN_INV_WIDTH;
  }

  /** Re-buckets twice as wide (at most 2^30 s). */
  widen(): void {
    this.rebucket(Math.max(MIN_INV_WIDTH, this.invWidth / 2));
  }

  /**
   * The largest narrowing factor, `wanted` or a smaller power of two (1: none), after which the
   * ring (grown with it, up to its maximum) still reaches all but 0.1 % of the events waiting in
   * it. Walks the ring from its far end inward, counting the events of each occupied bucket, and
   * stops as soon as that many have been counted: a delay distribution's long tail (a few events
   * far ahead) limits the narrowing only as much as it would spill.
   */
  reachableFactor(wanted: number): number {
    const budget = Math.floor(this.inRing / 1000);
    const nearest = this.reach(wanted);
    const c = this.slot(this.cur);
    let counted = 0;
    let stoppedAt = -1; // distance at which the budget ran out
    // Distances from the ring's far end (size - 1) down to `nearest`, a bitmap word at a time.
    for (let d = this.size - 1; d >= nearest && stoppedAt < 0;) {
      const s = (c + d) & this.mask;
      const low = s & 31; // this word holds distances d - low .. d at bits 0 .. low
      let bits = this.occupied[s >> 5]! & (low === 31 ? -1 : (1 << (low + 1)) - 1);
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits);
        const distance = d - (low - bit);
        if (distance < nearest) break;
        counted += this.store.length((s & ~31) | bit);
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

  /**
   * The current width (as 1 / width), or the narrowest whose bucket numbers still count exactly
   * at time t when the current one is narrower than that (buckets narrowed early in a run, then
   * an event much later): the one rule for restarting, jumping and running late.
   */
  private exactInvWidth(t: number): number {
    return Math.abs(t * this.invWidth) > EXACT_BUCKETS ? Math.min(this.invWidth, narrowestInvWidth(t)) : this.invWidth;
  }

  /** Past this distance (in buckets of the current width) an event would not fit the ring narrowed by `factor`. */
  private reach(factor: number): number {
    return Math.floor(Math.min(this.maxSize, this.size * factor) / factor) - 1;
  }

  /**
   * Re-buckets every waiting event but the far ones at a new width: the queue's current events
   * (the earliest, in order), then the ring's bucket by bucket, each in insertion order — so
   * events of equal time keep their order. Events the new ring does not reach join the far heap;
   * far events it now reaches come in. Afterwards the queue has no current event: the ring stands
   * just before the earliest event's bucket.
   */
  rebucket(invWidth: number): void {
    this.rebuckets++;
    const store = this.store;
    const lead = store.current();
    const n = lead + this.inRing;
    const t = new Float64Array(n);
    const p = new Int32Array(n);
    store.takeCurrent(t, p);
    let i = lead;
    for (let d = 1; d < this.size && i < n; d++) {
      const b = this.slot(this.cur + d);
      if ((this.occupied[b >> 5]! & (1 << (b & 31))) !== 0) i = store.copy(b, t, p, i);
    }
    // Narrower buckets, larger ring (never smaller): it keeps covering as much time.
    const size = Math.max(
      this.size,
      Math.min(this.maxSize, this.size * 2 ** Math.round(Math.log2(invWidth / this.invWidth))),
    );
    if (size !== this.size) {
      this.size = size;
      this.mask = size - 1;
      this.occupied = new Uint32Array(size >> 5);
    } else if (this.inRing > 0) this.occupied.fill(0);
    store.clear(size, this.inRing > 0);
    this.inRing = 0;
    let min = Infinity;
    for (let j = 0; j < n; j++) if (t[j]! < min) min = t[j]!;
    // Nothing but far events (or nothing at all): stand before the earliest far event, or where the ring stood.
    if (n === 0) min = this.far.size > 0 ? this.far.peekTime() : (this.cur + 1) / this.invWidth;
    this.invWidth = invWidth;
    this.cur = Math.floor(min * invWidth) - 1;
    for (let j = 0; j < n; j++) {
      const k = Math.floor(t[j]! * invWidth);
      if (k - this.cur < this.size) store.append(this.slot(k), t[j]!, p[j]!);
      else this.pushFar(t[j]!, p[j]!);
    }
    this.admitFar();
  }

  /** Empties the ring and the far heap (its width and size stay as adapted). */
  clear(): void {
    if (this.inRing > 0) this.occupied.fill(0);
    this.store.clear(this.size, this.inRing > 0);
    this.inRing = 0;
    this.far.clear();
  }

  /** Far events whose bucket the ring now reaches join their buckets, in their order. */
  private admitFar(): void {
    const far = this.far;
    while (far.size > 0) {
      const t = far.peekTime();
      const k = Math.floor(t * this.invWidth);
      if (k - this.cur >= this.size) return;
      this.store.append(this.slot(k), t, far.pop());
    }
  }
}

/** Narrowest bucket: 2^-40 s (about a picosecond). */
const MAX_INV_WIDTH = 2 ** 40;
/** Largest bucket number the ring counts on from; 2^52 and beyond, doubles skip integers. */
const EXACT_BUCKETS = 2 ** 50;
/** Widest bucket: 2^30 s. */
const MIN_INV_WIDTH = 2 ** -30;

/**
 * The narrowest buckets (as 1 / width) allowed at time t: 2^-40 s, or wider so that bucket
 * numbers up to 64 times later stay below 2^52 (they are doubles, counted one by one).
 */
function narrowestInvWidth(t: number): number {
  return Math.min(MAX_INV_WIDTH, 2 ** Math.floor(Math.log2(2 ** 46 / Math.max(1, Math.abs(t)))));
}
