import { grown } from '../engine/grow.js';

/**
 * AMI messages of one kind made during a run (reads, round trips or reports), as typed columns
 * indexed by message number: when each was made, by or for which node, a tag of its kind's (a
 * round trip's flavour), and when it reached the collector. Grows by doubling; nothing is
 * allocated per message otherwise.
 * @internal
 */
export class MessageLog {
  /** Clock time each message was made. */
  created: Float64Array;
  /** Clock time it reached the collector (NaN: never). */
  done: Float64Array;
  /** The meter it is from or for. */
  node: Int32Array;
  /** A tag of its kind's. */
  tag: Int32Array;
  /** Messages logged. */
  count = 0;

  /** @param capacity - messages allocated up front; the log doubles when full. @defaultValue 1024 */
  constructor(capacity = 1024) {
    this.created = new Float64Array(capacity);
    this.done = new Float64Array(capacity);
    this.node = new Int32Array(capacity);
    this.tag = new Int32Array(capacity);
  }

  /**
   * Logs a new message, not yet done. O(1) amortised.
   * @returns its number
   */
  add(createdS: number, node: number, tag = 0): number {
    if (this.count === this.created.length) {
      const cap = 2 * this.count;
      this.created = grown(this.created, cap);
      this.done = grown(this.done, cap);
      this.node = grown(this.node, cap);
      this.tag = grown(this.tag, cap);
    }
    const i = this.count++;
    this.created[i] = createdS;
    this.done[i] = NaN;
    this.node[i] = node;
    this.tag[i] = tag;
    return i;
  }
}
