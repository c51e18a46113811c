import { grown } from '../engine/grow.js';
import { CalendarQueue } from '../engine/calendar.js';
import type { CompiledMesh } from '../network/mesh.js';
import { KIND } from '../network/device.js';
import { ValidationError } from '../errors.js';
import type { ResolvedContention } from '../radio/radio.js';
import { delaySampler } from '../random/distributions.js';
import { createStream } from '../random/stream.js';
import { COUNTER } from './counters.js';
import { takePacket } from './tank.js';
import type { PreparedPass } from './prepared.js';

/** What the shared air did during a run (all broadcasts on it together). */
export interface AirStats {
  /** Events handled by the contention engine. */
  readonly events: number;
  /** Frames sent. */
  readonly frames: number;
  /** Receptions lost because another frame overlapped at the receiver on the same channel, or the receiver was transmitting. */
  readonly collisions: number;
  /** Times a node found the air busy (carrier sense) and waited. */
  readonly deferrals: number;
  /** Mean seconds a frame waited in its node's queue before going on air. */
  readonly meanQueueDelayS: number;
  /** Longest such wait. */
  readonly maxQueueDelayS: number;
  /** Seconds of airtime used, all frames. */
  readonly airtimeS: number;
  /** Frames dropped from a queue because their packet's TTL ran out before they could be sent. */
  readonly expiredInQueue: number;
  /** First and last clock times with traffic on the air. */
  readonly firstS: number;
  /** Last clock time with traffic. */
  readonly lastS: number;
  /** Time-average, over [firstS, lastS], of the number of packets with frames queued or on the air. */
  readonly meanPacketsInFlight: number;
  /** Most packets with frames queued or on the air at once. */
  readonly maxPacketsInFlight: number;
  /** Reception outcomes decided (one per receiver per frame): the events a per-receiver simulator schedules. */
  readonly receptionEvents: number;
  /** Mean over relaying nodes of the share of [firstS, lastS] each spent transmitting. */
  readonly meanUtilisation: number;
  /** Background read KPIs before, during and after the broadcasts (null without reads). */
  readonly reads: ReadKpis | null;
  /** Uplink reports of completed downloads (null without reports). */
  readonly reports: { readonly sent: number; readonly delivered: number; readonly missed: number } | null;
  /** Largest such share (the busiest node). */
  readonly maxUtilisation: number;
}

/** Read success in one window: reads generated in it, and how many reached the collector in time. */
export interface ReadWindow {
  /** Reads generated in the window. */
  readonly sent: number;
  /** Of which delivered within the deadline. */
  readonly delivered: number;
  /** delivered / sent (1 when none were sent). */
  readonly successRate: number;
}

/** Success before the first packet, while broadcast frames are on the air, and after, for each kind of read. */
export interface ReadKpis {
  /** Register reads (collector-initiated round trips); null when not generated. */
  readonly registerReads: {
    readonly before: ReadWindow;
    readonly during: ReadWindow;
    readonly after: ReadWindow;
  } | null;
  /** Two-way commands (collector-initiated round trips); null when not generated. */
  readonly commands: { readonly before: ReadWindow; readonly during: ReadWindow; readonly after: ReadWindow } | null;
  /** Reads generated before the first broadcast packet. */
  readonly before: ReadWindow;
  /** Reads generated from the first packet to the last broadcast frame. */
  readonly during: ReadWindow;
  /** Reads generated after the last broadcast frame. */
  readonly after: ReadWindow;
}

const BUSY = 0;
const TX = 1;
const RX_COUNT = 2;
const RX_EPOCH = 3;
const SEND = 0;
const TRY = 1;
const TX_END = 2;
const READ = 3;
const REPORT = 4;
const REGISTER = 5;
const COMMAND = 6;
const REQUEST_FRAME = 3; // down the route, collector → meter
const RESPONSE_FRAME = 4; // back up, meter → collector
const BROADCAST_FRAME = 0;
const READ_FRAME = 1;
const REPORT_FRAME = 2;

