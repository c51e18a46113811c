import { BucketRing, type BucketStore } from './bucketring.js';
import { grown } from './grow.js';
import { HeapQueue } from './heap.js';
import { insertionSort } from './insertionsort.js';

/**
 * A monotone ladder queue — one rung of Tang, Goh and Thng's ladder queue (2005): an
 * {@link EventQueue} for simulations that never schedule before the last event handled, tuned
 * for floods with unbounded hop delays, where thousands of events wait and each new one lies a
 * per-hop delay after the one being handled.
 *
 * Time is cut into buckets, each a list of 32-event chunks (from one pool) events are appended
 * to, unsorted. A bucket is sorted only when the queue reaches it, into the run the events leave
 * from: a counting pass spreads its events over as many finer slots as it holds (stable), then
 * an insertion pass puts right what the slots left out of order — a few moves per event however
 * crowded the bucket. An event pushed into the bucket being handled (or before it) joins the
 * run's end if it is no earlier than the run's last event and nothing waits beside the run;
 * otherwise it waits in a small binary heap beside the run, the near heap. Each pop takes the
 * earlier of the two heads, the run's on equal times (it was pushed first). Events beyond the
 * ring of buckets wait in another binary heap and join their bucket, in their order, once the
 * ring reaches it. So events leave in (time, insertion) order exactly, like every other queue
 * here.
 *
 * Against {@link CalendarQueue}, which keeps its buckets narrow (a few events each, linked
 * lists over a pooled node array, sorted by insertion): buckets here hold tens to hundreds of
 * events, so a push appends to one of a few hundred chunk tails that stay in cache, and each
 * move to the next bucket is paid for by many events. The width adapts: narrower when buckets
 * hold more than ~1,000 events of distinct times or a quarter of the pushes land in the near
 * heap, wider when they hold fewer than ~16 or events spill past the ring; it is checked as the
 * queue moves to a new bucket and, since a queue whose near heap never empties never does, as
 * events are pushed into the near heap.
 *
 * The ring itself — bucket numbers, the occupancy bitmap, the far heap, jumps and re-bucketing —
 * is the bucket ring `CalendarQueue` stands on too; what is this queue's own is the chunked
 * buckets, the run sorted as each is reached, the near heap and when to adapt.
 *
 * Pushing a time earlier than the last popped one throws.
 */
export class LadderQueue {
  private readonly ring: BucketRing;
  // Events live in chunks of CHUNK slots from a pool; a bucket of the ring is a list of chunks
  // holding its events in insertion order (chunk i of a bucket: events CHUNK·i …), free chunks
  // are chained through `chunkNext`.
  private chunkTimes = new Float64Array(64 * CHUNK);
  private chunkPayloads = new Int32Array(64 * CHUNK);
  private chunkNext = new Int32Array(64);
  private freeChunk = -1;
  private usedChunks = 0;
  // First and last chunk, and number of events, of the bucket in each ring slot.
  private heads: Int32Array;
  private tails: Int32Array;
  private lengths: Int32Array;
  // The current run: the events of buckets <= cur still waiting that were pushed before the
  // queue reached bucket cur, sorted by (time, insertion), and those pushed since that came no
  // earlier than the run's last event while the near heap was empty; the others wait in the
  // near heap (a sorted run would have to shift for each of them).
  private runTimes = new Float64Array(64).fill(Infinity);
  private runPayloads = new Int32Array(64);
  private slotCounts = new Int32Array(65);
  private runHead = 0;
  private runEnd = 0;
  private count = 0;
  private lastTime = -Infinity;
  private readonly near = new HeapQueue(64);
  /** The near heap's earliest time, +Infinity when it is empty. */
  private nearFirstS = Infinity;
  // Adaptation, since the last check: events popped, events the buckets taken held and how
  // many of those tied with the one before them, and events pushed into the current bucket
  // (the near heap); the ring counts buckets taken and events pushed past it.
  private pops = 0;
  private taken = 0;
  private ties = 0;
  private nearPushes = 0;
  private nearPushed = 0;

  /**
   * @param bucketWidthS - seconds per bucket to start with (it adapts). @defaultValue 1/16
   * @param buckets - ring size, a power of two >= 32 (the ring covers buckets × width seconds;
   *   it grows, up to 8,192 buckets, as buckets narrow). @defaultValue 1024
   */
  constructor(bucketWidthS = 1 / 16, buckets = 1024) {
    this.ring = new BucketRing('LadderQueue', bucketWidthS, buckets, MAX_RING, this.bucketStore());
    this.heads = new Int32Array(buckets);
    this.tails = new Int32Array(buckets);
    this.lengths = new Int32Array(buckets);
  }

