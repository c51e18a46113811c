import { grown } from '../engine/grow.js';
import { COUNTER } from './counters.js';
import { takePacket } from './tank.js';
import { ArrivalWindows } from './windows.js';
import { DIGIT_BITS, sortNodes } from './sort-nodes.js';
import type { EventQueue } from '../engine/queue.js';
import { counterUniform, type CounterKey } from '../random/counter.js';
import type { LinkDelays } from '../random/distributions.js';
import { atHopLimit, packetExpiryS, pastExpiry } from './limits.js';

/**
 * Everything one pass's floods read and write: typed arrays only, allocated once per pass and
 * reused by every packet (per-packet "seen" state costs O(nodes), not nodes × packets).
 */
export interface FloodState {
  readonly offsets: Int32Array;
  readonly neighbours: Int32Array;
  readonly linkSuccess: Float32Array;
  /** The tanks that take the packets each node hears: see `TargetSelection.heldStart` (n + 1 entries). */
  readonly heldStart: Int32Array;
  /** See `TargetSelection.heldTanks`. */
  readonly heldTanks: Int32Array;
  /**
   * Bit `v & 31` of word `v >> 5` set where node v forwards in this pass (see
   * {@link relayBits}): one bit per node, so the check made for every event handled stays in
   * cache.
   */
  readonly relays: Int32Array;
  /** Flat tank bitmap, `stride` bytes per tank; bit = 1 while the packet is missing. */
  readonly tanks: Uint8Array;
  /**
   * True when other threads flood other packets into the same tanks at the same time (a tank
   * byte holds 8 packets' bits, possibly of several threads): bits are then cleared atomically.
   */
  readonly sharedTanks: boolean;
  readonly stride: number;
  /** Missing packets per tank. */
  readonly missing: Int32Array;
  /** Latest arrival among the packets each tank still needed: once none is missing, its completion time. */
  readonly lastNeededS: Float64Array;
  /**
   * Time each node last heard any copy (NaN: never): kept in {@link FloodState.earliestAndHeardS} while
   * packets flood.
   */
  readonly lastHeardS: Float64Array;
  /**
   * Two times per node, interleaved so a copy reads and writes one cache line: at 2v the earliest known
   * arrival time of the current packet (+Infinity: none yet; reset for each packet), at 2v + 1
   * the time v last heard any copy (NaN: never; loaded from and stored back to
   * {@link FloodState.lastHeardS} around a batch of packets by {@link loadLastHeard} and
   * {@link storeLastHeard}). A node settles at its earliest arrival t, and every later copy
   * arrives at ≥ t, so `ta < times[2u]` alone rejects copies to settled nodes.
   */
  readonly earliestAndHeardS: Float64Array;
  /**
   * Hop count of each node's earliest copy of the current packet (valid where earliestAndHeardS[2v] is
   * finite), negated once the node has been handled.
   */
  readonly hops: Int32Array;
  /** The nodes whose earliest arrival the current flood set: see {@link ReachedNodes}. */
  readonly reached: ReachedNodes;
  /** Scratch: waiting nodes of floods with bounded hop times (see {@link ArrivalWindows}). */
  readonly windows: ArrivalWindows;
  /** Scratch: the nodes handled together in one batch (see {@link floodPacket}); grows as needed. */
  batch: Int32Array;
  /** Scratch for sorting a batch: as long as {@link FloodState.batch}, and digit counts. */
  batchSpare: Int32Array;
  readonly digitCounts: Int32Array;
  /**
   * Scratch for the copies one transmission delivers (receiver, arrival time), at least the
   * mesh's largest degree long: a node first makes all its link and delay draws, then updates
   * the receivers' state, so the CPU overlaps their (scattered) memory accesses.
   */
  readonly heardBy: Int32Array;
  readonly heardAt: Float64Array;
  readonly origins: Int32Array;
  /**
   * Duplicate suppression per origin (spec `duplicates: 'per-origin'`): each origin's copy is
   * flooded as its own message, see {@link floodPacketPerOrigin}.
   */
  readonly perOrigin: boolean;
  readonly queue: EventQueue;
  readonly maxHops: number;
  readonly ttlS: number;
  readonly airtimeS: number;
  /** The smallest hop delay the delay distribution draws (see {@link delayMinS}), seconds. */
  readonly minDelayS: number;
  /** The largest hop delay it draws (see {@link delayMaxS}; Infinity for unbounded delays), seconds. */
  readonly maxDelayS: number;
  /** Pass counters, see {@link COUNTER}. */
  readonly counters: Float64Array;
}

