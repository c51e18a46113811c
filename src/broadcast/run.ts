import { checkQueueKind, createQueue } from '../engine/simulator.js';
import type { EventQueue, QueueKind } from '../engine/queue.js';
import { checkObject, reroot } from '../check.js';
import { ValidationError } from '../errors.js';
import { compile } from '../network/compile.js';
import type { CompiledMesh } from '../network/mesh.js';
import { Network } from '../network/network.js';
import { checkRadio, type ResolvedRadio, type RadioOptions } from '../radio/radio.js';
import { counterKey, type CounterKey } from '../random/counter.js';
import { delayMaxS, delayMinS, linkDelays, type DelaySpec, type LinkDelays } from '../random/distributions.js';
import { createStream, type Seed } from '../random/stream.js';
import { handoffPath, packetDelaysPath, packetLinksPath, passPath, sharedAirPath } from '../random/purposes.js';
import { VERSION } from '../version.js';
import { runContended, type AirStats } from './contention.js';
import {
  floodPacket,
  floodPacketPerOrigin,
  floodScratch,
  loadLastHeard,
  relayBits,
  storeLastHeard,
  takerRows,
  type FloodState,
} from './flood.js';
import { handOff, checkHandoff, type ResolvedHandoff, type HandoffOptions } from './handoff.js';
import { BroadcastResult, type PassState } from './result.js';
import { resolveSpec, type BroadcastSpec, type ResolvedSpec } from './spec.js';
import { selectTargets } from './targets.js';

/** How a pass is run (as opposed to what the head-end sends, which is the spec). */
export interface RunOptions {
  /** Root seed of every random stream. @defaultValue 0 */
  readonly seed?: Seed;
  /** Replication index (Monte Carlo studies): part of every stream's derivation. @defaultValue 0 */
  readonly replication?: number;
  /** ResolvedRadio model. */
  readonly radio?: RadioOptions;
  /** Child-module hand-off model. */
  readonly handoff?: HandoffOptions;
  /**
   * An earlier pass of the same image on the same network: this pass starts from its tanks
   * and targets (a repeat broadcast fills only the gaps), is numbered one higher and, unless
   * the spec gives `startS`, starts when the earlier pass's traffic has died out.
   */
  readonly previous?: BroadcastResult;
  /** Event queue implementation (all give identical results). @defaultValue 'ladder' */
  readonly queue?: QueueKind;
}

/** The fields of {@link RunOptions}. @internal */
export const RUN_OPTIONS = ['seed', 'replication', 'radio', 'handoff', 'previous', 'queue'] as const;

/**
 * Runs one broadcast pass and returns its result.
 *
 * @param network - the network, or a mesh already compiled from it
 * @param spec - what the head-end sends: origins, image size, pacing, Maximum Hops / TTL, targets
 * @param options - seed, radio model, hand-off model, and the pass to continue from
 * @example
 * ```ts
 * const net = generators.line({ meters: 5, success: 0.9 });
 * const pass1 = runBroadcast(net, { origins: ['C1'], packets: 24, maxHops: 6, ttlS: 60 }, { seed: 1 });
 * const pass2 = runBroadcast(net, { origins: ['C1'], packets: 24, maxHops: 6, ttlS: 60 }, { seed: 1, previous: pass1 });
 * pass2.coverage >= pass1.coverage; // true
 * ```
 */
export function runBroadcast(
  network: Network | CompiledMesh,
  spec: BroadcastSpec,
  options: RunOptions = {},
): BroadcastResult {
  checkObject('options', options, RUN_OPTIONS, 'run options');
  const p = preparePass(network, spec, options);
  const { mesh, s, state } = p;
  if (p.radio.contention !== 'none') return runContendedPass(p);
  const flood = floodState(p, {
    tanks: state.tanks,
    missing: state.missing,
    lastNeededS: state.lastNeededS,
    lastHeardS: state.lastHeardS,
    counters: state.counters,
    ...scratchFor(mesh, options.queue ?? 'ladder'),
  });
  const all = new Int32Array(s.segments);
  for (let j = 0; j < s.segments; j++) all[j] = j;
  floodSegments(flood, p.draws, all);
  return finishPass(p);
}

/**
 * A prepared pass with contention on: its packets share the air, so they run together in the
 * contention engine, on this thread.
 * @internal
 */
export function runContendedPass(p: PreparedPass): BroadcastResult {
  if (p.radio.contention === 'none') throw new Error('runContendedPass needs contention on');
  const air = runContended([p], p.radio.contention, passPath(p.draws.replication, p.draws.pass));
  return finishPass(p, air.stats, air.nodeAirtimeS);
}

type FloodScratch = Pick<
  FloodState,
  'times' | 'hops' | 'windows' | 'batch' | 'batchSpare' | 'digitCounts' | 'relays' | 'heardBy' | 'heardAt' | 'rowOf'
