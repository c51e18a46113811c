import { delaySampler, type DelaySampler, type DelaySpec } from '../random/distributions.js';
import { airPath, type StreamPath } from '../random/purposes.js';
import { createStream, type Rng, type Seed } from '../random/stream.js';
import type { AirClock } from './air-clock.js';
import { AirTally } from './air-stats.js';
import { BROADCAST_FRAME, FramePool } from './frame-pool.js';
import type { ResolvedContention } from './radio.js';

/** The links frames travel: a mesh's CSR rows (a `CompiledMesh` is one). */
export interface AirLinks {
  /** CSR row offsets, length n + 1. */
  readonly offsets: Int32Array;
  /** Neighbour of each directed link. */
  readonly neighbours: Int32Array;
  /** Probability that a clean frame crosses each directed link. */
  readonly linkSuccess: Float32Array;
}

/** Everything an {@link Air} is made of: the mesh's links, the radio model and the run's streams. */
export interface AirSetup {
  /** The mesh's links. */
  readonly links: AirLinks;
  /** The shared-air model. */
  readonly contention: ResolvedContention;
  /** Seconds a frame occupies the air. */
  readonly airtimeS: number;
  /** The forwarding jitter a broadcast frame waits before its node first tries to send it. */
  readonly delay: DelaySpec;
  /** Broadcast packets that may be in flight, numbered 0 .. packets − 1 (for {@link FramePool.packet}). */
  readonly packets: number;
  /** The engine's clock. */
  readonly clock: AirClock;
  /** Root seed of the run. */
  readonly seed: Seed;
  /** Stream path of the run (replication, pass, …): the air draws from `…, 'air', purpose`. */
  readonly streamRoot: StreamPath;
}

// Per node, interleaved so a neighbour's air state is one cache line (every frame visits all of
// its sender's neighbours twice): hears a transmission until, transmits until, frames arriving
// now, reception epoch (bumped whenever two overlap; kept in 0 .. 2^31 − 1).
const BUSY = 0;
const TX = 1;
const RX_COUNT = 2;
const RX_EPOCH = 3;

/**
 * The shared air, the MAC of docs/model.md "Contention": one transmit queue per node (one frame
 * on the air per node, the rest waiting in order), carrier sense, half duplex, and collisions
 * decided per receiver with channel overlap. Frames come from its users (broadcast forwarding,
 * AMI traffic) through {@link Air.enqueue}; the air tells them, when a frame's airtime ends,
 * which receivers took it ({@link Air.hearBroadcast}, {@link Air.hearUnicast}).
 *
 * Per transmission the work is two events and two passes over the sender's CSR row (start:
 * mark receivers busy and take their epochs; end: decide receptions). All state is typed arrays
 * sized once (frames in a {@link FramePool}); nothing is allocated per event.
 *
 * Randomness: link trials, channel overlaps, deferral waits and the broadcast jitter each draw
 * from a stream of their own (`'air', 'link' | 'channel' | 'defer' | 'backoff'`).
 * @internal
 */
export class Air {
  /** Every frame queued or on the air. */
  readonly frames = new FramePool();
  /** What the air did, summed as it happens. */
  readonly tally: AirTally;
  /**
   * Receivers that took the broadcast frame last heard by {@link Air.hearBroadcast}: its first
   * {@link Air.heard} entries, in CSR order.
   */
  readonly heardBy: Int32Array;
  /** How many receivers took that frame. */
  heard = 0;
  /** How many clean receptions of it the link trial lost. */
  lost = 0;
  /** The event "node v tries to send its queue's head frame". */
  readonly tryEvent: number;
  /** The event "node v's frame leaves the air"; its handler calls one of the hear methods. */
  readonly endEvent: number;

  private readonly offsets: Int32Array;
  private readonly neighbours: Int32Array;
  private readonly linkSuccess: Float32Array;
  private readonly nodeAir: Float64Array;
  /**
   * Per directed link, the receiver's epoch when the link's frame began, or -1 if the frame is
   * already lost there: a node sends one frame at a time, so a link carries at most one.
   */
  private readonly edgeEpoch: Int32Array;
  private readonly pendingTry: Uint8Array;
  private readonly onAir: Int32Array;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly airtimeS: number;
  private readonly carrierSense: boolean;
  private readonly deferMaxS: number;
  private readonly shareChannel: number;
  private readonly oneChannel: boolean;
  private readonly link: Rng;
  private readonly channel: Rng;
  private readonly defer: Rng;
  private readonly jitter: DelaySampler;
  private readonly clock: AirClock;

