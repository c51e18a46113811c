import { grown } from '../engine/grow.js';
import type { Air } from '../radio/air.js';
import type { AirClock } from '../radio/air-clock.js';
import { BROADCAST_FRAME } from '../radio/frame-pool.js';
import type { AirTraffic, BroadcastSpan } from '../traffic/air-traffic.js';
import { COUNTER } from './counters.js';
import { atHopLimit, packetExpiryS, pastExpiry } from './limits.js';
import type { PassSpec } from './spec.js';
import type { PassState } from './state.js';
import { takePacket } from './tank.js';

/** What forwarding on the shared air needs of a pass (a prepared pass is one). */
export interface AirPass {
  /** The pass's spec: origins, packets, pacing, limits, duplicate suppression. */
  readonly spec: Pick<
    PassSpec,
    'origins' | 'segments' | 'firstSegment' | 'spacingS' | 'ttlS' | 'maxHops' | 'duplicates'
  >;
  /** Its timing: packet j is sent at startS + j · spacingS. */
  readonly draws: { readonly startS: number };
  /** Its tanks, counters and last-heard times, written as packets arrive. */
  readonly state: PassState;
  /** 1 where a node forwards in this pass. */
  readonly forwards: Uint8Array;
}

/**
 * The span of the broadcasts on the air: first send, and last packet's expiry.
 * @internal
 */
export function broadcastSpan(passes: readonly AirPass[]): BroadcastSpan {
  let firstSendS = Infinity;
  let lastPacketEndS = -Infinity;
  for (const p of passes) {
    firstSendS = Math.min(firstSendS, p.draws.startS);
    const lastSendS = p.draws.startS + (p.spec.segments - 1) * p.spec.spacingS;
    lastPacketEndS = Math.max(lastPacketEndS, packetExpiryS(lastSendS, p.spec.ttlS));
  }
  return { firstSendS, lastPacketEndS };
}

/**
 * Broadcast forwarding on the shared air (docs/model.md "Contention"): every packet of every
 * pass, from every origin, as frames on one {@link Air}. A node takes its first copy of a
 * packet into its tank and forwards its first copy — or, with per-origin duplicates, its first
 * copy from each origin — as a frame on its transmit queue, unless Maximum Hops stops it; a
 * copy after the packet's Maximum TTL is dropped (the rules of `limits.ts`).
 *
 * Which nodes hold which packets is a ring of slots per pass (packets in flight, ⌈TTL /
 * spacing⌉ + 2), cleared as each packet is sent, not nodes × packets; per-origin duplicates add
 * a bit per (slot, origin, node). Packets are numbered over all passes (pass b's packet j is
 * `first[b] + j`), which is what the air's frames carry.
 * @internal
 */
export class AirFlood {
  /** When the last broadcast frame left the air (-Infinity: none did). */
  lastFrameEndS = -Infinity;
  private readonly sendEvent: number;
  private readonly n: number;
  // Per pass: ring slots, seen bits (slot × n + node), last packet whose slot was cleared,
  // per-origin words per slot (0: duplicates per packet) and forwarded bits.
  private readonly ring: Int32Array;
  private readonly seen: Uint8Array[];
  private readonly cleared: Int32Array;
  private readonly originWords: Int32Array;
  private readonly forwarded: Uint32Array[];
  // Per packet (over all passes): pass, index in the pass, expiry.
  private readonly packetPass: Int32Array;
  private readonly packetIndex: Int32Array;
  private readonly packetEndS: Float64Array;
  // Per head-end send (a packet from one origin): packet, origin index.
  private readonly sendPacket: Int32Array;
  private readonly sendOrigin: Int32Array;
  // Per frame (indexed like the air's frame pool): hop count, origin index.
  private hop = new Int32Array(0);
  private origin = new Int32Array(0);

