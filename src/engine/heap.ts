import { grown } from './grow.js';

/**
 * Binary min-heap over parallel typed arrays (structure of arrays): no object per event, no
 * allocation in push/pop once grown, and "move into the gap" instead of swaps.
 */
export class HeapQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private payloads: Int32Array;
  private count = 0;
  private nextSeq = 0;

  /** @param initialCapacity - slots allocated up front; the heap doubles when full. @defaultValue 1024 */
  constructor(initialCapacity = 1024) {
    const cap = Math.max(16, initialCapacity | 0);
    this.times = new Float64Array(cap);
    this.seqs = new Float64Array(cap);
    this.payloads = new Int32Array(cap);
  }

  /** {@inheritDoc EventQueue.size} */
  get size(): number {
    return this.count;
  }

  /** {@inheritDoc EventQueue.push} */
  push(timeS: number, payload: number): void {
    if (this.count === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const payloads = this.payloads;
    const seq = this.nextSeq++;
    let i = this.count++;
    // Sift up: move parents down into the gap until the new event's place is found.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < timeS || (pt === timeS && seqs[p]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[p]!;
      payloads[i] = payloads[p]!;
      i = p;
    }
    times[i] = timeS;
    seqs[i] = seq;
    payloads[i] = payload;
  }

  /** {@inheritDoc EventQueue.peekTime} */
  peekTime(): number {
    return this.count === 0 ? Infinity : this.times[0]!;
  }

  /** {@inheritDoc EventQueue.pop} */
  pop(): number {
    if (this.count === 0) return -1;
    const times = this.times;
    const seqs = this.seqs;
    const payloads = this.payloads;
    const top = payloads[0]!;
    const n = --this.count;
    if (n === 0) return top;
    const t = times[n]!;
    const s = seqs[n]!;
    const pl = payloads[n]!;
    let i = 0;
    // Sift down the former last element from the root.
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = times[c]!;
      let cs = seqs[c]!;
      const r = c + 1;
      if (r < n) {
        const rt = times[r]!;
        const rs = seqs[r]!;
        if (rt < ct || (rt === ct && rs < cs)) {
          c = r;
          ct = rt;
          cs = rs;
        }
      }
      if (t < ct || (t === ct && s < cs)) break;
      times[i] = ct;
      seqs[i] = cs;
      payloads[i] = payloads[c]!;
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
    payloads[i] = pl;
    return top;
  }

  /** {@inheritDoc EventQueue.clear} */
  clear(): void {
    this.count = 0;
    this.nextSeq = 0;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    this.times = grown(this.times, cap);
    this.seqs = grown(this.seqs, cap);
    this.payloads = grown(this.payloads, cap);
  }
}
