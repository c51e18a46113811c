import { grown } from './grow.js';
import FastPriorityQueue from 'fastpriorityqueue';

/**
 * {@link EventQueue} on top of the `fastpriorityqueue` package: the reference the typed heap
 * is raced against in `bench/`. Events are slots in typed arrays; the library's heap holds slot
 * numbers and compares `(time, sequence)` through them, so no object is made per event.
 */
export class FastPriorityEventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private payloads: Int32Array;
  private free: Int32Array;
  private freeCount: number;
  private nextSeq = 0;
  private readonly heap: FastPriorityQueue<number>;

  /** @param initialCapacity - slots allocated up front; doubled when full. @defaultValue 1024 */
  constructor(initialCapacity = 1024) {
    const cap = Math.max(16, initialCapacity | 0);
    this.times = new Float64Array(cap);
    this.seqs = new Float64Array(cap);
    this.payloads = new Int32Array(cap);
    this.free = new Int32Array(cap);
    this.freeCount = cap;
    for (let i = 0; i < cap; i++) this.free[i] = cap - 1 - i;
    this.heap = new FastPriorityQueue<number>((a, b) => {
      const ta = this.times[a]!;
      const tb = this.times[b]!;
      return ta < tb || (ta === tb && this.seqs[a]! < this.seqs[b]!);
    });
  }

  /** {@inheritDoc EventQueue.size} */
  get size(): number {
    return this.heap.size;
  }

  /** {@inheritDoc EventQueue.push} */
  push(timeS: number, payload: number): void {
    if (this.freeCount === 0) this.grow();
    const slot = this.free[--this.freeCount]!;
    this.times[slot] = timeS;
    this.seqs[slot] = this.nextSeq++;
    this.payloads[slot] = payload;
    this.heap.add(slot);
  }

  /** {@inheritDoc EventQueue.peekTime} */
  peekTime(): number {
    const slot = this.heap.peek();
    return slot === undefined ? Infinity : this.times[slot]!;
  }

  /** {@inheritDoc EventQueue.pop} */
  pop(): number {
    const slot = this.heap.poll();
    if (slot === undefined) return -1;
    this.free[this.freeCount++] = slot;
    return this.payloads[slot]!;
  }

  /** {@inheritDoc EventQueue.clear} */
  clear(): void {
    while (this.heap.size > 0) this.free[this.freeCount++] = this.heap.poll()!;
    this.nextSeq = 0;
  }

  private grow(): void {
    const old = this.times.length;
    const cap = old * 2;
    const free = new Int32Array(cap);
    for (let i = 0; i < cap - old; i++) free[i] = cap - 1 - i;
    this.times = grown(this.times, cap);
    this.seqs = grown(this.seqs, cap);
    this.payloads = grown(this.payloads, cap);
    this.free = free;
    this.freeCount = cap - old;
  }
}