  /**
   * @param passes - the passes sharing the air (numbered 0 …, in this order)
   * @param traffic - told when a node completes the image (completion reports)
   */
  constructor(
    private readonly passes: readonly AirPass[],
    private readonly air: Air,
    private readonly clock: AirClock,
    private readonly traffic: AirTraffic,
    nodes: number,
  ) {
    const n = nodes;
    this.n = n;
    this.sendEvent = clock.reserve();
    const count = passes.length;
    this.ring = new Int32Array(count);
    this.cleared = new Int32Array(count).fill(-1);
    this.originWords = new Int32Array(count);
    this.seen = [];
    this.forwarded = [];
    let packets = 0;
    let sends = 0;
    passes.forEach((p, b) => {
      const ring = Math.min(Math.ceil(p.spec.ttlS / Math.max(p.spec.spacingS, 1e-9)) + 2, p.spec.segments);
      const words =
        p.spec.duplicates === 'per-origin' && p.spec.origins.length > 1
          ? Math.ceil((p.spec.origins.length * n) / 32)
          : 0;
      this.ring[b] = ring;
      this.originWords[b] = words;
      this.seen.push(new Uint8Array(n * ring));
      this.forwarded.push(new Uint32Array(words * ring));
      packets += p.spec.segments;
      sends += p.spec.segments * p.spec.origins.length;
    });
    this.packetPass = new Int32Array(packets);
    this.packetIndex = new Int32Array(packets);
    this.packetEndS = new Float64Array(packets);
    this.sendPacket = new Int32Array(sends);
    this.sendOrigin = new Int32Array(sends);
    let k = 0;
    for (let b = 0; b < count; b++) {
      const p = passes[b]!;
      for (let j = 0; j < p.spec.segments; j++, k++) {
        this.packetPass[k] = b;
        this.packetIndex[k] = j;
        this.packetEndS[k] = packetExpiryS(this.sendS(b, j), p.spec.ttlS);
      }
    }
  }

  /** Schedules every origin's injection of every packet (all known up front). */
  start(): void {
    let k = 0;
    let id = 0;
    this.passes.forEach((p, b) => {
      for (let j = 0; j < p.spec.segments; j++, k++) {
        for (let i = 0; i < p.spec.origins.length; i++, id++) {
          this.sendPacket[id] = k;
          this.sendOrigin[id] = i;
          this.clock.schedule(this.sendS(b, j), this.sendEvent, id);
        }
      }
    });
  }

  /** Whether events of this type are the flood's (head-end sends). */
  handles(type: number): boolean {
    return type === this.sendEvent;
  }

  /** Head-end send `id` at t: an origin gets its packet from the head-end, with hop count 1. */
  send(id: number, t: number): void {
    const k = this.sendPacket[id]!;
    const b = this.packetPass[k]!;
    const j = this.packetIndex[k]!;
    if (this.cleared[b]! < j) {
      // A new packet of pass b: its ring slot held a packet long expired.
      this.cleared[b] = j;
      const slot = j % this.ring[b]!;
      const words = this.originWords[b]!;
      this.seen[b]!.fill(0, slot * this.n, (slot + 1) * this.n);
      this.forwarded[b]!.fill(0, slot * words, (slot + 1) * words);
    }
    const p = this.passes[b]!;
    const i = this.sendOrigin[id]!;
    const o = p.spec.origins[i]!;
    const lastHeard = p.state.lastHeardS;
    if (!(lastHeard[o]! >= t)) lastHeard[o] = t;
    this.deliver(o, k, i, 1, t);
  }

