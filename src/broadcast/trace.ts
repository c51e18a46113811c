import FastPriorityQueue from 'fastpriorityqueue';
import { ValidationError } from '../errors.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { ResolvedRadio } from '../radio/radio.js';
import { counterKey, counterUniform } from '../random/counter.js';
import { linkDelays } from '../random/distributions.js';
import { handoffPath, packetDelaysPath, packetLinksPath } from '../random/purposes.js';
import { createStream, type Seed } from '../random/stream.js';
import { afterS } from './flood.js';
import { handOff, type ResolvedHandoff } from './handoff.js';
import { atHopLimit, packetExpiryS, pastExpiry } from './limits.js';
import type { PassSpec } from './spec.js';
import { takePacket } from './tank.js';
import { selectTargets, type TargetSelection } from './targets.js';

/**
 * Largest network a trace follows, in devices. A trace writes an event per copy of every packet:
 * about twice the RF links × the packets × the passes (a 1,000-meter utility area, 12
 * neighbours each, 200 packets: ~5 million events, ~0.5 GB of NDJSON per pass).
 */
export const TRACE_MAX_DEVICES = 2000;

/**
 * What became of one copy of a packet, or of a node holding one:
 * - `first`: the first copy of this message to reach the node (the head-end's injection at an
 *   origin is one): it takes the packet, and forwards it unless its hop count is Maximum Hops;
 * - `duplicate`: a later copy of the same message, in time (ignored);
 * - `expired`: a copy arriving after the packet's TTL (dropped);
 * - `lost`: a copy the link trial lost (its time is the sender's);
 * - `hop-limited`: the node (`from`) holds the packet at Maximum Hops and does not forward it;
 * - `handoff` / `handoff-failed`: a gas / water module's image handed over by its parent, or
 *   every attempt of the pass failed (its time is when the parent was ready).
 */
export type TraceOutcome = 'first' | 'duplicate' | 'expired' | 'lost' | 'hop-limited' | 'handoff' | 'handoff-failed';

/** One event of a trace. @internal */
export interface TraceEvent {
  /** Pass index (0 for a first pass). */
  readonly pass: number;
  /** Clock time, seconds. */
  readonly t: number;
  /** Sending node's dense index (-1: the head-end). */
  readonly from: number;
  /** Receiving node's dense index (-1: none, for `hop-limited`). */
  readonly to: number;
  /** Image segment (packet) index; -1 for hand-offs. */
  readonly packet: number;
  /**
   * With one message per collector (`duplicates: 'per-origin'`), the index of the origin whose
   * message this is; 0 otherwise.
   */
  readonly message: number;
  /** Hop count the copy carries on arrival (1 at the origin); 0 for hand-offs. */
  readonly hops: number;
  /** What became of it. */
  readonly outcome: TraceOutcome;
}

/** The tanks a traced pass ends with: what a traced repeat pass continues from. @internal */
export interface TraceState {
  /** Who the targets are and where their tanks live. */
  readonly selection: TargetSelection;
  /** Tank bitmap, `stride` bytes per target (bit = 1 while the packet is missing). */
  readonly tanks: Uint8Array;
  /** Bytes per tank. */
  readonly stride: number;
  /** Missing packets per target. */
  readonly missing: Int32Array;
  /** Latest arrival among the packets each tank needed (its completion time once complete). */
  readonly lastNeededS: Float64Array;
  /** When each target's hand-off completed (NaN: not yet), for gas / water modules. */
  readonly handoffCompletedS: Float64Array;
}

/** What a traced pass runs: the pass as the fast path ran it, and the options it ran with. @internal */
export interface TracedPass {
  /** The mesh. */
  readonly mesh: CompiledMesh;
  /** The pass's spec, bound to the mesh (a `BroadcastResult`'s `spec`). */
  readonly spec: PassSpec;
  /** Root seed. */
  readonly seed: Seed;
  /** Replication index. */
  readonly replication: number;
  /** Pass index. */
  readonly pass: number;
  /** Radio model (contention off). */
  readonly radio: ResolvedRadio;
  /** Hand-off model. */
  readonly handoff: ResolvedHandoff;
  /** The traced pass this one continues, or null for a first pass. */
  readonly previous: TraceState | null;
}