const routes = new WeakMap<CompiledMesh, Int32Array>();

/**
 * Each node's next hop towards its collector: the neighbour one layer closer with the best link
 * to it (lowest index on ties); -1 for collectors and unreachable nodes. Fixed per mesh.
 */
export function routeTable(mesh: CompiledMesh): Int32Array {
  let r = routes.get(mesh);
  if (r !== undefined) return r;
  r = new Int32Array(mesh.n).fill(-1);
  for (let v = 0; v < mesh.n; v++) {
    const l = mesh.layer[v]!;
    if (l <= 0 || mesh.relays[v] === 0) continue;
    let best = -1;
    let bestP = -1;
    for (let e = mesh.offsets[v]!; e < mesh.offsets[v + 1]!; e++) {
      const u = mesh.neighbours[e]!;
      if (mesh.layer[u] === l - 1 && mesh.linkSuccess[e]! > bestP) {
        best = u;
        bestP = mesh.linkSuccess[e]!;
      }
    }
    r[v] = best;
  }
  routes.set(mesh, r);
  return r;
}

/**
 * Runs broadcast passes that share the air, on one clock (contention on). Each pass keeps its
 * own tanks, counters and results; frames of all passes compete: several packets in flight,
 * several origins, several broadcasts at once.
 *
 * Model (docs/model.md "Contention"): a node that gets a packet to forward queues a frame and
 * tries to send after a backoff drawn from the radio's per-hop delay; with carrier sense it
 * defers while it hears a neighbour (retrying after a uniform wait up to `deferMaxS`); a frame
 * occupies the air for the airtime; a reception fails if another frame reaching the same
 * receiver overlaps it on the same channel (probability 1/channels per overlap; hidden
 * terminals included) or if the receiver transmits meanwhile; a clean reception then succeeds
 * with the link's probability. Copies after the TTL are dropped; frames whose packet expired
 * while queued are dropped unsent.
 * @internal
 */