  /**
   * Node v's broadcast frame f leaves the air at t: every neighbour the air says took it hears
   * the packet (last-heard time); in-time copies go to {@link AirFlood.deliver}, except copies
   * to nodes that already hold the packet and may not forward another origin's copy — the
   * common case, only counted.
   */
  frameEnd(v: number, f: number, t: number): void {
    const air = this.air;
    const k = air.frames.packet[f]!;
    const b = this.packetPass[k]!;
    const j = this.packetIndex[k]!;
    const h = this.hop[f]!;
    const o = this.origin[f]!;
    const counters = this.passes[b]!.state.counters;
    const lastHeard = this.passes[b]!.state.lastHeardS;
    const expiryS = this.packetEndS[k]!;
    if (t > this.lastFrameEndS) this.lastFrameEndS = t;
    air.hearBroadcast(v, t);
    const { heardBy, heard } = air;
    const seen = this.seen[b]!;
    const slotBase = (j % this.ring[b]!) * this.n;
    const countOnly = this.originWords[b] === 0;
    let expired = 0;
    let duplicates = 0;
    for (let i = 0; i < heard; i++) {
      const u = heardBy[i]!;
      if (!(lastHeard[u]! >= t)) lastHeard[u] = t;
      if (pastExpiry(t, expiryS)) {
        expired++;
        continue;
      }
      if (countOnly && seen[slotBase + u] === 1) {
        duplicates++;
        continue;
      }
      this.deliver(u, k, o, h, t);
    }
    counters[COUNTER.transmissions]!++;
    counters[COUNTER.lost]! += air.lost;
    counters[COUNTER.receptions]! += heard;
    counters[COUNTER.expired]! += expired;
    counters[COUNTER.duplicates]! += duplicates;
    air.release(f, t);
    air.resume(v, t);
  }

  /**
   * Node u gets packet k, injected at origin index o, at t with hop count h: a first copy goes
   * to the tank; the node forwards its first copy, or with per-origin duplicates its first copy
   * from each origin.
   */
  private deliver(u: number, k: number, o: number, h: number, t: number): void {
    const b = this.packetPass[k]!;
    const j = this.packetIndex[k]!;
    const p = this.passes[b]!;
    const st = p.state;
    const counters = st.counters;
    const seen = this.seen[b]!;
    const slot = j % this.ring[b]!;
    const at = slot * this.n + u;
    const held = seen[at] === 1;
    // Whether u may still forward this copy: its first of the packet, or of this origin's copy.
    let fresh = !held;
    const words = this.originWords[b]!;
    if (words > 0) {
      const bit = slot * words * 32 + o * this.n + u;
      const fw = this.forwarded[b]!;
      fresh = (fw[bit >>> 5]! & (1 << (bit & 31))) === 0;
      fw[bit >>> 5] = fw[bit >>> 5]! | (1 << (bit & 31));
    }
    if (held) {
      counters[COUNTER.duplicates]!++;
      if (fresh) this.forward(u, k, o, h, t);
      return;
    }
    seen[at] = 1;
    counters[COUNTER.reached]!++;
    for (let i = st.heldStart[u]!, end = st.heldStart[u + 1]!; i < end; i++) {
      const tank = st.heldTanks[i]!;
      if (takePacket(st.tanks, st.stride, st.missing, st.lastNeededS, tank, p.spec.firstSegment + j, t)) {
        this.traffic.completed(u, t, b, tank); // an image is complete here
      }
    }
    this.forward(u, k, o, h, t);
  }

  /** Queues u's forward of packet k from origin index o, if u relays and Maximum Hops allows. */
  private forward(u: number, k: number, o: number, h: number, t: number): void {
    const p = this.passes[this.packetPass[k]!]!;
    if (p.forwards[u] === 0) return;
    if (atHopLimit(h, p.spec.maxHops)) {
      p.state.counters[COUNTER.hopLimited]!++;
      return;
    }
    const f = this.air.frames.alloc(BROADCAST_FRAME, t, this.packetEndS[k]!, k);
    if (f >= this.hop.length) {
      this.hop = grown(this.hop, this.air.frames.capacity);
      this.origin = grown(this.origin, this.air.frames.capacity);
    }
    this.hop[f] = h + 1;
    this.origin[f] = o;
    this.air.enqueue(u, f, t);
  }

  /** Head-end send time of pass b's packet j. */
  private sendS(b: number, j: number): number {
    const p = this.passes[b]!;
    return p.draws.startS + j * p.spec.spacingS;
  }
}