/**
 * The nodes a flood has reached (an earliest arrival set in `earliestAndHeardS[2v]`), in the
 * order it first reached them. Every other node's earliest arrival is +Infinity, so the next
 * flood resets these alone, and what is done with the reached nodes after a flood walks these
 * alone when they are few: a flood that reaches a small part of a large mesh (one origin's copy
 * under a hop limit, in a campaign's group of collectors) costs what it reaches, not the mesh.
 * Shared by the states that share one `earliestAndHeardS`.
 * @internal
 */
export class ReachedNodes {
  /** The nodes, `size` of them. */
  readonly nodes: Int32Array;
  /** How many nodes the list holds. */
  size = 0;

  /** @param n - nodes in the mesh */
  constructor(n: number) {
    this.nodes = new Int32Array(n);
  }

  /**
   * Node v's arrival time in `times[step · v]`, +Infinity where it has none: resets the listed
   * nodes' times (every node's, when most are listed) and empties the list.
   */
  clear(times: Float64Array, step: number): void {
    const nodes = this.nodes;
    if (walkList(this, nodes.length)) {
      for (let i = 0; i < this.size; i++) times[step * nodes[i]!] = Infinity;
    } else {
      // Most nodes listed: one pass in memory order beats as many scattered writes.
      for (let i = 0; i < times.length; i += step) times[i] = Infinity;
    }
    this.size = 0;
  }
}

/**
 * Whether walking `list` beats walking all `n` nodes in node order (which reads per-node rows in
 * memory order): when the list holds less than a quarter of the nodes.
 */
const walkList = (list: ReachedNodes, n: number): boolean => list.size * 4 < n;

/**
 * The {@link FloodState.relays} bits of a pass.
 * @param forwards - 1 where the node forwards in this pass (mesh relays; of the collectors, origins only)
 * @param out - ⌈n / 32⌉ words to write them to
 * @internal
 */
export function relayBits(
  forwards: Uint8Array,
  out: Int32Array = new Int32Array((forwards.length + 31) >> 5),
): Int32Array {
  out.fill(0);
  for (let v = 0; v < forwards.length; v++) if (forwards[v] === 1) out[v >> 5] = out[v >> 5]! | (1 << (v & 31));
  return out;
}

/**
 * A flood's scratch for the mesh with these CSR offsets: per node
 * {@link FloodState.earliestAndHeardS} (no node reached yet), {@link FloodState.reached} and
 * {@link FloodState.hops}, {@link FloodState.heardBy} / {@link FloodState.heardAt} as long
 * as the largest out-degree, and a first {@link FloodState.batch} (a batch is a slice of the
 * flood's front, far fewer nodes than the mesh: ~5 % of a million-meter utility's).
 * @internal
 */
export function floodScratch(
  offsets: Int32Array,
): Pick<
  FloodState,
  'earliestAndHeardS' | 'hops' | 'reached' | 'windows' | 'batch' | 'batchSpare' | 'digitCounts' | 'heardBy' | 'heardAt'
> {
  const n = offsets.length - 1;
  let degree = 0;
  for (let v = 1; v < offsets.length; v++) degree = Math.max(degree, offsets[v]! - offsets[v - 1]!);
  const earliestAndHeardS = new Float64Array(2 * n);
  // No node reached yet: every earliest arrival +Infinity (see ReachedNodes).
  for (let i = 0; i < earliestAndHeardS.length; i += 2) earliestAndHeardS[i] = Infinity;
  return {
    earliestAndHeardS,
    hops: new Int32Array(n),
    reached: new ReachedNodes(n),
    windows: new ArrivalWindows(),
    batch: new Int32Array(1024),
    batchSpare: new Int32Array(1024),
    digitCounts: new Int32Array(1 << DIGIT_BITS),
    heardBy: new Int32Array(degree),
    heardAt: new Float64Array(degree),
  };
}

