/**
 * Where a grid flood's time goes: the flood of one packet over the 10⁶-node grid (exponential hop
 * delays, mean 2 s; no hop or TTL limit) against the breadth-first floor, and against replays
 * of the same flood's work without any event queue — its settled nodes forwarding again, each
 * at its final earliest arrival, in three orders:
 *
 * - time order: the order the flood handles them in (what exact first-copy results need);
 * - buckets of 1 s, each in node order (what a Δ-stepping flood could at best reach);
 * - node order (what the floor's locality gives).
 *
 * A replay makes the flood's draws and its per-copy state updates (last heard, the earliest
 * arrival compared) and checks every copy loses to the receiver's final earliest arrival, so it
 * is the cost of handling nodes in that order once the queue's work is done. All timed in one
 * process, alternating (bench/timing.ts), minimum over the rounds.
 *
 * One more row comes from a process of its own (a second queue class in this one would make the
 * flood's queue calls polymorphic): the same flood whose queue only replays the pop sequence the
 * ladder queue gave (pushes do nothing), timed against the floor in that process — the flood
 * with a queue that costs next to nothing.
 *
 *   npm run bench:anatomy               (1000 × 1000 grid)
 *   npm run bench:anatomy -- --side 300
 */
import { floodPacket, floodScratch, loadLastHeard, type FloodState } from '../src/broadcast/flood.js';
import { checkRunOptions } from '../src/broadcast/options.js';
import { floodState } from '../src/broadcast/packets.js';
import { preparePass } from '../src/broadcast/pass.js';
import { checkSpec } from '../src/broadcast/spec.js';
import { createQueue, type EventQueue } from '../src/engine/queue.js';
import { execFileSync } from 'node:child_process';
import {
  counterKey,
  counterUniform,
  generators,
  linkDelays,
  type CompiledMesh,
  type DelaySpec,
  type LinkDelays,
} from '../src/index.js';
import { bfsSameDraws } from './bfs.js';
import { alternating } from './timing.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const side = arg('--side', 1000);
const rounds = arg('--rounds', 7);
const delay: DelaySpec = { kind: 'exponential', meanS: 2 };
const mesh = generators.gridMesh({ width: side, success: 0.9 });
const origin = mesh.index('C1');
const spec = { origins: ['C1'], packets: 1, maxHops: 1e9, ttlS: Infinity, limits: 'research' } as const;

/** A flood state over the mesh's own scratch, as `runBroadcast` builds it (its default queue unless given). */
function floodOf(m: CompiledMesh, queue: EventQueue = createQueue('ladder', 1024)): FloodState {
  const p = preparePass(m, checkSpec(spec), checkRunOptions({ radio: { delay } }));
  const st = p.state;
  const s = floodState(p, {
    tanks: st.tanks,
    missing: st.missing,
    lastNeededS: st.lastNeededS,
    lastHeardS: st.lastHeardS,
    counters: st.counters,
    ...floodScratch(m.offsets),
    relays: new Int32Array((m.n + 31) >> 5),
    queue,
  });
  loadLastHeard(s);
  return s;
}

const draws = (seed: number): { k0: number; k1: number; delays: LinkDelays } => {
  const { k0, k1 } = counterKey(seed, 'rep', 0, 'pass', 0, 'packet', 0);
  return { k0, k1, delays: linkDelays(delay, counterKey(seed, 'rep', 0, 'pass', 0, 'delay', 0)) };
};

/** Floods packet `seed` (a fresh draw each round). */
function flood(s: FloodState, seed: number): void {
  const { k0, k1, delays } = draws(seed);
  floodPacket(s, 0, 0, { k0, k1 }, delays);
}

/**
 * The settled nodes of the flood last run on `s` and their final earliest arrivals and hop
 * counts, in three orders.
 */
function orders(s: FloodState): {
  time: Int32Array;
  buckets: Int32Array;
  node: Int32Array;
  earliest: Float64Array;
  hops: Int32Array;
} {
  const n = s.hops.length;
  const earliest = new Float64Array(n);
  const hops = new Int32Array(n);
  const settled: number[] = [];
  for (let v = 0; v < n; v++) {
    earliest[v] = s.earliestAndHeardS[2 * v]!;
    hops[v] = Math.abs(s.hops[v]!);
    if (earliest[v]! < Infinity) settled.push(v);
  }
  const node = Int32Array.from(settled);
  const time = Int32Array.from(settled).sort((a, b) => earliest[a]! - earliest[b]! || hops[a]! - hops[b]!);
  const buckets = Int32Array.from(settled).sort((a, b) => Math.floor(earliest[a]!) - Math.floor(earliest[b]!) || a - b);
  return { time, buckets, node, earliest, hops };
}

/**
 * The flood's forwarding redone in `order` at the final arrivals: draws, last-heard updates and
 * the comparison with each receiver's earliest arrival (which must win: the labels are final).
 */
