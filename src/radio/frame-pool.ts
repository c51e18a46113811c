import { grown } from '../engine/grow.js';

/**
 * The frames on a shared air, queued or on the air, as a pool of typed columns indexed by frame
 * number: no object per frame, and a frame sent or dropped is reused (last freed, first reused).
 * The pool holds what the air itself needs of a frame; whoever sends frames (broadcast
 * forwarding, AMI traffic) keeps what it needs of its own frames in columns of its own, indexed
 * by the same numbers and grown to {@link FramePool.capacity}.
 * @internal
 */
export class FramePool {
  /** What the frame carries: {@link BROADCAST_FRAME}, or a unicast kind of its sender's. */
  kind: Int32Array;
  /** The next frame in the same node's transmit queue (-1: last). */
  next: Int32Array;
  /**
   * Clock time the frame was first queued. A unicast frame keeps it hop after hop, so its queue
   * delay counts from when its message was made.
   */
  queuedS: Float64Array;
  /**
   * Clock time after which the frame is dropped from a queue unsent (Infinity: never); a frame
   * tried exactly then is still sent, as a broadcast copy arriving at its packet's expiry is in
   * time (`pastExpiry` in broadcast/limits.ts).
   */
  expiresS: Float64Array;
  /** The broadcast packet the frame carries (an index over every packet in flight on the air), -1 for unicast. */
  packet: Int32Array;
  private freeList: Int32Array;
  private freeTop = 0;
  private used = 0;

  /** @param capacity - frames allocated up front; the pool doubles when full. @defaultValue 1024 */
  constructor(capacity = 1024) {
    this.kind = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.queuedS = new Float64Array(capacity);
    this.expiresS = new Float64Array(capacity);
    this.packet = new Int32Array(capacity);
    this.freeList = new Int32Array(capacity);
  }

  /** Frames the columns hold: every frame number is below it. */
  get capacity(): number {
    return this.kind.length;
  }

  /**
   * A new frame queued at `queuedS`. O(1); allocates only when the pool doubles.
   * @param kind - see {@link FramePool.kind}
   * @param expiresS - see {@link FramePool.expiresS}
   * @param packet - see {@link FramePool.packet}
   * @returns its number
   */
  alloc(kind: number, queuedS: number, expiresS: number, packet: number): number {
    let f: number;
    if (this.freeTop > 0) f = this.freeList[--this.freeTop]!;
    else {
      if (this.used === this.kind.length) this.grow();
      f = this.used++;
    }
    this.kind[f] = kind;
    this.next[f] = -1;
    this.queuedS[f] = queuedS;
    this.expiresS[f] = expiresS;
    this.packet[f] = packet;
    return f;
  }

  /** Returns frame f to the pool. O(1). */
  release(f: number): void {
    this.freeList[this.freeTop++] = f;
  }

  private grow(): void {
    const cap = 2 * this.kind.length;
    this.kind = grown(this.kind, cap);
    this.next = grown(this.next, cap);
    this.queuedS = grown(this.queuedS, cap);
    this.expiresS = grown(this.expiresS, cap);
    this.packet = grown(this.packet, cap);
    this.freeList = grown(this.freeList, cap);
  }
}

/** {@link FramePool.kind} of a broadcast frame: every neighbour takes it (the others are unicast). */
export const BROADCAST_FRAME = 0;