/**
 * Starts a batch of floods: copies the pass's last-heard times into the interleaved
 * {@link FloodState.earliestAndHeardS}, where floods update them. Pair with {@link storeLastHeard}.
 * @internal
 */
export function loadLastHeard(s: Pick<FloodState, 'earliestAndHeardS' | 'lastHeardS'>): void {
  const { earliestAndHeardS: times, lastHeardS } = s;
  for (let v = 0; v < lastHeardS.length; v++) times[2 * v + 1] = lastHeardS[v]!;
}

/**
 * Ends a batch of floods: copies the last-heard times they updated back to the pass's
 * {@link FloodState.lastHeardS}.
 * @internal
 */
export function storeLastHeard(s: Pick<FloodState, 'earliestAndHeardS' | 'lastHeardS'>): void {
  const { earliestAndHeardS: times, lastHeardS } = s;
  for (let v = 0; v < lastHeardS.length; v++) lastHeardS[v] = times[2 * v + 1]!;
}

/**
 * After a flood, every node with an in-time arrival takes the packet into its tank at its
 * earliest one: the listed nodes when they are few, else every node in node order (tank rows
 * walked in memory order). The same outcome either way, and as taking it as each node is handled
 * (each tank has one holder, and a tank keeps the latest time it took a packet at).
 * @param earliest - earliest arrival of node v at `earliest[step * v]` (+Infinity: none)
 * @param list - the nodes with an arrival
 * @returns the nodes reached
 */
function takeAtEarliest(
  s: FloodState,
  segment: number,
  earliest: Float64Array,
  step: number,
  list: ReachedNodes,
): number {
  const { heldStart, heldTanks, tanks, stride, missing, lastNeededS, sharedTanks } = s;
  const n = heldStart.length - 1;
  if (heldStart[n] === 0) return list.size;
  const listed = walkList(list, n);
  for (let k = 0, count = listed ? list.size : n; k < count; k++) {
    const v = listed ? list.nodes[k]! : k;
    const t = earliest[step * v]!;
    if (t === Infinity) continue;
    for (let i = heldStart[v]!, end = heldStart[v + 1]!; i < end; i++) {
      takePacket(tanks, stride, missing, lastNeededS, heldTanks[i]!, segment, t, sharedTanks);
    }
  }
  return list.size;
}

/**
 * Floods one packet through the mesh (contention off). Call it between {@link loadLastHeard}
 * and {@link storeLastHeard}: it updates last-heard times where floods keep them.
 *
 * Semantics (docs/model.md, "One broadcast pass"): origins receive at `sendS` with hop
 * count 1; a node handles its first copy — the earliest, and of copies arriving at the same
 * time the one with the fewest hops — and forwards it once if its hop count is below Maximum
 * Hops; each neighbour then receives with the link's probability after an independent delay
 * (plus airtime); copies arriving after `sendS + ttlS` are dropped. Every neighbour gets a
 * success draw and, if received, a delay draw, whatever its state.
 *
 * The draws are counter-based: the trial and the delay of the copy sent over link e are
 * functions of (packet, e) alone (see {@link counterUniform}), so the outcome does not depend
 * on the order nodes are handled in. That lets the flood handle nodes in batches: every node
 * whose earliest copy arrives before the earliest still waiting plus the smallest hop time
 * (`minDelayS` + airtime) is settled — no copy sent from now on can arrive before that — so a
 * large batch is handled in node order, which walks the mesh's memory far more orderly than time
 * order does (see {@link SORTED_BATCH}). When hop times are also bounded (constant and uniform
 * delays), waiting nodes sit in {@link ArrivalWindows} instead of the event queue. Delays that
 * can be 0 (exponential, lognormal, gamma) make batches of one node, in time order.
 *
 * Only copies that beat a node's earliest known arrival enter the queue (or windows); the others are
 * counted as duplicates or late copies on the spot. This handles exactly the first copies a
 * full event-per-copy simulation would (a test compares the two).
 *
 * Every node with an in-time arrival is handled at its earliest one, so tanks take the packet
 * after the flood, at those times (`takeAtEarliest`).
 * @param segment - image segment index (tank bit)
 * @param sendS - head-end send time
 * @param link - this packet's link-trial stream: copy over link e is received when draw e is
 *   below the link's success probability
 * @param delays - this packet's hop delays per link
 */