  /** @param setup - the mesh's links, the radio model, the clock and the run's streams */
  constructor(setup: AirSetup) {
    const { links, contention, clock, seed, streamRoot } = setup;
    const n = links.offsets.length - 1;
    this.offsets = links.offsets;
    this.neighbours = links.neighbours;
    this.linkSuccess = links.linkSuccess;
    this.tally = new AirTally(n, setup.packets);
    let degree = 0;
    for (let v = 0; v < n; v++) degree = Math.max(degree, links.offsets[v + 1]! - links.offsets[v]!);
    this.heardBy = new Int32Array(degree);
    this.nodeAir = new Float64Array(n * 4); // clock times may be negative
    for (let v = 0; v < n; v++) {
      this.nodeAir[v * 4 + BUSY] = -Infinity;
      this.nodeAir[v * 4 + TX] = -Infinity;
    }
    this.edgeEpoch = new Int32Array(links.neighbours.length);
    this.pendingTry = new Uint8Array(n);
    this.onAir = new Int32Array(n).fill(-1);
    this.head = new Int32Array(n).fill(-1);
    this.tail = new Int32Array(n).fill(-1);
    this.airtimeS = setup.airtimeS;
    this.carrierSense = contention.carrierSense;
    this.deferMaxS = contention.deferMaxS;
    this.shareChannel = 1 / contention.channels;
    this.oneChannel = contention.channels === 1; // every overlap shares the channel: no draw needed
    this.link = createStream(seed, ...airPath(streamRoot, 'link'));
    this.channel = createStream(seed, ...airPath(streamRoot, 'channel'));
    this.defer = createStream(seed, ...airPath(streamRoot, 'defer'));
    this.jitter = delaySampler(setup.delay, createStream(seed, ...airPath(streamRoot, 'backoff')));
    this.clock = clock;
    this.tryEvent = clock.reserve();
    this.endEvent = clock.reserve();
  }

  /**
   * Appends frame f to node v's transmit queue at t and makes sure v will try to send. A
   * broadcast frame is queued once, at the node that forwards it, so this is where it starts
   * counting towards its packet being in flight; a unicast frame is queued again at every hop.
   */
  enqueue(v: number, f: number, t: number): void {
    const { frames, tail } = this;
    const packet = frames.packet[f]!;
    if (packet >= 0) this.tally.packetFrameAdded(packet, t);
    frames.next[f] = -1;
    const last = tail[v]!;
    if (last < 0) this.head[v] = f;
    else frames.next[last] = f;
    tail[v] = f;
    if (this.pendingTry[v] === 0 && this.onAir[v]! < 0) {
      this.pendingTry[v] = 1;
      this.clock.schedule(t + this.wait(f), this.tryEvent, v);
    }
  }

  /** Puts frame f, just sent by v and not taken, back at the head of v's queue (a retry). */
  requeue(v: number, f: number): void {
    this.frames.next[f] = this.head[v]!;
    this.head[v] = f;
    if (this.tail[v]! < 0) this.tail[v] = f;
  }

  /** After v's transmission ended at t: v tries again if frames wait in its queue. */
  resume(v: number, t: number): void {
    const f = this.head[v]!;
    if (f >= 0 && this.pendingTry[v] === 0) {
      this.pendingTry[v] = 1;
      this.clock.schedule(t + this.wait(f), this.tryEvent, v);
    }
  }

  /** The frame v is sending (-1: none). */
  transmitting(v: number): number {
    return this.onAir[v]!;
  }

  /** Frame f is done with (sent, taken at its destination, or out of retries) at t: back to the pool. */
  release(f: number, t: number): void {
    const packet = this.frames.packet[f]!;
    if (packet >= 0) this.tally.packetFrameGone(packet, t);
    this.frames.release(f);
  }