/** One copy on its way to a node: the event the queue orders. */
interface Copy {
  readonly t: number;
  readonly seq: number;
  readonly from: number;
  readonly node: number;
  readonly hop: number;
}

/**
 * Follows one broadcast pass copy by copy, as the obvious event-per-copy simulation does: every
 * copy of every packet is an event in a priority queue ordered by (time, hop count, sequence);
 * a node takes the first copy of each message it gets and counts every later one as a
 * duplicate. It draws the same counter-based link trials and hop delays as the fast path
 * (`floodPacket`: the copy over link e is draw e of its packet's streams), so it ends with the
 * same tanks and completion times (a test compares them). Written for clarity, not speed — the
 * fast path never calls it — and only for contention off (on the shared air, frames queue and
 * collide: another simulation).
 * @param input - the pass and the state it continues from
 * @param onEvent - called for every event, in each packet's (and message's) time order
 * @returns the pass's tanks
 * @throws ValidationError when the network has more than {@link TRACE_MAX_DEVICES} devices or
 *   contention is on
 * @internal
 */
export function tracePass(input: TracedPass, onEvent: (e: TraceEvent) => void): TraceState {
  const { mesh, spec, seed, replication, pass, radio, handoff, previous } = input;
  if (mesh.n > TRACE_MAX_DEVICES) {
    throw new ValidationError('network', `${mesh.n} devices`, `at most ${TRACE_MAX_DEVICES} devices to trace`);
  }
  if (radio.contention !== 'none') {
    throw new ValidationError('radio.contention', 'csma', "'none' to trace (floods on the shared air are not traced)");
  }
  const selection = previous?.selection ?? selectTargets(mesh, spec.targets);
  const stride = (spec.packets + 7) >> 3;
  const tanks = previous === null ? freshTanks(selection.targetNodes.length, spec.packets) : previous.tanks.slice();
  const missing = previous?.missing.slice() ?? new Int32Array(selection.targetNodes.length).fill(spec.packets);
  const lastNeededS = previous?.lastNeededS.slice() ?? new Float64Array(selection.targetNodes.length).fill(-Infinity);
  const handoffCompletedS =
    previous?.handoffCompletedS.slice() ?? new Float64Array(selection.targetNodes.length).fill(NaN);
  const isOrigin = new Uint8Array(mesh.n);
  for (const o of spec.origins) isOrigin[o] = 1;
  // Every mesh relay forwards but collectors that are not origins (as `preparePass` decides).
  const forwards = (v: number): boolean => (mesh.collectors.includes(v) ? isOrigin[v] === 1 : mesh.relays[v] === 1);
  const perOrigin = spec.duplicates === 'per-origin' && spec.origins.length > 1;
  const messages: number[][] = perOrigin ? Array.from(spec.origins, (o) => [o]) : [Array.from(spec.origins)];
  const events: TraceEvent[] = [];
  const emit = (e: TraceEvent): number => events.push(e);
  for (let j = 0; j < spec.segments; j++) {
    const segment = spec.firstSegment + j;
    const sendS = spec.startS + j * spec.spacingS;
    const expiryS = packetExpiryS(sendS, spec.ttlS);
    // Each node's earliest copy of this packet over every message: when its tanks take it.
    const earliest = new Map<number, number>();
    messages.forEach((starts, message) => {
      const link = counterKey(seed, ...packetLinksPath(replication, pass, segment, message));
      const delay = linkDelays(radio.delay, counterKey(seed, ...packetDelaysPath(replication, pass, segment, message)));
      const queue = new FastPriorityQueue<Copy>(
        (a, b) => a.t < b.t || (a.t === b.t && (a.hop < b.hop || (a.hop === b.hop && a.seq < b.seq))),
      );
      let seq = 0;
      for (const o of starts) queue.add({ t: sendS, seq: seq++, from: -1, node: o, hop: 1 });
      const has = new Set<number>();
      while (!queue.isEmpty()) {
        const c = queue.poll()!;
        const base = { pass, t: c.t, from: c.from, to: c.node, packet: segment, message, hops: c.hop };
        if (has.has(c.node)) {
          emit({ ...base, outcome: 'duplicate' });
          continue;
        }
        has.add(c.node);
        emit({ ...base, outcome: 'first' });
        if (!(earliest.get(c.node)! <= c.t)) earliest.set(c.node, c.t);
        if (!forwards(c.node)) continue;
        if (atHopLimit(c.hop, spec.maxHops)) {
          emit({ ...base, from: c.node, to: -1, outcome: 'hop-limited' });
          continue;
        }
        for (let e = mesh.offsets[c.node]!; e < mesh.offsets[c.node + 1]!; e++) {
          const u = mesh.neighbours[e]!;
          if (counterUniform(link.k0, link.k1, e) >= mesh.linkSuccess[e]!) {
            emit({ pass, t: c.t, from: c.node, to: u, packet: segment, message, hops: c.hop + 1, outcome: 'lost' });
            continue;
          }
          const sum = c.t + delay.at(e) + radio.airtimeS;
          const ta = sum > c.t ? sum : afterS(c.t); // a hop always takes time on the clock
          if (pastExpiry(ta, expiryS)) {
            emit({ pass, t: ta, from: c.node, to: u, packet: segment, message, hops: c.hop + 1, outcome: 'expired' });
            continue;
          }
          queue.add({ t: ta, seq: seq++, from: c.node, node: u, hop: c.hop + 1 });
        }
      }
    });
    // Events of a packet in time order (lost and expired copies were known when sent).
    events.sort((a, b) => a.message - b.message || a.t - b.t);
    for (const e of events) onEvent(e);
    events.length = 0;
    for (const [node, t] of [...earliest].sort((a, b) => a[0] - b[0])) {
      for (let i = selection.heldStart[node]!; i < selection.heldStart[node + 1]!; i++) {
        takePacket(tanks, stride, missing, lastNeededS, selection.heldTanks[i]!, segment, t);
      }
    }
  }
  // Hand-offs to gas / water modules whose parent now holds their whole image (as `finishPass`).
  const { targetNodes, holderOfTarget } = selection;
  for (let t = 0; t < targetNodes.length; t++) {
    const v = targetNodes[t]!;
    if (holderOfTarget[t] === v || !Number.isNaN(handoffCompletedS[t]!) || missing[t] !== 0) continue;
    const readyS = Math.max(lastNeededS[t]!, spec.startS);
    const result = handOff(handoff, readyS, createStream(seed, ...handoffPath(replication, pass, v)));
    const done = !Number.isNaN(result.completedS);
    if (done) handoffCompletedS[t] = result.completedS;
    onEvent({
      pass,
      t: done ? result.completedS : readyS,
      from: holderOfTarget[t]!,
      to: v,
      packet: -1,
      message: 0,
      hops: 0,
      outcome: done ? 'handoff' : 'handoff-failed',
    });
  }
  return { selection, tanks, stride, missing, lastNeededS, handoffCompletedS };
}

/** Full tanks: every packet missing, bits past the image never missing. */
function freshTanks(count: number, packets: number): Uint8Array {
  const stride = (packets + 7) >> 3;
  const tanks = new Uint8Array(count * stride).fill(0xff);
  const spare = stride * 8 - packets;
  if (spare > 0) for (let r = 1; r <= count; r++) tanks[r * stride - 1] = 0xff >> spare;
  return tanks;
}

/**
 * When target t of a traced pass completed (NaN: not complete): with its tank, or at the end of
 * its hand-off for a gas / water module.
 * @param state - what {@link tracePass} returned
 * @param t - target number
 * @internal
 */
export function traceCompletionS(state: TraceState, t: number): number {
  if (state.selection.holderOfTarget[t] !== state.selection.targetNodes[t]) return state.handoffCompletedS[t]!;
  return state.missing[t] === 0 ? state.lastNeededS[t]! : NaN;
}