>;
/** Per mesh: the scratch arrays, and event queues by kind (kept with their grown pools and adapted bucket widths). */
const scratch = new WeakMap<CompiledMesh, FloodScratch & { readonly queues: Map<QueueKind, EventQueue> }>();

/**
 * The flood scratch of a mesh (earliest arrival, last heard and hop count per node, tank rows
 * and relay bits, one transmission's copies, event queues), kept between passes: floods set
 * what they use, and runs are synchronous, so one set per mesh is enough and saves allocating
 * (and faulting in) 28 bytes per node and a grown queue for every pass.
 */
function scratchFor(mesh: CompiledMesh, kind: QueueKind): FloodScratch & { readonly queue: EventQueue } {
  let s = scratch.get(mesh);
  if (s === undefined) {
    const n = mesh.n;
    scratch.set(
      mesh,
      (s = {
        ...floodScratch(mesh.offsets),
        rowOf: new Int32Array(n),
        relays: new Int32Array((n + 31) >> 5),
        queues: new Map(),
      }),
    );
  }
  let queue = s.queues.get(kind);
  if (queue === undefined) s.queues.set(kind, (queue = createQueue(kind, 1024)));
  return {
    times: s.times,
    hops: s.hops,
    windows: s.windows,
    batch: s.batch,
    batchSpare: s.batchSpare,
    digitCounts: s.digitCounts,
    relays: s.relays,
    rowOf: s.rowOf,
    heardBy: s.heardBy,
    heardAt: s.heardAt,
    queue,
  };
}

/** Everything a pass needs once its inputs are checked. @internal */
export interface PreparedPass {
  readonly mesh: CompiledMesh;
  readonly s: ResolvedSpec;
  readonly radio: ResolvedRadio;
  readonly handoff: ResolvedHandoff;
  readonly state: PassState;
  /** 1 where a node forwards in this pass. */
  readonly forwards: Uint8Array;
  readonly draws: PassDraws;
}

/** What decides a pass's random draws and packet timing: enough to flood any of its packets anywhere. @internal */
export interface PassDraws {
  readonly seed: Seed;
  readonly replication: number;
  readonly pass: number;
  readonly delay: DelaySpec;
  readonly startS: number;
  readonly spacingS: number;
  readonly firstSegment: number;
}

/** Checks inputs and sets up a pass's state (fresh, or continued from `options.previous`). @internal */
export function preparePass(network: Network | CompiledMesh, spec: BroadcastSpec, options: RunOptions): PreparedPass {
  if (
    !(network instanceof Network) &&
    !((network as unknown) instanceof Object && (network as Partial<CompiledMesh>).offsets instanceof Int32Array)
  ) {
    throw new ValidationError('network', network, 'a Network or a CompiledMesh');
  }
  const mesh = network instanceof Network ? compile(network) : network;
  const previous = options.previous;
  if (previous !== undefined) {
    if (!(previous instanceof BroadcastResult))
      throw new ValidationError('options.previous', previous, 'a BroadcastResult');
    if (previous.mesh !== mesh)
      throw new ValidationError(
        'options.previous',
        'a pass on another network',
        'a pass on this same network (and revision)',
      );
  }
  const s = resolveSpec(spec, mesh, previous === undefined ? 0 : previous.endS);
  if (previous !== undefined && previous.spec.packets !== s.packets) {
    throw new ValidationError(
      'spec.packets',
      s.packets,
      `the image size of the pass continued (${previous.spec.packets} packets)`,
    );
  }
  const radio = checkRadio(options.radio, 'options.radio');
  const handoff = checkHandoff(options.handoff, 'options.handoff');
  const seed = options.seed ?? 0;
  if (!(typeof seed === 'string' || (typeof seed === 'number' && Number.isFinite(seed)))) {
    throw new ValidationError('options.seed', seed, 'a finite number or a string');
  }
  const replication = options.replication ?? 0;
  if (!Number.isInteger(replication) || replication < 0)
    throw new ValidationError('options.replication', replication, 'an integer >= 0');
  if (options.queue !== undefined) checkQueueKind('options.queue', options.queue);
  const pass = previous === undefined ? 0 : previous.meta.pass + 1;
  const state = previous === undefined ? freshState(mesh, spec, s.packets) : copyState(previous.state);
  // Which nodes forward in this pass: every mesh relay except collectors not selected.
  const forwards = mesh.relays.slice();
  for (const c of mesh.collectors) forwards[c] = 0;
  for (const o of s.origins) forwards[o] = 1;
  const draws: PassDraws = {
    seed,
    replication,
    pass,
    delay: radio.delay,
    startS: s.startS,
    spacingS: s.spacingS,
    firstSegment: s.firstSegment,
  };
  return { mesh, s, radio, handoff, state, forwards, draws };
}