  /** {@inheritDoc EventQueue.size} */
  get size(): number {
    return this.count;
  }

  /**
   * Where the adaptation stands: the current bucket width and ring size, how many times it
   * re-bucketed, and how many events it has pushed into the near heap (the slow path) since it
   * was made.
   */
  diagnostics(): {
    /** Current bucket width, seconds. */
    readonly bucketWidthS: number;
    /** Buckets in the ring. */
    readonly buckets: number;
    /** Times the queue re-bucketed. */
    readonly rebuckets: number;
    /** Events pushed into the near heap (the slow path) since the queue was made. */
    readonly nearHeapPushes: number;
  } {
    const ring = this.ring;
    return {
      bucketWidthS: 1 / ring.invWidth,
      buckets: ring.size,
      rebuckets: ring.rebuckets,
      nearHeapPushes: this.nearPushed,
    };
  }

  /** {@inheritDoc EventQueue.push} */
  push(timeS: number, payload: number): void {
    if (!(timeS >= this.lastTime && timeS < Infinity)) this.ring.reject(timeS, this.lastTime);
    const ring = this.ring;
    const k = this.count++ === 0 ? ring.restart(timeS) : Math.floor(timeS * ring.invWidth);
    const d = k - ring.cur;
    if (d > 0 && d < ring.size) this.append(ring.slot(k), timeS, payload);
    else this.placeOther(k, timeS, payload);
  }

  /** {@inheritDoc EventQueue.peekTime} */
  peekTime(): number {
    if (this.count === 0) return Infinity;
    if (this.runHead === this.runEnd && this.nearFirstS === Infinity) this.advance();
    // The run ends with a sentinel +Infinity, so an empty run gives way to the near heap.
    const t = this.runTimes[this.runHead]!;
    return this.nearFirstS < t ? this.nearFirstS : t;
  }

  /** {@inheritDoc EventQueue.pop} */
  pop(): number {
    if (this.count === 0) return -1;
    if (this.runHead === this.runEnd && this.nearFirstS === Infinity) this.advance();
    this.count--;
    this.pops++;
    const t = this.runTimes[this.runHead]!;
    // Of equal times the run's event leaves first: it was in its bucket before the bucket was
    // reached, so before any event pushed into the near heap since.
    if (this.nearFirstS < t) {
      this.lastTime = this.nearFirstS;
      const payload = this.near.pop();
      this.nearFirstS = this.near.size > 0 ? this.near.peekTime() : Infinity;
      return payload;
    }
    this.lastTime = t;
    return this.runPayloads[this.runHead++]!;
  }

  /** {@inheritDoc EventQueue.clear} */
  clear(): void {
    this.ring.clear();
    this.near.clear();
    this.nearFirstS = Infinity;
    this.emptyRun();
    this.count = 0;
    this.lastTime = -Infinity;
  }

  /** What the ring reaches of this queue: the chunks of its buckets, and the run and near heap. */
  private bucketStore(): BucketStore {
    return {
      append: (b, t, payload) => this.append(b, t, payload),
      length: (b) => this.lengths[b]!,
      copy: (b, times, payloads, at) => {
        for (let chunk = this.heads[b]!, left = this.lengths[b]!; left > 0; chunk = this.chunkNext[chunk]!) {
          for (let from = chunk * CHUNK, end = from + Math.min(left, CHUNK); from < end; from++) {
            times[at] = this.chunkTimes[from]!;
            payloads[at++] = this.chunkPayloads[from]!;
          }
          left -= CHUNK;
        }
        return at;
      },
      clear: (buckets, held) => {
        if (this.lengths.length !== buckets) {
          this.heads = new Int32Array(buckets);
          this.tails = new Int32Array(buckets);
          this.lengths = new Int32Array(buckets);
        } else if (held) this.lengths.fill(0);
        this.freeChunk = -1;
        this.usedChunks = 0;
      },
      current: () => this.runEnd - this.runHead + this.near.size,
      takeCurrent: (times, payloads) => {
        // The run's events, then the near heap's (of equal times, the run's were pushed first).
        let i = 0;
        for (let r = this.runHead; r < this.runEnd; r++) {
          times[i] = this.runTimes[r]!;
          payloads[i++] = this.runPayloads[r]!;
        }
        while (this.near.size > 0) {
          times[i] = this.near.peekTime();
          payloads[i++] = this.near.pop();
        }
        this.nearFirstS = Infinity;
        this.emptyRun();
      },
    };
  }

