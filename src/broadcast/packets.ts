import { createQueue, type EventQueue, type QueueKind } from '../engine/queue.js';
import { derive, type CompiledMesh } from '../network/mesh.js';
import { counterKey, type CounterKey } from '../random/counter.js';
import { delayMaxS, delayMinS, linkDelays, type LinkDelays } from '../random/distributions.js';
import { packetDelaysPath, packetLinksPath } from '../random/purposes.js';
import {
  floodPacket,
  firstArrivals,
  floodPacketPerOrigin,
  floodScratch,
  loadLastHeard,
  relayBits,
  storeLastHeard,
  type FloodState,
} from './flood.js';
import type { PassDraws, PreparedPass } from './prepared.js';

/** The arrays a flood writes: the pass's own, or a worker's partial copies. @internal */
export type FloodOutputs = Pick<
  FloodState,
  | 'tanks'
  | 'missing'
  | 'lastNeededS'
  | 'lastHeardS'
  | 'counters'
  | 'earliestAndHeardS'
  | 'hops'
  | 'reached'
  | 'windows'
  | 'batch'
  | 'batchSpare'
  | 'digitCounts'
  | 'heardBy'
  | 'heardAt'
  | 'queue'
> & {
  /** Where to write the pass's relay bits (⌈n / 32⌉ words). */
  readonly relays: Int32Array;
};

/** A flood state over a prepared pass's read-only inputs and the given outputs. @internal */
export function floodState(p: PreparedPass, out: FloodOutputs): FloodState {
  return {
    offsets: p.mesh.offsets,
    neighbours: p.mesh.neighbours,
    linkSuccess: p.mesh.linkSuccess,
    stride: p.state.stride,
    sharedTanks: false,
    origins: p.spec.origins,
    perOrigin: p.spec.duplicates === 'per-origin',
    maxHops: p.spec.maxHops,
    ttlS: p.spec.ttlS,
    airtimeS: p.radio.airtimeS,
    minDelayS: delayMinS(p.radio.delay),
    maxDelayS: delayMaxS(p.radio.delay),
    ...out,
    heldStart: p.state.heldStart,
    heldTanks: p.state.heldTanks,
    relays: relayBits(p.forwards, out.relays),
  };
}

/** The flood's working arrays, without the pass's own outputs and the event queue. */
type FloodScratch = Omit<FloodOutputs, 'tanks' | 'missing' | 'lastNeededS' | 'lastHeardS' | 'counters' | 'queue'>;

/**
 * The flood workspace of a mesh on this thread (earliest arrival, last heard and hop count per
 * node, relay bits, one transmission's copies, event queues by kind with their grown
 * pools and adapted widths), kept with the mesh ({@link CompiledMesh.derived}) between passes:
 * floods set what they use and runs are synchronous, so one set per mesh is enough, and it saves
 * allocating (and faulting in) 28 bytes per node and a grown queue for every pass.
 */
function workspace(mesh: CompiledMesh, kind: QueueKind): FloodScratch & { readonly queue: EventQueue } {
  const w = derive(mesh, 'broadcast/flood-workspace', () => ({
    ...floodScratch(mesh.offsets),
    relays: new Int32Array((mesh.n + 31) >> 5),
    queues: new Map<QueueKind, EventQueue>(),
  }));
  let queue = w.queues.get(kind);
  if (queue === undefined) w.queues.set(kind, (queue = createQueue(kind, 1024)));
  return {
    earliestAndHeardS: w.earliestAndHeardS,
    hops: w.hops,
    reached: w.reached,
    windows: w.windows,
    batch: w.batch,
    batchSpare: w.batchSpare,
    digitCounts: w.digitCounts,
    relays: w.relays,
    heardBy: w.heardBy,
    heardAt: w.heardAt,
    queue,
  };
}

/**
 * Floods every packet of a prepared pass (contention off) on this thread, into the pass's state.
 * @param flooded - called after each packet (progress of a long pass)
 * @internal
 */
export function floodPass(p: PreparedPass, flooded?: () => void): void {
  const { state } = p;
  const flood = floodState(p, {
    tanks: state.tanks,
    missing: state.missing,
    lastNeededS: state.lastNeededS,
    lastHeardS: state.lastHeardS,
    counters: state.counters,
    ...workspace(p.mesh, p.queue),
  });
  const all = new Int32Array(p.spec.segments);
  for (let j = 0; j < all.length; j++) all[j] = j;
  floodSegments(flood, p.draws, all, flooded);
}

/**
 * Floods the packets with pass indices `js` (segment firstSegment + j, sent at startS + j ·
 * spacingS), each with its own streams: the same draws wherever and in whatever order it runs.
 * @param flooded - called after each packet
 * @internal
 */
export function floodSegments(flood: FloodState, d: PassDraws, js: Int32Array, flooded?: () => void): void {
  let i = 0;
  floodEach(flood, d, () => (i < js.length ? js[i++]! : -1), flooded);
}

/**
 * {@link floodSegments} over the pass indices `next` hands out one by one until it returns -1
 * (threads taking packets from one shared counter as they get free).
 * @internal
 */
export function floodEach(flood: FloodState, d: PassDraws, next: () => number, flooded?: () => void): void {
  loadLastHeard(flood);
  if (flood.perOrigin && flood.origins.length > 1) {
    floodSegmentsPerOrigin(flood, d, next, flooded);
  } else {
    for (let j = next(); j >= 0; j = next()) {
      const segment = d.firstSegment + j;
      floodPacket(flood, segment, d.startS + j * d.spacingS, packetLinkKey(d, segment), packetDelays(d, segment));
      flooded?.();
    }
  }
  storeLastHeard(flood);
}

/** The link-trial stream of a packet (of one origin's copy of it). */
function packetLinkKey(d: PassDraws, segment: number, origin = 0): CounterKey {
  return counterKey(d.seed, ...packetLinksPath(d.replication, d.pass, segment, origin));
}

/** The hop delays of a packet (of one origin's copy of it). */
function packetDelays(d: PassDraws, segment: number, origin = 0): LinkDelays {
  return linkDelays(d.delay, counterKey(d.seed, ...packetDelaysPath(d.replication, d.pass, segment, origin)));
}

/**
 * {@link floodSegments} with one message per origin: origin 0 uses the packet's streams (so a
 * single origin gives the same draws either way), origin i > 0 streams of its own.
 */
function floodSegmentsPerOrigin(flood: FloodState, d: PassDraws, next: () => number, flooded?: () => void): void {
  const n = flood.hops.length;
  const noTanks = new Int32Array(n + 1);
  const perOrigin = Array.from(flood.origins, (_, i) => ({
    ...flood,
    origins: flood.origins.subarray(i, i + 1),
    heldStart: noTanks,
    perOrigin: false,
  }));
  const first = firstArrivals(n);
  for (let j = next(); j >= 0; j = next()) {
    const segment = d.firstSegment + j;
    const links = perOrigin.map((_, i) => packetLinkKey(d, segment, i));
    const delays = perOrigin.map((_, i) => packetDelays(d, segment, i));
    floodPacketPerOrigin(flood, perOrigin, first, segment, d.startS + j * d.spacingS, links, delays);
    flooded?.();
  }
}