/** The arrays a flood writes: the pass's own, or a worker's partial copies. @internal */
export type FloodOutputs = Pick<
  FloodState,
  | 'tanks'
  | 'missing'
  | 'lastNeededS'
  | 'lastHeardS'
  | 'counters'
  | 'times'
  | 'hops'
  | 'windows'
  | 'batch'
  | 'batchSpare'
  | 'digitCounts'
  | 'heardBy'
  | 'heardAt'
  | 'queue'
> & {
  /** Where to write the pass's tank rows per node (n entries) and relay bits (⌈n / 32⌉ words). */
  readonly rowOf: Int32Array;
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
    origins: p.s.origins,
    perOrigin: p.s.duplicates === 'per-origin',
    maxHops: p.s.maxHops,
    ttlS: p.s.ttlS,
    airtimeS: p.radio.airtimeS,
    minDelayS: delayMinS(p.radio.delay),
    maxDelayS: delayMaxS(p.radio.delay),
    ...out,
    rowOf: takerRows(p.state.holderRow, p.state.accepts, out.rowOf),
    relays: relayBits(p.forwards, out.relays),
  };
}

/**
 * Floods the packets with pass indices `js` (segment firstSegment + j, sent at startS + j ·
 * spacingS), each with its own streams: the same draws wherever and in whatever order it runs.
 * @param flooded - called after each packet
 * @internal
 */