  /** Puts an event of bucket k where it belongs: its ring bucket, the run, the near heap or the far heap. */
  private place(k: number, t: number, payload: number): void {
    const d = k - this.ring.cur;
    if (d > 0 && d < this.ring.size) this.append(this.ring.slot(k), t, payload);
    else this.placeOther(k, t, payload);
  }

  /** Appends an event to the bucket in ring slot b. */
  private append(b: number, t: number, payload: number): void {
    const len = this.lengths[b]!;
    let chunk: number;
    if ((len & (CHUNK - 1)) === 0) {
      chunk = this.newChunk();
      if (len === 0) {
        this.heads[b] = chunk;
        this.ring.mark(b);
      } else this.chunkNext[this.tails[b]!] = chunk;
      this.tails[b] = chunk;
    } else chunk = this.tails[b]!;
    const at = chunk * CHUNK + (len & (CHUNK - 1));
    this.chunkTimes[at] = t;
    this.chunkPayloads[at] = payload;
    this.lengths[b] = len + 1;
    this.ring.inRing++;
  }

  /** A chunk from the free list, or a new one from the pool (grown when full). */
  private newChunk(): number {
    let chunk = this.freeChunk;
    if (chunk >= 0) this.freeChunk = this.chunkNext[chunk]!;
    else {
      if (this.usedChunks === this.chunkNext.length) {
        const capacity = 2 * this.usedChunks;
        this.chunkTimes = grown(this.chunkTimes, capacity * CHUNK);
        this.chunkPayloads = grown(this.chunkPayloads, capacity * CHUNK);
        this.chunkNext = grown(this.chunkNext, capacity);
      }
      chunk = this.usedChunks++;
    }
    this.chunkNext[chunk] = -1;
    return chunk;
  }

  /** An event of bucket k that is not for the ring ahead: the run or the near heap (k <= cur), or past the ring. */
  private placeOther(k: number, t: number, payload: number): void {
    if (k <= this.ring.cur) {
      if (this.nearFirstS === Infinity && (this.runHead === this.runEnd || this.runTimes[this.runEnd - 1]! <= t)) {
        // No later event waits in the run and none in the near heap: it goes at the run's end
        // (hops that take one clock tick push every event this way).
        this.appendRun(t, payload);
        return;
      }
      // While the near heap holds events the queue takes no new bucket, so it would not adapt
      // either: the check is made here too (re-bucketing takes the near heap's events back
      // into buckets, and this event with them).
      if (this.pops >= 2048 && 4 * this.pops >= this.ring.inRing && this.adapt()) {
        this.place(Math.floor(t * this.ring.invWidth), t, payload);
        return;
      }
      this.nearPushes++;
      this.nearPushed++;
      this.near.push(t, payload);
      if (t < this.nearFirstS) this.nearFirstS = t;
    } else this.ring.pushFar(t, payload);
  }

  /** The run and the near heap are used up: move to the next non-empty bucket and sort it into the run. */
  private advance(): void {
    this.emptyRun();
    const ring = this.ring;
    // Re-bucketing moves every waiting event: check only once a quarter as many events have
    // been popped since the last check, so it costs at most four moves per event popped.
    if (this.pops >= 2048 && 4 * this.pops >= ring.inRing) this.adapt();
    const b = ring.next();
    const len = this.lengths[b]!;
    this.lengths[b] = 0;
    ring.inRing -= len;
    this.taken += len;
    this.sortIntoRun(this.heads[b]!, len);
    // The bucket's chunks go back to the free list, all at once.
    this.chunkNext[this.tails[b]!] = this.freeChunk;
    this.freeChunk = this.heads[b]!;
  }