export function floodPacket(s: FloodState, segment: number, sendS: number, link: CounterKey, delays: LinkDelays): void {
  const { relays, earliestAndHeardS: times, hops, origins, queue, windows, counters, reached: list } = s;
  const hopS = s.minDelayS + s.airtimeS;
  const expiryS = packetExpiryS(sendS, s.ttlS);
  const inWindows = windows.start(sendS, hopS, s.maxDelayS + s.airtimeS, expiryS);
  queue.clear();
  list.clear(times, 2);
  for (let i = 0; i < origins.length; i++) {
    const o = origins[i]!;
    if (times[2 * o] === Infinity) list.nodes[list.size++] = o;
    times[2 * o] = sendS;
    hops[o] = 1;
    // Origins hear the packet from the head-end; every other node hears its first copy over
    // the air, where `forwardBatch` records it.
    if (!(times[2 * o + 1]! >= sendS)) times[2 * o + 1] = sendS;
    if (inWindows) windows.add(sendS, o);
    else queue.push(sendS, o);
  }
  if (inWindows) {
    // Bounded hop times: the nodes of one window are settled once every earlier window has been
    // handled (see ArrivalWindows), so no priority queue is needed at all.
    for (let k = 0; windows.waiting > 0; k++) {
      const list = windows.take(k);
      let size = 0;
      for (let i = 0; i < windows.taken; i++) {
        const v = list[i]!;
        // Nodes already handled (hops negated: an earlier copy was placed in an earlier
        // window, or the node is listed twice) and nodes that do not forward are skipped.
        if (!takeForHandling(hops, relays, v)) continue;
        size = addToBatch(s, size, v);
      }
      forwardBatch(s, size, link, delays, expiryS, true);
    }
  } else if (hopS === 0) {
    forwardBatch(s, TIME_ORDER, link, delays, expiryS, false);
  } else {
    while (queue.size > 0) {
      // A batch: every node waiting before `settled`. Copies sent by a node handled at t arrive
      // at ≥ (t + minDelayS) + airtimeS (the same sum, rounded the same way), so none of them
      // can get an earlier copy.
      const settled = queue.peekTime() + s.minDelayS + s.airtimeS;
      let size = 0;
      do {
        const t = queue.peekTime();
        const v = queue.pop();
        // Stale entries (an earlier copy was queued later), nodes already handled (hops
        // negated) and nodes that do not forward are skipped.
        if (t !== times[2 * v] || !takeForHandling(hops, relays, v)) continue;
        size = addToBatch(s, size, v);
      } while (queue.size > 0 && queue.peekTime() < settled);
      forwardBatch(s, size, link, delays, expiryS, false);
    }
  }
  const reached = takeAtEarliest(s, segment, times, 2, list);
  // Every in-time copy (tallied under duplicates by `forwardBatch`) is a duplicate except the
  // one that first reached each non-origin node.
  counters[COUNTER.duplicates]! -= reached - origins.length;
  counters[COUNTER.reached]! += reached;
}

/**
 * Node v, waiting, is to be handled now unless it already was (hops negated) or does not
 * forward: marks it handled and returns true.
 */
function takeForHandling(hops: Int32Array, relays: Int32Array, v: number): boolean {
  if (hops[v]! < 0 || (relays[v >> 5]! & (1 << (v & 31))) === 0) return false;
  hops[v] = -hops[v]!;
  return true;
}

/** Appends node v to the batch of size `size` (growing it if full); returns the new size. */
function addToBatch(s: FloodState, size: number, v: number): number {
  if (size === s.batch.length) {
    s.batch = grown(s.batch, 2 * size);
    s.batchSpare = new Int32Array(2 * size);
  }
  s.batch[size] = v;
  return size + 1;
}

