import { grown } from '../engine/grow.js';

/**
 * The nodes waiting in a flood whose every hop takes at least `hopS` and at most `maxHopS`
 * seconds (constant and uniform delays), by arrival window of hopS / 2 seconds. A node can only
 * get an earlier copy from a node at least hopS earlier — two windows back — so once every
 * earlier window has been handled, a window's nodes are settled, whatever their order within
 * it; the margin of a whole window keeps rounding in the window arithmetic harmless. Copies sent
 * from window k land in windows k + 1 … k + ring − 1, so a ring of ⌈maxHopS / (hopS / 2)⌉ + 3
 * lists covers every window in flight. Adding is an append; a node whose earliest copy moves to
 * an earlier window stays listed in the later one too, and is skipped there as handled.
 * @internal
 */
export class ArrivalWindows {
  private lists: Int32Array[] = [];
  private lengths = new Int32Array(0);
  private ring = 0;
  private invWidth = 0;
  private baseS = 0;
  /** Nodes listed in windows not yet taken. */
  waiting = 0;
  /** How many nodes the last {@link ArrivalWindows.take} returned. */
  taken = 0;

  /**
   * Starts a flood sent at `sendS` whose copies expire at `expiryS`.
   * @returns false when hop times can be 0, are unbounded, spread over more than 65,536
   *   windows, or come near the resolution of the clock by `expiryS` (a hop of a few
   *   picoseconds late in a long run): the flood then uses its event queue
   */
  start(sendS: number, hopS: number, maxHopS: number, expiryS: number): boolean {
    if (!(hopS > 0 && maxHopS < Infinity && hopS > Math.abs(expiryS) * 2 ** -40)) return false;
    const ring = Math.ceil((2 * maxHopS) / hopS) + 3;
    if (!(ring <= 65_536)) return false;
    if (ring > this.lists.length) {
      while (this.lists.length < ring) this.lists.push(new Int32Array(64));
      this.lengths = new Int32Array(ring);
    } else this.lengths.fill(0);
    this.ring = ring;
    this.invWidth = 2 / hopS;
    this.baseS = sendS;
    this.waiting = 0;
    return true;
  }

  /** Lists node v, whose earliest copy arrives at `t`, in its window. */
  add(t: number, v: number): void {
    const slot = Math.floor((t - this.baseS) * this.invWidth) % this.ring;
    let list = this.lists[slot]!;
    const len = this.lengths[slot]!;
    if (len === list.length) this.lists[slot] = list = grown(list, 2 * len);
    list[len] = v;
    this.lengths[slot] = len + 1;
    this.waiting++;
  }

  /**
   * Empties window k (windows are taken in order 0, 1, 2, …): the nodes listed there, the first
   * {@link ArrivalWindows.taken} entries of the array returned, valid until the next call.
   */
  take(k: number): Int32Array {
    const slot = k % this.ring;
    this.taken = this.lengths[slot]!;
    this.lengths[slot] = 0;
    this.waiting -= this.taken;
    return this.lists[slot]!;
  }
}