  /**
   * The {@link Air.tryEvent} of node v at t: drops head frames past their expiry, then senses
   * the channel (carrier sense: defer until the frame heard ends plus a uniform wait up to
   * `deferMaxS`) or starts sending the head frame: it occupies the air for the airtime, marks
   * every neighbour busy, and is lost wherever it overlaps another frame on the same channel
   * or the neighbour is itself transmitting (half duplex; what v was receiving is lost too).
   */
  trySend(v: number, t: number): void {
    const { frames, nodeAir, tally } = this;
    this.pendingTry[v] = 0;
    let f = this.head[v]!;
    while (f >= 0 && t > frames.expiresS[f]!) {
      if (frames.kind[f] === BROADCAST_FRAME) tally.expiredInQueue++;
      const next = frames.next[f]!;
      this.release(f, t);
      f = next;
    }
    this.head[v] = f;
    if (f < 0) {
      this.tail[v] = -1;
      return;
    }
    if (this.carrierSense && nodeAir[v * 4 + BUSY]! > t) {
      tally.deferrals++;
      this.pendingTry[v] = 1;
      this.clock.schedule(nodeAir[v * 4 + BUSY]! + this.defer() * this.deferMaxS, this.tryEvent, v);
      return;
    }
    const rest = frames.next[f]!;
    this.head[v] = rest;
    if (rest < 0) this.tail[v] = -1;
    this.onAir[v] = f;
    const airtimeS = this.airtimeS;
    const end = t + airtimeS;
    const waited = t - frames.queuedS[f]!;
    tally.queueDelaySumS += waited;
    if (waited > tally.queueDelayMaxS) tally.queueDelayMaxS = waited;
    tally.frames++;
    tally.airtimeS += airtimeS;
    tally.nodeAirtimeS[v]! += airtimeS;
    if (t < tally.firstS) tally.firstS = t;
    if (nodeAir[v * 4 + RX_COUNT]! > 0) nodeAir[v * 4 + RX_EPOCH] = (nodeAir[v * 4 + RX_EPOCH]! + 1) & 0x7fffffff;
    nodeAir[v * 4 + TX] = end;
    const { neighbours, edgeEpoch, oneChannel, shareChannel } = this;
    for (let e = this.offsets[v]!, stop = this.offsets[v + 1]!; e < stop; e++) {
      const a = neighbours[e]! * 4; // neighbour u's air state
      if (nodeAir[a + BUSY]! < end) nodeAir[a + BUSY] = end;
      const arriving = nodeAir[a + RX_COUNT]!;
      if (nodeAir[a + TX]! > t)
        edgeEpoch[e] = -1; // u is transmitting: deaf
      else if (arriving > 0 && (oneChannel || this.channel() < shareChannel)) {
        // overlap on one channel: both frames are lost at u
        nodeAir[a + RX_EPOCH] = (nodeAir[a + RX_EPOCH]! + 1) & 0x7fffffff;
        edgeEpoch[e] = -1;
      } else edgeEpoch[e] = nodeAir[a + RX_EPOCH]!;
      nodeAir[a + RX_COUNT] = arriving + 1;
    }
    this.clock.schedule(end, this.endEvent, v);
  }

  /**
   * Ends v's broadcast frame at t: every neighbour whose reception stayed clean takes it with
   * its link's probability. The takers are left in {@link Air.heardBy} (first {@link Air.heard}
   * entries), the link losses in {@link Air.lost}; the frame stays allocated for its sender to
   * read, until {@link Air.release}.
   */
  hearBroadcast(v: number, t: number): void {
    const { nodeAir, neighbours, edgeEpoch, linkSuccess, heardBy, tally } = this;
    const start = this.offsets[v]!;
    const stop = this.offsets[v + 1]!;
    if (t > tally.lastS) tally.lastS = t;
    tally.receptionEvents += stop - start;
    let heard = 0;
    let lost = 0;
    let collisions = 0;
    for (let e = start; e < stop; e++) {
      const u = neighbours[e]!;
      nodeAir[u * 4 + RX_COUNT]!--;
      if (edgeEpoch[e] !== nodeAir[u * 4 + RX_EPOCH]) collisions++;
      else if (this.link() >= linkSuccess[e]!) lost++;
      else heardBy[heard++] = u;
    }
    tally.collisions += collisions;
    this.heard = heard;
    this.lost = lost;
    this.onAir[v] = -1;
  }

  /**
   * Ends v's unicast frame at t. Every neighbour heard it (it occupied their air and could
   * collide with their receptions); only `to` takes it, if its reception stayed clean, with its
   * link's probability. The sender learns the outcome at once (implicit acknowledgement).
   * @returns whether `to` took it
   */
  hearUnicast(v: number, to: number, t: number): boolean {
    const { nodeAir, neighbours, edgeEpoch, tally } = this;
    const start = this.offsets[v]!;
    const stop = this.offsets[v + 1]!;
    if (t > tally.lastS) tally.lastS = t;
    tally.receptionEvents += stop - start;
    let taken = false;
    for (let e = start; e < stop; e++) {
      const u = neighbours[e]!;
      nodeAir[u * 4 + RX_COUNT]!--;
      if (u !== to) continue;
      if (edgeEpoch[e] !== nodeAir[u * 4 + RX_EPOCH]) tally.collisions++;
      else if (this.link() < this.linkSuccess[e]!) taken = true;
    }
    this.onAir[v] = -1;
    return taken;
  }

  /**
   * Wait before v first tries to send frame f: a broadcast frame waits the forwarding jitter
   * (the radio's per-hop delay), a unicast frame only a MAC backoff, uniform up to `deferMaxS`.
   */
  private wait(f: number): number {
    return this.frames.kind[f] === BROADCAST_FRAME ? this.jitter() : this.defer() * this.deferMaxS;
  }
}