/**
 * The smallest batch {@link forwardBatch} sorts into node order. Sorting pays where a batch
 * spans many nodes far apart (a front from hundreds of collectors at a million meters); a
 * smaller batch — one collector's front, or any front of a mesh that fits in cache — is
 * handled faster in the order its nodes were taken than sorted first. Measured on one thread
 * (`docs/decisions/0027-small-batches-unsorted.md`): a 10,000-meter campaign 3–5 % faster,
 * a million-meter pass of 200 per-origin floods 1–4 % faster, a million-meter flood from
 * 400 collectors unchanged. The order of a batch never changes results (draws are keyed by
 * packet and link, and every node of a batch is settled).
 * @internal
 */
const SORTED_BATCH = 1024;

/** {@link forwardBatch}'s batch size meaning: no batch, every node in time order from the queue. */
const TIME_ORDER = -1;

/**
 * The nodes of a batch (handled: hops negated), in node order if it holds at least
 * {@link SORTED_BATCH} nodes, else in the order they were taken — or, with `size` TIME_ORDER (hops
 * that can take no time), every node of the flood one by one from the event queue — forward the
 * packet unless their hop count is Maximum Hops: every neighbour gets a link trial and, if
 * received, a copy after the link's delay, which updates its last-heard time and, if it is the
 * neighbour's first (see {@link floodPacket}), its earliest arrival, hop count and place in the
 * windows or the queue. Counts go to the pass counters; in-time copies under duplicates. One
 * loop for both, so a flood in time order makes one call, not one per node.
 */
function forwardBatch(
  s: FloodState,
  size: number,
  link: CounterKey,
  delays: LinkDelays,
  expiryS: number,
  inWindows: boolean,
): void {
  if (size === 0) return;
  const {
    offsets,
    neighbours,
    linkSuccess,
    relays,
    earliestAndHeardS: times,
    hops,
    queue,
    windows,
    counters,
    maxHops,
    airtimeS,
    heardBy,
    heardAt,
    reached,
  } = s;
  const { k0, k1 } = link;
  const nodes =
    size >= SORTED_BATCH
      ? sortNodes(s.batch, s.batchSpare, size, 32 - Math.clz32(Math.max(1, hops.length - 1)), s.digitCounts)
      : s.batch;
  let transmissions = 0;
  let receptions = 0;
  let lost = 0;
  let inTime = 0;
  let expired = 0;
  let hopLimited = 0;
  for (let b = 0; size === TIME_ORDER ? queue.size > 0 : b < size; b++) {
    let v: number;
    if (size === TIME_ORDER) {
      const t = queue.peekTime();
      v = queue.pop();
      // Stale entries (an earlier copy was queued later) and nodes that do not forward are
      // skipped; a copy arriving later can no longer beat this one, so v is handled.
      if (t !== times[2 * v] || !takeForHandling(hops, relays, v)) continue;
    } else v = nodes[b]!;
    const t = times[2 * v]!;
    const h = -hops[v]!;
    if (atHopLimit(h, maxHops)) {
      hopLimited++;
      continue;
    }
    transmissions++;
    const next = h + 1;
    // Draws first, receivers' state after: the draws are pure arithmetic and the receivers'
    // state is scattered in memory, so separating the two lets the accesses of one
    // transmission's copies overlap instead of each waiting its turn.
    const start = offsets[v]!;
    const end = offsets[v + 1]!;
    let heard = 0;
    for (let e = start; e < end; e++) {
      if (counterUniform(k0, k1, e) >= linkSuccess[e]!) continue;
      heardBy[heard] = neighbours[e]!;
      const ta = t + delays.at(e) + airtimeS;
      heardAt[heard++] = ta > t ? ta : afterS(t);
    }
    lost += end - start - heard;
    receptions += heard;
    for (let i = 0; i < heard; i++) {
      const u = heardBy[i]!;
      const ta = heardAt[i]!;
      if (!(times[2 * u + 1]! >= ta)) times[2 * u + 1] = ta;
      if (pastExpiry(ta, expiryS)) {
        expired++;
        continue;
      }
      inTime++;
      // Handled nodes have negative hops, so a copy tying with their earliest never wins.
      const earliest = times[2 * u]!;
      if (ta > earliest || (ta === earliest && next >= hops[u]!)) continue;
      if (earliest === Infinity) reached.nodes[reached.size++] = u;
      times[2 * u] = ta;
      hops[u] = next;
      if (inWindows) windows.add(ta, u);
      else queue.push(ta, u);
    }
  }
  counters[COUNTER.transmissions]! += transmissions;
  counters[COUNTER.receptions]! += receptions;
  counters[COUNTER.lost]! += lost;
  counters[COUNTER.duplicates]! += inTime;
  counters[COUNTER.expired]! += expired;
  counters[COUNTER.hopLimited]! += hopLimited;
}

