import FastPriorityQueue from 'fastpriorityqueue';
import { packetDelaysPath, packetLinksPath } from '../src/random/purposes.js';
import { afterS } from '../src/broadcast/flood.js';
import { counterKey, counterUniform, linkDelays, type CompiledMesh, type DelaySpec, type Seed } from '../src/index.js';

/** One copy of a packet on its way to a node: the naive simulator's event. */
interface Copy {
  readonly t: number;
  readonly seq: number;
  readonly node: number;
  readonly hop: number;
}

/** What the naive simulator computes for one pass over mesh targets (no child modules). */
export interface ReferenceOutcome {
  /** Per target node: received[k] for every segment. */
  readonly received: Map<number, boolean[]>;
  /** Per target node: completion time or NaN. */
  readonly completedS: Map<number, number>;
  /** Per node: last time a copy was heard (NaN never). */
  readonly lastHeardS: Float64Array;
  readonly transmissions: number;
  readonly receptions: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly expired: number;
  readonly hopLimited: number;
}

/**
 * The obvious discrete-event simulation of a broadcast pass: every copy of every packet is an
 * event object in a priority queue ordered by (time, hop count, sequence); a node acts on the
 * first copy it gets and counts every later one as a duplicate. The copy over link e draws its
 * trial and delay as number e of the packet's counter-based streams. Written for clarity, not
 * speed, as the oracle the fast path is compared with.
 */
export function referencePass(
  mesh: CompiledMesh,
  opts: {
    origins: number[];
    targets: number[];
    packets: number;
    spacingS: number;
    maxHops: number;
    ttlS: number;
    delay: DelaySpec;
    airtimeS: number;
    seed: Seed;
    /**
     * `'per-packet'` (the default here): one flood from every origin; `'per-origin'`: a flood per origin,
     * each its own message.
     */
    duplicates?: 'per-packet' | 'per-origin';
  },
): ReferenceOutcome {
  const received = new Map<number, boolean[]>();
  const completedS = new Map<number, number>();
  const lastNeeded = new Map<number, number>();
  for (const t of opts.targets) {
    received.set(t, new Array<boolean>(opts.packets).fill(false));
    completedS.set(t, NaN);
    lastNeeded.set(t, -Infinity);
  }
  const lastHeardS = new Float64Array(mesh.n).fill(NaN);
  const forwards = (v: number): boolean =>
    mesh.device(v).kind === 'collector'
      ? opts.origins.includes(v)
      : mesh.device(v).kind !== 'gasModule' && mesh.device(v).kind !== 'waterModule';
  let transmissions = 0;
  let receptions = 0;
  let lost = 0;
  let inTime = 0;
  let reachedCopies = 0;
  let expired = 0;
  let hopLimited = 0;
  const perOrigin = opts.duplicates === 'per-origin' && opts.origins.length > 1;
  // Each flood: the origins it starts from, and the index of the origin whose streams it draws.
  const floods: [number[], number][] = perOrigin ? opts.origins.map((o, i) => [[o], i]) : [[opts.origins, 0]];
  for (let k = 0; k < opts.packets; k++) {
    const sendS = k * opts.spacingS;
    const expiry = sendS + opts.ttlS;
    // Each node's earliest copy of packet k over every flood.
    const earliest = new Map<number, number>();
    for (const [starts, origin] of floods) {
      const link = counterKey(opts.seed, ...packetLinksPath(0, 0, k, origin));
      const delay = linkDelays(opts.delay, counterKey(opts.seed, ...packetDelaysPath(0, 0, k, origin)));
      const queue = new FastPriorityQueue<Copy>(
        (a, b) => a.t < b.t || (a.t === b.t && (a.hop < b.hop || (a.hop === b.hop && a.seq < b.seq))),
      );
      let seq = 0;
      const has = new Set<number>();
      for (const o of starts) queue.add({ t: sendS, seq: seq++, node: o, hop: 1 });
      while (!queue.isEmpty()) {
        const c = queue.poll()!;
        if (has.has(c.node)) continue;
        has.add(c.node);
        if (!(lastHeardS[c.node]! >= c.t)) lastHeardS[c.node] = c.t;
        if (!(earliest.get(c.node)! <= c.t)) earliest.set(c.node, c.t);
        if (!forwards(c.node)) continue;
        if (c.hop >= opts.maxHops) {
          hopLimited++;
          continue;
        }
        transmissions++;
        for (let e = mesh.offsets[c.node]!; e < mesh.offsets[c.node + 1]!; e++) {
          if (counterUniform(link.k0, link.k1, e) >= mesh.linkSuccess[e]!) {
            lost++;
            continue;
          }
          receptions++;
          const u = mesh.neighbours[e]!;
          const sum = c.t + delay.at(e) + opts.airtimeS;
          const ta = sum > c.t ? sum : afterS(c.t); // a hop always takes time on the clock
          if (!(lastHeardS[u]! >= ta)) lastHeardS[u] = ta;
          if (ta > expiry) {
            expired++;
            continue;
          }
          inTime++;
          queue.add({ t: ta, seq: seq++, node: u, hop: c.hop + 1 });
        }
      }
    }
    // Every in-time copy over the air is a duplicate but the first to reach each non-origin node.
    reachedCopies += earliest.size - opts.origins.length;
    for (const [node, t] of earliest) {
      const tank = received.get(node);
      if (tank === undefined || tank[k]) continue;
      tank[k] = true;
      lastNeeded.set(node, Math.max(lastNeeded.get(node)!, t));
      if (tank.every(Boolean)) completedS.set(node, lastNeeded.get(node)!);
    }
  }
  const duplicates = inTime - reachedCopies;
  return { received, completedS, lastHeardS, transmissions, receptions, lost, duplicates, expired, hopLimited };
}