function replay(
  m: CompiledMesh,
  order: Int32Array,
  earliest: Float64Array,
  hops: Int32Array,
  times: Float64Array,
  seed: number,
): number {
  const { offsets, neighbours, linkSuccess } = m;
  const { k0, k1, delays } = draws(seed);
  for (let v = 0; v < earliest.length; v++) {
    times[2 * v] = earliest[v]!;
    times[2 * v + 1] = NaN;
  }
  let receptions = 0;
  for (let i = 0; i < order.length; i++) {
    const v = order[i]!;
    const t = times[2 * v]!;
    const next = hops[v]! + 1;
    for (let e = offsets[v]!, end = offsets[v + 1]!; e < end; e++) {
      if (counterUniform(k0, k1, e) >= linkSuccess[e]!) continue;
      receptions++;
      const u = neighbours[e]!;
      const ta = t + delays.at(e);
      if (!(times[2 * u + 1]! >= ta)) times[2 * u + 1] = ta;
      const first = times[2 * u]!;
      if (ta < first || (ta === first && next < hops[u]!))
        throw new Error(`replay: node ${u} got an earlier copy; the labels are not final`);
    }
  }
  return receptions;
}

/** The default (ladder) queue, recording the events it gives out in order. */
class Recording implements EventQueue {
  private readonly inner = createQueue('ladder', 1024);
  readonly times: number[] = [];
  readonly nodes: number[] = [];
  get size(): number {
    return this.inner.size;
  }
  push(timeS: number, payload: number): void {
    this.inner.push(timeS, payload);
  }
  peekTime(): number {
    return this.inner.peekTime();
  }
  pop(): number {
    this.times.push(this.inner.peekTime());
    const v = this.inner.pop();
    this.nodes.push(v);
    return v;
  }
  clear(): void {
    this.inner.clear();
  }
}

/** Gives out a recorded sequence of events again, whatever is pushed: a queue at next to no cost. */
class Replaying implements EventQueue {
  private next = 0;
  constructor(
    private readonly times: Float64Array,
    private readonly nodes: Int32Array,
  ) {}
  get size(): number {
    return this.times.length - this.next;
  }
  push(): void {}
  peekTime(): number {
    return this.times[this.next]!;
  }
  pop(): number {
    return this.nodes[this.next++]!;
  }
  clear(): void {
    this.next = 0;
  }
}

const seed = 7;
if (process.argv.includes('--replaying-queue')) {
  const recording = new Recording();
  flood(floodOf(mesh, recording), seed);
  const s = floodOf(mesh, new Replaying(Float64Array.from(recording.times), Int32Array.from(recording.nodes)));
  const [floorMs, floodMs] = await alternating(rounds, [
    ['floor', () => bfsSameDraws(mesh, origin, seed, delay)],
    ['flood', () => flood(s, seed)],
  ]);
  console.log(JSON.stringify({ floorMs, floodMs }));
  process.exit(0);
}

const s = floodOf(mesh);
flood(s, seed);
const o = orders(s);
const times = new Float64Array(2 * mesh.n);
const tasks: [string, () => unknown][] = [
  ['breadth-first floor (bench/bfs.ts)', () => bfsSameDraws(mesh, origin, seed, delay)],
  ['flood (floodPacket, ladder queue)', () => flood(s, seed)],
  ['replay in time order (no queue)', () => replay(mesh, o.time, o.earliest, o.hops, times, seed)],
  ['replay in 1-s buckets, node order within', () => replay(mesh, o.buckets, o.earliest, o.hops, times, seed)],
  ['replay in node order', () => replay(mesh, o.node, o.earliest, o.hops, times, seed)],
];
const best = await alternating(rounds, tasks);
const child = JSON.parse(
  execFileSync(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, '--replaying-queue', '--side', String(side), '--rounds', String(rounds)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  ),
) as { floorMs: number; floodMs: number };
const receptions = replay(mesh, o.node, o.earliest, o.hops, times, seed);
console.log(
  `Grid flood anatomy — ${side}×${side}, one packet, exponential delay (mean 2 s); ` +
    `${o.node.length.toLocaleString('en-US')} nodes settled, ${receptions.toLocaleString('en-US')} receptions; ` +
    `Node ${process.version}, min of ${rounds} alternating rounds`,
);
console.log('| task | min ms | ÷ floor | ns/reception |');
console.log('|---|---:|---:|---:|');
tasks.forEach(([name], i) =>
  console.log(
    `| ${name} | ${best[i]!.toFixed(0)} | ${(best[i]! / best[0]!).toFixed(2)} | ` +
      `${((best[i]! * 1e6) / receptions).toFixed(0)} |`,
  ),
);
console.log(
  `| flood whose queue replays the ladder queue's pops (own process; its floor ${child.floorMs.toFixed(0)} ms) ` +
    `| ${child.floodMs.toFixed(0)} | ${(child.floodMs / child.floorMs).toFixed(2)} | ` +
    `${((child.floodMs * 1e6) / receptions).toFixed(0)} |`,
);