/**
 * The arrival time of a copy sent at `t` whose hop takes no time on the clock (a delay of 0
 * without airtime, or one below the resolution of a double at t): the next representable time
 * or the one after. Every hop then takes time, so no copy can reach a node at the instant it is
 * handled, and copies arriving together are all known before either is handled.
 * @internal
 */
export function afterS(t: number): number {
  return t + Math.max(Math.abs(t) * 4.440892098500626e-16, Number.MIN_VALUE);
}

/**
 * Scratch of {@link floodPacketPerOrigin}: each node's earliest arrival over the origins, and the
 * nodes that have one.
 * @internal
 */
export interface FirstArrivals {
  /** Per node, +Infinity where no origin's copy arrived. */
  readonly firstS: Float64Array;
  readonly reached: ReachedNodes;
}

/**
 * {@link FirstArrivals} for a mesh of n nodes, none reached.
 * @internal
 */
export function firstArrivals(n: number): FirstArrivals {
  return { firstS: new Float64Array(n).fill(Infinity), reached: new ReachedNodes(n) };
}

/**
 * Floods one packet injected by several origins as separate messages (spec `duplicates:
 * 'per-origin'`, contention off): each origin's copy is a flood of its own (a node forwards
 * each origin's copy once), with its own streams. They do not interact on the air, so a node
 * holds the packet from its earliest arrival over all origins; the tank takes it then.
 * Counters add up the floods' transmissions and receptions; `reached` counts each node once,
 * and every in-time copy beyond a node's first (whichever origin sent it) is a duplicate — the
 * redundant receptions overlapping floods cost.
 * @param perOrigin - one flood state per origin (origins = that one origin, no tank rows so
 *   the floods leave the tanks alone), sharing the pass's outputs
 * @param s - the pass's flood state (tanks and counters are written through it)
 * @param first - scratch: earliest arrival per node over the origins (n entries, +Infinity where
 *   none: as {@link firstArrivals} makes it and this leaves it) and the nodes that have one
 * @internal
 */
export function floodPacketPerOrigin(
  s: FloodState,
  perOrigin: readonly FloodState[],
  first: FirstArrivals,
  segment: number,
  sendS: number,
  links: readonly CounterKey[],
  delays: readonly LinkDelays[],
): void {
  const { counters, earliestAndHeardS: times, reached: list } = s;
  const { firstS, reached: firstList } = first;
  const reachedBefore = counters[COUNTER.reached]!;
  const duplicatesBefore = counters[COUNTER.duplicates]!;
  // In-time copies over all floods: each flood's duplicates plus its first copies to non-origins.
  let inTime = 0;
  firstList.clear(firstS, 1);
  for (let i = 0; i < perOrigin.length; i++) {
    const r = counters[COUNTER.reached]!;
    const d = counters[COUNTER.duplicates]!;
    floodPacket(perOrigin[i]!, segment, sendS, links[i]!, delays[i]!);
    inTime += counters[COUNTER.duplicates]! - d + (counters[COUNTER.reached]! - r - 1);
    // The nodes this origin's copy reached (the states share one list and one set of times).
    for (let k = 0; k < list.size; k++) {
      const v = list.nodes[k]!;
      const t = times[2 * v]!;
      if (t < firstS[v]!) {
        if (firstS[v] === Infinity) firstList.nodes[firstList.size++] = v;
        firstS[v] = t;
      }
    }
  }
  const reached = takeAtEarliest(s, segment, firstS, 1, firstList);
  counters[COUNTER.reached] = reachedBefore + reached;
  counters[COUNTER.duplicates] = duplicatesBefore + inTime - (reached - perOrigin.length);
}