export function runContended(
  passes: readonly PreparedPass[],
  c: ResolvedContention,
  streamRoot: readonly (string | number)[],
): { stats: AirStats; nodeAirtimeS: Float64Array } {
  const first = passes[0]!;
  const mesh = first.mesh;
  const n = mesh.n;
  const { offsets, neighbours, linkSuccess } = mesh;
  const airtimeS = first.radio.airtimeS;
  const seed = first.draws.seed;
  const link = createStream(seed, ...streamRoot, 'air', 'link');
  const channel = createStream(seed, ...streamRoot, 'air', 'channel');
  const deferRng = createStream(seed, ...streamRoot, 'air', 'defer');
  const backoff = delaySampler(first.radio.delay, createStream(seed, ...streamRoot, 'air', 'backoff'));
  const shareChannel = 1 / c.channels;
  const oneChannel = c.channels === 1; // every overlap shares the channel: no draw needed

  // Node state.
  // Per node, interleaved so a neighbour's air state is one cache line (every frame visits all
  // of its sender's neighbours twice): [hears a transmission until, transmits until, frames
  // arriving now, reception epoch (bumped whenever two overlap; kept in 0..2^31-1)]. Clock
  // times may be negative.
  const nodeAir = new Float64Array(n * 4);
  for (let v = 0; v < n; v++) {
    nodeAir[v * 4 + BUSY] = -Infinity;
    nodeAir[v * 4 + TX] = -Infinity;
  }
  const edgeEpoch = new Int32Array(neighbours.length);
  const pendingTry = new Uint8Array(n);
  const onAir = new Int32Array(n).fill(-1); // frame being sent
  const head = new Int32Array(n).fill(-1);
  const tail = new Int32Array(n).fill(-1);
  const txAirtime = new Float64Array(n);

  // Frame pool: broadcast, packet (pass index j), hop, next in queue, time queued.
  let cap = 1024;
  let fPass = new Int32Array(cap);
  let fJ = new Int32Array(cap);
  let fHop = new Int32Array(cap);
  let fNext = new Int32Array(cap);
  let fQueued = new Float64Array(cap);
  let fKind = new Int32Array(cap);
  let fId = new Int32Array(cap); // read or report number
  let fTries = new Int32Array(cap);
  let fPos = new Int32Array(cap); // a request's position on its path
  let fOrigin = new Int32Array(cap); // a broadcast frame's origin index (per-origin duplicates)
  let freeTop = 0;
  let freeList = new Int32Array(cap);
  let used = 0;
  const allocFrame = (): number => {
    if (freeTop > 0) return freeList[--freeTop]!;
    if (used === cap) {
      cap *= 2;
      fPass = grown(fPass, cap);
      fJ = grown(fJ, cap);
      fHop = grown(fHop, cap);
      fNext = grown(fNext, cap);
      fQueued = grown(fQueued, cap);
      fKind = grown(fKind, cap);
      fId = grown(fId, cap);
      fTries = grown(fTries, cap);
      fPos = grown(fPos, cap);
      fOrigin = grown(fOrigin, cap);
      freeList = grown(freeList, cap);
    }
    return used++;
  };

  // Per pass: which nodes hold which packets in flight (a ring of slots, cleared as packets are sent).
  const ringOf = passes.map((p) =>
    Math.min(Math.ceil(p.spec.ttlS / Math.max(p.spec.spacingS, 1e-9)) + 2, p.spec.segments),
  );
  const seen = ringOf.map((ring) => new Uint8Array(n * ring));
  const cleared = passes.map(() => -1);
  // Per-origin duplicates: which nodes forwarded which origin's copy, a bit per (slot, origin, node).
  const originWords = passes.map((p) =>
    p.spec.duplicates === 'per-origin' && p.spec.origins.length > 1 ? Math.ceil((p.spec.origins.length * n) / 32) : 0,
  );
  const forwarded = passes.map((_, b) => new Uint32Array(originWords[b]! * ringOf[b]!));

  // Frames queued or on the air per packet, and how many packets have any (packets in flight).
  const outstanding = passes.map((p) => new Int32Array(p.spec.segments));
  let inFlight = 0;
  let maxInFlight = 0;
  let inFlightArea = 0;
  let lastChange = NaN;
  const track = (t: number): void => {
    if (lastChange === lastChange) inFlightArea += inFlight * (t - lastChange);
    lastChange = t;
  };
  const frameAdded = (b: number, j: number, t: number): void => {
    if (outstanding[b]![j]!++ === 0) {
      track(t);
      if (++inFlight > maxInFlight) maxInFlight = inFlight;
    }
  };
  const frameGone = (b: number, j: number, t: number): void => {
    if (--outstanding[b]![j]! === 0) {
      track(t);
      inFlight--;
    }
  };
  let receptionEvents = 0;

  const queue = new CalendarQueue();
  // Every origin's injection of every packet is known up front.
  const sendPass: number[] = [];
  const sendJ: number[] = [];
  const sendOrigin: number[] = [];
  passes.forEach((p, b) => {
    for (let j = 0; j < p.spec.segments; j++) {
      for (let i = 0; i < p.spec.origins.length; i++) {
        const id = sendPass.length;
        sendPass.push(b);
        sendJ.push(j);
        sendOrigin.push(i);
        queue.push(p.draws.startS + j * p.spec.spacingS, id * 8 + SEND);
      }
    }
  });

  let lastBroadcastS = -Infinity;
  let events = 0;
  let frames = 0;
  let collisions = 0;
  let deferrals = 0;
  let queueDelaySum = 0;
  let queueDelayMax = 0;
  let airtimeTotal = 0;
  let expiredInQueue = 0;
  let firstS = Infinity;
  let lastS = -Infinity;

  const sendTime = (b: number, j: number): number => passes[b]!.draws.startS + j * passes[b]!.spec.spacingS;

  /**
   * Wait before trying to send frame f: a broadcast frame waits the forwarding jitter (the
   * radio's per-hop delay); a unicast frame only a MAC backoff, uniform up to `deferMaxS`.
   */
  const waitFor = (f: number): number => (fKind[f] === BROADCAST_FRAME ? backoff() : deferRng() * c.deferMaxS);

  /** Appends frame f to u's queue and makes sure u will try to send. */
  const enqueue = (u: number, f: number, t: number): void => {
    fNext[f] = -1;
    if (tail[u]! < 0) head[u] = f;
    else fNext[tail[u]!] = f;
    tail[u] = f;
    if (pendingTry[u] === 0 && onAir[u]! < 0) {
      pendingTry[u] = 1;
      queue.push(t + waitFor(f), u * 8 + TRY);
    }
  };

  // Unicast traffic (reads, reports): fixed routes, implicit acknowledgement, limited retries.
  const route = c.reads !== null || c.reports !== null ? routeTable(mesh) : new Int32Array(0);
  const readCreated: number[] = [];
  const readDone: number[] = [];
  const reportDone: number[] = [];
  const reportHolder: number[] = [];
  // Round trips: when made, kind (0 register read, 1 command), path meter → … → collector, outcome.
  const reqCreated: number[] = [];
  const reqKind: number[] = [];
  const reqPath: Int32Array[] = [];
  const reqDone: number[] = [];
  const pathOf = (v: number): Int32Array => {
    const hops: number[] = [v];
    for (let u = v; route[u]! >= 0; u = route[u]!) hops.push(route[u]!);
    return Int32Array.from(hops);
  };
  const trafficRng = createStream(seed, ...streamRoot, 'air', 'traffic');
  const newUnicast = (v: number, kind: number, id: number, t: number): void => {
    const f = allocFrame();
    fKind[f] = kind;
    fId[f] = id;
    fTries[f] = 0;
    fQueued[f] = t;
    enqueue(v, f, t);
  };

  /**
   * Node u gets packet (b, j), injected at origin index o, at time t with hop count h: a first
   * copy goes to the tank; the node forwards its first copy, or with per-origin duplicates its
   * first copy from each origin.
   */
  const deliver = (u: number, b: number, j: number, o: number, h: number, t: number): void => {
    const p = passes[b]!;
    const st = p.state;
    const counters = st.counters;
    const seenB = seen[b]!;
    const slot = j % ringOf[b]!;
    const at = slot * n + u;
    const held = seenB[at] === 1;
    // Whether u may still forward this copy: its first of the packet, or of this origin's copy.
    let fresh = !held;
    const words = originWords[b]!;
    if (words > 0) {
      const bit = slot * words * 32 + o * n + u;
      const fw = forwarded[b]!;
      fresh = (fw[bit >>> 5]! & (1 << (bit & 31))) === 0;
      fw[bit >>> 5] = fw[bit >>> 5]! | (1 << (bit & 31));
    }
    if (held) {
      counters[COUNTER.duplicates]!++;
      if (fresh) forward(u, b, j, o, h, t);
      return;
    }
    seenB[at] = 1;
    counters[COUNTER.reached]!++;
    const tank = st.tankOfNode[u]!;
    if (
      tank >= 0 &&
      st.tankAccepts[tank] === 1 &&
      takePacket(st.tanks, st.stride, st.missing, st.lastNeededS, tank, p.spec.firstSegment + j, t) &&
      c.reports !== null &&
      route[u]! >= 0
    ) {
      // The image is complete here: its "download complete" report goes up after its spread.
      reportDone.push(NaN);
      queue.push(t + trafficRng() * c.reports.spreadS, (reportDone.length - 1) * 8 + REPORT);
      reportHolder.push(u);
    }
    forward(u, b, j, o, h, t);
  };

  /** Queues u's forward of packet (b, j) from origin index o, if u relays and hops allow. */
  const forward = (u: number, b: number, j: number, o: number, h: number, t: number): void => {
    const p = passes[b]!;
    if (p.forwards[u] === 0) return;
    if (h >= p.spec.maxHops) {
      p.state.counters[COUNTER.hopLimited]!++;
      return;
    }
    const f = allocFrame();
    fPass[f] = b;
    fJ[f] = j;
    fOrigin[f] = o;
    fHop[f] = h + 1;
    fNext[f] = -1;
    fQueued[f] = t;
    fKind[f] = BROADCAST_FRAME;
    frameAdded(b, j, t);
    enqueue(u, f, t);
  };

  // Reads: every reachable meter, first at a random phase, from beforeS before the first packet
  // to afterS after the last packet's TTL.
  const reads = c.reads;
  let firstSendS = Infinity;
  let lastPacketEndS = -Infinity;
  for (const p of passes) {
    firstSendS = Math.min(firstSendS, p.draws.startS);
    lastPacketEndS = Math.max(lastPacketEndS, p.draws.startS + (p.spec.segments - 1) * p.spec.spacingS + p.spec.ttlS);
  }
  const readsEndS = reads === null ? -Infinity : lastPacketEndS + reads.afterS;
  if (reads !== null) {
    const startS = firstSendS - reads.beforeS;
    checkReadVolume(reads, mesh, route, readsEndS - startS);
    for (let v = 0; v < n; v++) {
      if (mesh.kind[v] !== KIND.meter || route[v]! < 0) continue;
      queue.push(startS + trafficRng() * reads.intervalS, v * 8 + READ);
      if (reads.registerReadIntervalS > 0)
        queue.push(startS + trafficRng() * reads.registerReadIntervalS, v * 8 + REGISTER);
      if (reads.commandIntervalS > 0) queue.push(startS + trafficRng() * reads.commandIntervalS, v * 8 + COMMAND);
    }
  }
  while (queue.size > 0) {
    const t = queue.peekTime();
    const ev = queue.pop();
    events++;
    const type = ev & 7;
    const id = ev >> 3;
    if (type === SEND) {
      const b = sendPass[id]!;
      const j = sendJ[id]!;
      if (cleared[b]! < j) {
        // A new packet of pass b: its ring slot held a packet long expired.
        cleared[b] = j;
        seen[b]!.fill(0, (j % ringOf[b]!) * n, ((j % ringOf[b]!) + 1) * n);
        const words = originWords[b]!;
        forwarded[b]!.fill(0, (j % ringOf[b]!) * words, ((j % ringOf[b]!) + 1) * words);
      }
      const i = sendOrigin[id]!;
      const o = passes[b]!.spec.origins[i]!;
      const lh = passes[b]!.state.lastHeardS;
      if (!(lh[o]! >= t)) lh[o] = t;
      deliver(o, b, j, i, 1, t);
      continue;
    }
    if (type === READ) {
      const v = id;
      readCreated.push(t);
      readDone.push(NaN);
      newUnicast(v, READ_FRAME, readCreated.length - 1, t);
      if (t + reads!.intervalS <= readsEndS) queue.push(t + reads!.intervalS, v * 8 + READ);
      continue;
    }
    if (type === REPORT) {
      newUnicast(reportHolder[id]!, REPORT_FRAME, id, t);
      continue;
    }
    if (type === REGISTER || type === COMMAND) {
      const meter = id;
      const path = pathOf(meter);
      reqCreated.push(t);
      reqKind.push(type === REGISTER ? 0 : 1);
      reqPath.push(path);
      reqDone.push(NaN);
      const f = allocFrame();
      fKind[f] = REQUEST_FRAME;
      fId[f] = reqCreated.length - 1;
      fTries[f] = 0;
      fPos[f] = path.length - 1;
      fQueued[f] = t;
      enqueue(path[path.length - 1]!, f, t);
      const every = type === REGISTER ? reads!.registerReadIntervalS : reads!.commandIntervalS;
      if (t + every <= readsEndS) queue.push(t + every, meter * 8 + type);
      continue;
    }
    const v = id;
    if (type === TRY) {
      pendingTry[v] = 0;
      // Drop frames whose packet expired while they waited.
      let f = head[v]!;
      while (
        f >= 0 &&
        ((fKind[f] === BROADCAST_FRAME && t > sendTime(fPass[f]!, fJ[f]!) + passes[fPass[f]!]!.spec.ttlS) ||
          (fKind[f] === READ_FRAME && t > readCreated[fId[f]!]! + reads!.deadlineS) ||
          ((fKind[f] === REQUEST_FRAME || fKind[f] === RESPONSE_FRAME) && t > reqCreated[fId[f]!]! + reads!.deadlineS))
      ) {
        if (fKind[f] === BROADCAST_FRAME) {
          expiredInQueue++;
          frameGone(fPass[f]!, fJ[f]!, t);
        }
        const next = fNext[f]!;
        freeList[freeTop++] = f;
        f = next;
      }
      head[v] = f;
      if (f < 0) {
        tail[v] = -1;
        continue;
      }
      if (c.carrierSense && nodeAir[v * 4 + BUSY]! > t) {
        deferrals++;
        pendingTry[v] = 1;
        queue.push(nodeAir[v * 4 + BUSY]! + deferRng() * c.deferMaxS, v * 8 + TRY);
        continue;
      }
      // Start transmitting the head frame.
      head[v] = fNext[f]!;
      if (head[v] < 0) tail[v] = -1;
      onAir[v] = f;
      const end = t + airtimeS;
      const waited = t - fQueued[f]!;
      queueDelaySum += waited;
      if (waited > queueDelayMax) queueDelayMax = waited;
      frames++;
      airtimeTotal += airtimeS;
      txAirtime[v]! += airtimeS;
      if (fKind[f] === BROADCAST_FRAME) passes[fPass[f]!]!.state.counters[COUNTER.transmissions]!++;
      if (t < firstS) firstS = t;
      if (nodeAir[v * 4 + RX_COUNT]! > 0) nodeAir[v * 4 + RX_EPOCH] = (nodeAir[v * 4 + RX_EPOCH]! + 1) & 0x7fffffff; // half duplex: what v was receiving is lost
      nodeAir[v * 4 + TX] = end;
      for (let e = offsets[v]!, stop = offsets[v + 1]!; e < stop; e++) {
        const a = neighbours[e]! * 4; // neighbour u's air state
        if (nodeAir[a + BUSY]! < end) nodeAir[a + BUSY] = end;
        const arriving = nodeAir[a + RX_COUNT]!;
        if (nodeAir[a + TX]! > t)
          edgeEpoch[e] = -1; // u is transmitting: deaf
        else if (arriving > 0 && (oneChannel || channel() < shareChannel)) {
          nodeAir[a + RX_EPOCH] = (nodeAir[a + RX_EPOCH]! + 1) & 0x7fffffff; // overlap on one channel: both frames are lost at u
          edgeEpoch[e] = -1;
        } else edgeEpoch[e] = nodeAir[a + RX_EPOCH]!;
        nodeAir[a + RX_COUNT] = arriving + 1;
      }
      queue.push(end, v * 8 + TX_END);
      continue;
    }
    // TX_END: decide every neighbour's reception.
    const f = onAir[v]!;
    if (fKind[f] !== BROADCAST_FRAME) {
      // Unicast: every neighbour heard the frame (and its airtime); only the next hop takes it.
      if (t > lastS) lastS = t;
      const kind = fKind[f]!;
      const to = kind === REQUEST_FRAME ? reqPath[fId[f]!]![fPos[f]! - 1]! : route[v]!;
      let delivered = false;
      receptionEvents += offsets[v + 1]! - offsets[v]!;
      for (let e = offsets[v]!, stop = offsets[v + 1]!; e < stop; e++) {
        const u = neighbours[e]!;
        nodeAir[u * 4 + RX_COUNT]!--;
        if (u !== to) continue;
        if (edgeEpoch[e] !== nodeAir[u * 4 + RX_EPOCH]) collisions++;
        else if (link() < linkSuccess[e]!) delivered = true;
      }
      onAir[v] = -1;
      if (delivered) {
        fTries[f] = 0;
        if (kind === REQUEST_FRAME) {
          // Down one hop; at the meter the request turns into its response, going back up.
          if (--fPos[f]! === 0) fKind[f] = RESPONSE_FRAME;
          enqueue(to, f, t);
        } else if (mesh.kind[to] === KIND.collector) {
          (kind === READ_FRAME ? readDone : kind === REPORT_FRAME ? reportDone : reqDone)[fId[f]!] = t;
          freeList[freeTop++] = f;
        } else enqueue(to, f, t);
      } else if (++fTries[f]! <= (kind === REPORT_FRAME ? c.reports!.retries : reads!.retries)) {
        // Retry: back to the head of v's queue.
        fNext[f] = head[v]!;
        head[v] = f;
        if (tail[v]! < 0) tail[v] = f;
      } else freeList[freeTop++] = f;
      if (head[v]! >= 0 && pendingTry[v] === 0) {
        pendingTry[v] = 1;
        queue.push(t + waitFor(head[v]!), v * 8 + TRY);
      }
      continue;
    }
    const b = fPass[f]!;
    const j = fJ[f]!;
    const h = fHop[f]!;
    const o = fOrigin[f]!;
    const p = passes[b]!;
    const counters = p.state.counters;
    const lastHeard = p.state.lastHeardS;
    const expiry = sendTime(b, j) + p.spec.ttlS;
    if (t > lastS) lastS = t;
    if (t > lastBroadcastS) lastBroadcastS = t;
    receptionEvents += offsets[v + 1]! - offsets[v]!;
    // Copies to nodes that already hold the packet are only counted (unless a node may still
    // forward another origin's copy): the common case, kept out of deliver().
    const seenB = seen[b]!;
    const slotBase = (j % ringOf[b]!) * n;
    const countOnly = originWords[b] === 0;
    let lost = 0;
    let received = 0;
    let expired = 0;
    let duplicates = 0;
    for (let e = offsets[v]!, stop = offsets[v + 1]!; e < stop; e++) {
      const u = neighbours[e]!;
      nodeAir[u * 4 + RX_COUNT]!--;
      if (edgeEpoch[e] !== nodeAir[u * 4 + RX_EPOCH]) {
        collisions++;
        continue;
      }
      if (link() >= linkSuccess[e]!) {
        lost++;
        continue;
      }
      received++;
      if (!(lastHeard[u]! >= t)) lastHeard[u] = t;
      if (t > expiry) {
        expired++;
        continue;
      }
      if (countOnly && seenB[slotBase + u] === 1) {
        duplicates++;
        continue;
      }
      deliver(u, b, j, o, h, t);
    }
    counters[COUNTER.lost]! += lost;
    counters[COUNTER.receptions]! += received;
    counters[COUNTER.expired]! += expired;
    counters[COUNTER.duplicates]! += duplicates;
    onAir[v] = -1;
    frameGone(b, j, t);
    freeList[freeTop++] = f;
    if (head[v]! >= 0 && pendingTry[v] === 0) {
      pendingTry[v] = 1;
      queue.push(t + waitFor(head[v]!), v * 8 + TRY);
    }
  }

  const broadcastEndS = Math.max(lastBroadcastS, firstSendS);
  // Success per window, by when the read or request was made.
  const windows = (created: readonly number[], done: readonly number[], keep: (i: number) => boolean) => {
    const windowOf = (from: number, to: number): ReadWindow => {
      let sent = 0;
      let delivered = 0;
      for (let i = 0; i < created.length; i++) {
        const t0 = created[i]!;
        if (t0 < from || t0 >= to || !keep(i)) continue;
        sent++;
        if (done[i]! - t0 <= reads!.deadlineS) delivered++;
      }
      return { sent, delivered, successRate: sent === 0 ? 1 : delivered / sent };
    };
    return {
      before: windowOf(-Infinity, firstSendS),
      during: windowOf(firstSendS, broadcastEndS),
      after: windowOf(broadcastEndS, Infinity),
    };
  };
  const readKpis: ReadKpis | null =
    reads === null
      ? null
      : {
          ...windows(readCreated, readDone, () => true),
          registerReads: reads.registerReadIntervalS > 0 ? windows(reqCreated, reqDone, (i) => reqKind[i] === 0) : null,
          commands: reads.commandIntervalS > 0 ? windows(reqCreated, reqDone, (i) => reqKind[i] === 1) : null,
        };
  const reportStats =
    c.reports === null
      ? null
      : {
          sent: reportDone.length,
          delivered: reportDone.filter((x) => x === x).length,
          missed: reportDone.filter((x) => x !== x).length,
        };
  const span = lastS > firstS ? lastS - firstS : 0;
  let utilSum = 0;
  let utilMax = 0;
  let relays = 0;
  for (let v = 0; v < n; v++) {
    if (mesh.relays[v] === 0) continue;
    relays++;
    const u = span > 0 ? txAirtime[v]! / span : 0;
    utilSum += u;
    if (u > utilMax) utilMax = u;
  }
  const stats: AirStats = {
    events,
    frames,
    collisions,
    deferrals,
    meanQueueDelayS: frames === 0 ? 0 : queueDelaySum / frames,
    maxQueueDelayS: queueDelayMax,
    airtimeS: airtimeTotal,
    expiredInQueue,
    firstS: frames === 0 ? NaN : firstS,
    lastS: frames === 0 ? NaN : lastS,
    meanPacketsInFlight: span > 0 ? inFlightArea / span : 0,
    maxPacketsInFlight: maxInFlight,
    receptionEvents,
    meanUtilisation: relays === 0 ? 0 : utilSum / relays,
    reads: readKpis,
    reports: reportStats,
    maxUtilisation: utilMax,
  };
  return { stats, nodeAirtimeS: txAirtime };
}

