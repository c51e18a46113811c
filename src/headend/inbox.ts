import { grown } from '../engine/grow.js';

/** What reached the head-end: a download completed (with its activation date). */
export const COMPLETED = 1;
/** What reached the head-end: an image was activated (the endpoint runs it). */
export const ACTIVATED = 2;
/** What reached the head-end: a command's response (it succeeded at the endpoint). */
export const RESPONDED = 3;
/** What the head-end concluded: a command got no (or a failed) response in time. */
export const FAILED = 4;

/**
 * Messages on their way to the head-end, each due at a clock time: completion and activation
 * reports, command responses (with the endpoint's versions when it answered), and timeouts.
 * Typed columns that grow by doubling; {@link Inbox.due} hands over, in time order, those due
 * by a time. A snapshot of the endpoint's four firmware fields rides along with responses.
 * @internal
 */
export class Inbox {
  atS = new Float64Array(256);
  node = new Int32Array(256);
  what = new Uint8Array(256);
  command = new Int32Array(256);
  /** Field (index) and version code of a completed / activated image. */
  field = new Uint8Array(256);
  version = new Uint16Array(256);
  /** Activation time of a completed image. */
  activationS = new Float64Array(256);
  /** A response's snapshot: four version codes per message. */
  snapshot = new Uint16Array(256 * 4);
  /** A response's extra bits (the endpoint's state bits). */
  bits = new Uint8Array(256);
  count = 0;

  /** Adds a message due at t; returns its number (to fill its other columns). */
  add(t: number, node: number, what: number, command: number): number {
    if (this.count === this.atS.length) this.grow();
    const i = this.count++;
    this.atS[i] = t;
    this.node[i] = node;
    this.what[i] = what;
    this.command[i] = command;
    this.field[i] = 0;
    this.version[i] = 0;
    this.activationS[i] = 0;
    this.bits[i] = 0;
    return i;
  }

  /**
   * Messages due by t, in (time, arrival) order, removed from the inbox: their numbers index a
   * copy of the columns returned with them.
   */
  due(t: number): { order: Int32Array; taken: Inbox } {
    let k = 0;
    for (let i = 0; i < this.count; i++) if (this.atS[i]! <= t) k++;
    const taken = new Inbox();
    if (k === 0) return { order: new Int32Array(0), taken };
    const keep = new Inbox();
    for (let i = 0; i < this.count; i++) (this.atS[i]! <= t ? taken : keep).copyFrom(this, i);
    Object.assign(this, keep);
    const order = Int32Array.from({ length: taken.count }, (_, i) => i).sort(
      (a, b) => taken.atS[a]! - taken.atS[b]! || a - b,
    );
    return { order, taken };
  }

  /** Latest time a message is due (-Infinity when empty). */
  get lastS(): number {
    let last = -Infinity;
    for (let i = 0; i < this.count; i++) last = Math.max(last, this.atS[i]!);
    return last;
  }

  private copyFrom(from: Inbox, i: number): void {
    const j = this.add(from.atS[i]!, from.node[i]!, from.what[i]!, from.command[i]!);
    this.field[j] = from.field[i]!;
    this.version[j] = from.version[i]!;
    this.activationS[j] = from.activationS[i]!;
    this.bits[j] = from.bits[i]!;
    this.snapshot.set(from.snapshot.subarray(4 * i, 4 * i + 4), 4 * j);
  }

  private grow(): void {
    const cap = 2 * this.atS.length;
    this.atS = grown(this.atS, cap);
    this.node = grown(this.node, cap);
    this.what = grown(this.what, cap);
    this.command = grown(this.command, cap);
    this.field = grown(this.field, cap);
    this.activationS = grown(this.activationS, cap);
    this.bits = grown(this.bits, cap);
    const version = new Uint16Array(cap);
    version.set(this.version);
    this.version = version;
    const snapshot = new Uint16Array(cap * 4);
    snapshot.set(this.snapshot);
    this.snapshot = snapshot;
  }
}