export function floodSegments(flood: FloodState, d: PassDraws, js: Int32Array, flooded?: () => void): void {
  loadLastHeard(flood);
  if (flood.perOrigin && flood.origins.length > 1) {
    floodSegmentsPerOrigin(flood, d, js, flooded);
  } else {
    for (let i = 0; i < js.length; i++) {
      const j = js[i]!;
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
function floodSegmentsPerOrigin(flood: FloodState, d: PassDraws, js: Int32Array, flooded?: () => void): void {
  const n = flood.hops.length;
  const noTanks = new Int32Array(n);
  const perOrigin = Array.from(flood.origins, (_, i) => ({
    ...flood,
    origins: flood.origins.subarray(i, i + 1),
    rowOf: noTanks,
    perOrigin: false,
  }));
  const firstS = new Float64Array(n);
  for (let k = 0; k < js.length; k++) {
    const j = js[k]!;
    const segment = d.firstSegment + j;
    const links = perOrigin.map((_, i) => packetLinkKey(d, segment, i));
    const delays = perOrigin.map((_, i) => packetDelays(d, segment, i));
    floodPacketPerOrigin(flood, perOrigin, firstS, segment, d.startS + j * d.spacingS, links, delays);
    flooded?.();
  }
}

/**
 * Runs several broadcasts at once on one network. With contention on they share the air (one
 * clock: their frames defer to and collide with each other's); with contention off they do not
 * interact and this equals running each alone. Each gets its own result; with contention on,
 * all carry the same `air` statistics.
 * @param network - the network, or a mesh already compiled from it
 * @param specs - the broadcasts (origins, image, pacing, limits, targets)
 * @param options - seed, radio, hand-off (as for {@link runBroadcast}; no `previous`)
 */
export function runBroadcasts(
  network: Network | CompiledMesh,
  specs: readonly BroadcastSpec[],
  options: Omit<RunOptions, 'previous'> = {},
): BroadcastResult[] {
  if (!Array.isArray(specs) || specs.length === 0)
    throw new ValidationError('specs', specs, 'a non-empty list of broadcast specs');
  checkObject(
    'options',
    options,
    RUN_OPTIONS.filter((k) => k !== 'previous'),
    'run options',
  );
  const mesh = network instanceof Network ? compile(network) : network;
  const prepared = specs.map((spec, i) => reroot(`specs[${i}]`, /^spec\.?/, () => preparePass(mesh, spec, options)));
  const first = prepared[0]!;
  if (first.radio.contention === 'none') return specs.map((spec) => runBroadcast(mesh, spec, options));
  const air = runContended(
    prepared,
    first.radio.contention,
    sharedAirPath(first.draws.replication, first.draws.pass, specs.length),
  );
  return prepared.map((p) => finishPass(p, air.stats, air.nodeAirtimeS));
}

/** Hand-offs, then the result. @internal */
export function finishPass(
  p: PreparedPass,
  air: AirStats | null = null,
  nodeAirtimeS: Float64Array | null = null,
): BroadcastResult {
  const { mesh, s, state, draws } = p;
  const { seed, replication, pass } = draws;
  // Targets complete when their holder's row completes — at once for mesh endpoints (see
  // targetCompletionS), after a hand-off for gas / water modules.
  let handoffAttempts = 0;
  let handoffFailures = 0;
  const { targets, targetHolder, holderRow, missing, lastNeededS, handoffCompletedS } = state;
  for (let t = 0; t < handoffCompletedS.length; t++) {
    const v = targets[t]!;
    if (targetHolder[t] === v || !Number.isNaN(handoffCompletedS[t]!)) continue;
    const row = holderRow[targetHolder[t]!]!;
    if (missing[row] !== 0) continue;
    const rowDone = lastNeededS[row]!; // a complete row's last needed packet completed it
    const rng = createStream(seed, ...handoffPath(replication, pass, v));
    const result = handOff(p.handoff, Math.max(rowDone, s.startS), rng);
    handoffAttempts += result.attempts;
    if (Number.isNaN(result.completedS)) handoffFailures++;
    else handoffCompletedS[t] = result.completedS;
  }
  const reachable = reachableFrom(mesh, s.origins, p.forwards);
  return new BroadcastResult(
    mesh,
    s,
    { seed, replication, pass, version: VERSION, contention: p.radio.contention === 'none' ? 'none' : 'csma' },
    { ...state, handoffAttempts, handoffFailures },
    reachable,
    air,
    nodeAirtimeS,
  );
}

/** Full tanks for a first pass over a cached target selection. */
function freshState(mesh: CompiledMesh, spec: BroadcastSpec, packets: number): PassState {
  const sel = selectTargets(mesh, spec.targets);
  const rows = sel.rowHolder.length;
  const stride = (packets + 7) >> 3;
  // Tanks live in shared memory so parallel floods can fill them in place.
  const tanks = new Uint8Array(new SharedArrayBuffer(rows * stride)).fill(0xff);
  const spare = stride * 8 - packets; // bits past the image are never missing
  if (spare > 0 && stride === 1) tanks.fill(0xff >> spare);
  else if (spare > 0) for (let r = 1; r <= rows; r++) tanks[r * stride - 1] = 0xff >> spare;
  return {
    ...sel,
    tanks,
    stride,
    missing: new Int32Array(rows).fill(packets),
    lastNeededS: new Float64Array(rows).fill(-Infinity),
    handoffCompletedS: new Float64Array(sel.handsOff ? sel.targets.length : 0).fill(NaN),
    lastHeardS: new Float64Array(mesh.n).fill(NaN),
    counters: new Float64Array(8),
    handoffAttempts: 0,
    handoffFailures: 0,
  };
}

/** A continuing pass's own copy of the earlier state (results stay immutable); counters restart. */
function copyState(p: PassState): PassState {
  return {
    ...p,
    tanks: sharedCopy(p.tanks),
    missing: p.missing.slice(),
    lastNeededS: p.lastNeededS.slice(),
    handoffCompletedS: p.handoffCompletedS.slice(),
    lastHeardS: p.lastHeardS.slice(),
    counters: new Float64Array(8),
    handoffAttempts: 0,
    handoffFailures: 0,
  };
}

/** The array itself if it lives in shared memory, else a copy that does. @internal */
export function sharedCopy<T extends Int32Array | Uint8Array | Float32Array | Float64Array>(a: T, always = true): T {
  if (!always && a.buffer instanceof SharedArrayBuffer) return a;
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

const reachability = new WeakMap<CompiledMesh, Map<string, Uint8Array>>();

/**
 * Nodes a packet could reach at all (no loss, hop or TTL limit) from the origins; cached per
 * mesh and origin set, as it depends on nothing else.
 */
function reachableFrom(mesh: CompiledMesh, origins: Int32Array, forwards: Uint8Array): Uint8Array {
  let byOrigins = reachability.get(mesh);
  if (byOrigins === undefined) reachability.set(mesh, (byOrigins = new Map()));
  const key = origins.join(',');
  let seen = byOrigins.get(key);
  if (seen === undefined) {
    seen = searchReachable(mesh, origins, forwards);
    byOrigins.set(key, seen);
  }
  return seen;
}

function searchReachable(mesh: CompiledMesh, origins: Int32Array, forwards: Uint8Array): Uint8Array {
  const seen = new Uint8Array(mesh.n);
  const queue = new Int32Array(mesh.n);
  let head = 0;
  let tail = 0;
  for (const o of origins) {
    seen[o] = 1;
    queue[tail++] = o;
  }
  while (head < tail) {
    const v = queue[head++]!;
    if (forwards[v] === 0) continue;
    for (let e = mesh.offsets[v]!; e < mesh.offsets[v + 1]!; e++) {
      const u = mesh.neighbours[e]!;
      if (seen[u] === 0 && mesh.linkSuccess[e]! > 0) {
        seen[u] = 1;
        queue[tail++] = u;
      }
    }
  }
  return seen;
}