/** Most reads, register reads and commands one contention run generates (each is an event chain of several hops). */
const MAX_READS = 50_000_000;

/**
 * Refuses read traffic no run could simulate — a meter population times the traffic's span over
 * the intervals beyond {@link MAX_READS} (e.g. packets paced years apart) — before generating it.
 */
function checkReadVolume(
  reads: NonNullable<ResolvedContention['reads']>,
  mesh: CompiledMesh,
  route: Int32Array,
  spanS: number,
): void {
  let meters = 0;
  for (let v = 0; v < mesh.n; v++) if (mesh.kind[v] === KIND.meter && route[v]! >= 0) meters++;
  const per = (intervalS: number): number => (intervalS > 0 ? Math.ceil(spanS / intervalS) + 1 : 0);
  const total = meters * (per(reads.intervalS) + per(reads.registerReadIntervalS) + per(reads.commandIntervalS));
  if (!(total <= MAX_READS)) {
    throw new ValidationError(
      'options.radio.contention.reads',
      {
        intervalS: reads.intervalS,
        registerReadIntervalS: reads.registerReadIntervalS,
        commandIntervalS: reads.commandIntervalS,
      },
      `intervals that make at most ${MAX_READS.toLocaleString('en-US')} reads and commands per run: ${meters.toLocaleString('en-US')} meters over ${spanS.toPrecision(3)} s of traffic (the broadcasts' span with beforeS and afterS) would make ${total.toPrecision(3)}`,
    );
  }
}