  /**
   * The `len` events of the bucket whose first chunk is `head` (insertion order) into the run,
   * sorted stably by time: a counting pass over `len` finer slots of the current bucket, then
   * insertion to put right the events a slot holds out of order (and any a rounding put in a
   * neighbouring slot).
   */
  private sortIntoRun(head: number, len: number): void {
    if (len >= this.runTimes.length) this.growRun(len + 1);
    const runTimes = this.runTimes;
    const runPayloads = this.runPayloads;
    const times = this.chunkTimes;
    const payloads = this.chunkPayloads;
    const next = this.chunkNext;
    this.runEnd = len;
    if (len <= CHUNK) {
      const from = head * CHUNK;
      for (let i = 0; i < len; i++) {
        runTimes[i] = times[from + i]!;
        runPayloads[i] = payloads[from + i]!;
      }
      insertionSort(runTimes, runPayloads, 0, len);
      runTimes[len] = Infinity;
      return;
    }
    if (this.slotCounts.length <= len) this.slotCounts = new Int32Array(2 * len + 1);
    const counts = this.slotCounts;
    counts.fill(0, 0, len + 1);
    const inv = this.ring.invWidth;
    const cur = this.ring.cur;
    const last = len - 1;
    for (let chunk = head, left = len; left > 0; chunk = next[chunk]!, left -= CHUNK) {
      for (let at = chunk * CHUNK, end = at + Math.min(left, CHUNK); at < end; at++) {
        const f = Math.floor((times[at]! * inv - cur) * len);
        counts[(f < 0 ? 0 : f > last ? last : f) + 1]!++;
      }
    }
    for (let f = 1; f <= len; f++) counts[f]! += counts[f - 1]!;
    for (let chunk = head, left = len; left > 0; chunk = next[chunk]!, left -= CHUNK) {
      for (let at = chunk * CHUNK, end = at + Math.min(left, CHUNK); at < end; at++) {
        const t = times[at]!;
        const f = Math.floor((t * inv - cur) * len);
        const to = counts[f < 0 ? 0 : f > last ? last : f]!++;
        runTimes[to] = t;
        runPayloads[to] = payloads[at]!;
      }
    }
    insertionSort(runTimes, runPayloads, 0, len);
    runTimes[len] = Infinity;
    if (len > 256) {
      // Equal times cost nothing to sort and no width separates them: in a bucket crowded
      // enough to count towards narrowing, they do not count as crowding.
      let ties = 0;
      for (let i = 1; i < len; i++) if (runTimes[i] === runTimes[i - 1]) ties++;
      this.ties += ties;
    }
  }

  /**
   * Every 2,048 events or more (and a quarter of those waiting in the ring):
   * - narrower buckets when they hold more than 1,024 events of distinct times on average, or
   *   more than a quarter of the events are pushed into the current bucket (the near heap),
   *   and next to nothing spills past the ring — to about 256 such events per bucket, the ring growing with it (up to
   *   {@link MAX_RING});
   * - wider when they hold fewer than 16 events (each move to the next bucket is then paid by
   *   few events), or more than 1 % of the events spill past the ring — unless 10 % or more
   *   already go to the near heap.
   */
  private adapt(): boolean {
    const ring = this.ring;
    const perBucket = this.pops / Math.max(1, ring.advances);
    const distinctPerBucket = (this.taken - this.ties) / Math.max(1, ring.advances);
    const near = this.nearPushes / this.pops;
    const spill = ring.farPushes / this.pops;
    this.pops = 0;
    this.taken = 0;
    this.ties = 0;
    this.nearPushes = 0;
    ring.resetCounts();
    if ((distinctPerBucket > 1024 || near > 0.25) && spill < 0.001 && ring.canNarrow(this.lastTime)) {
      // Most pushes landing in the bucket being handled: the buckets are far too wide for the
      // hop times (hops that take a clock tick, say) — narrow as far as one step goes.
      let factor = near > 0.5 ? 64 : 2;
      while (factor < 64 && distinctPerBucket > 256 * factor) factor *= 2;
      ring.narrow(factor, this.lastTime);
      return true;
    }
    if ((perBucket < 16 || spill > 0.01) && ring.canWiden() && near < 0.1) {
      ring.widen();
      return true;
    }
    return false;
  }

  /** Appends an event no earlier than the run's last one to the run. */
  private appendRun(t: number, payload: number): void {
    if (this.runHead === this.runEnd) this.emptyRun();
    const end = this.runEnd;
    if (end + 1 >= this.runTimes.length) this.growRun(2 * (end + 1));
    this.runTimes[end] = t;
    this.runPayloads[end] = payload;
    this.runTimes[end + 1] = Infinity;
    this.runEnd = end + 1;
  }

  /** Empties the run, leaving its sentinel: +Infinity just past its last event. */
  private emptyRun(): void {
    this.runHead = 0;
    this.runEnd = 0;
    this.runTimes[0] = Infinity;
  }

  private growRun(capacity: number): void {
    this.runTimes = grown(this.runTimes, capacity);
    this.runPayloads = grown(this.runPayloads, capacity);
  }
}

/** Events per chunk of a bucket's list. */
const CHUNK = 32;

/** Largest ring: 2^13 buckets (each holds many events, so the ring needs far fewer than a calendar's). */
const MAX_RING = 2 ** 13;
