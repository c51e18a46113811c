/**
 * What a native flood kernel would buy: the loop an upgrade campaign spends its time in, written
 * twice — in JavaScript here and in C (bench/peers/flood_kernel.c, compiled with the system's C
 * compiler) — run on the same utility mesh with the same draws, and meshcast's own flood beside
 * them. Per-origin floods from the collectors (every `--stride`-th), Maximum Hops = their largest
 * Max. Layer + 1, TTL 60 s, uniform hop delays of 1.5–2.5 s, `--packets` packets 70 s apart. The
 * twins must report the same counters (the run fails otherwise); the figure is nanoseconds per
 * reception, best of three runs each, the twins alternating.
 *
 *   npm run bench:kernel                                        10,000 meters, 200 packets
 *   npm run bench:kernel -- --meters 1000000 --packets 4 --stride 8   a million meters, 50 collectors
 *
 * The twins take no tanks and keep no results: their figures are what the loop alone costs per
 * reception in each language (docs/decisions/0028-flood-in-javascript.md).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generators, runBroadcast, type CompiledMesh } from '../src/index.js';
import { mix32 } from '../src/random/counter.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const meters = arg('--meters', 10_000);
const packets = arg('--packets', 200);
const stride = arg('--stride', 1);
const perCollector = 2500;

const MIN_S = 1.5;
const SPAN_S = 1;
const AIRTIME_S = 0;
const TTL_S = 60;
const SPACING_S = 70;

/** The twins' counters: equal in both, or the comparison is void. */
interface Counters {
  seconds: number;
  transmissions: number;
  receptions: number;
  lost: number;
  inTime: number;
  expired: number;
  hopLimited: number;
  heardSum: number;
}

/** The JavaScript twin of flood_kernel.c: the same loop, the same draws. */
function jsTwin(mesh: CompiledMesh, forwards: Uint8Array, origins: Int32Array, maxHops: number): Counters {
  const { n, offsets, neighbours, linkSuccess } = mesh;
  const uniform = (k0: number, k1: number, c: number): number =>
    (mix32(mix32(c ^ k0) ^ k1) >>> 0) * 2.3283064365386963e-10;
  const times = new Float64Array(2 * n);
  for (let v = 0; v < n; v++) [times[2 * v], times[2 * v + 1]] = [Infinity, NaN];
  const hops = new Int32Array(n);
  const reached = new Int32Array(n);
  let degree = 0;
  for (let v = 0; v < n; v++) degree = Math.max(degree, offsets[v + 1]! - offsets[v]!);
  const heardBy = new Int32Array(degree + 1);
  const heardAt = new Float64Array(degree + 1);
  const ring = Math.ceil((2 * (MIN_S + SPAN_S + AIRTIME_S)) / (MIN_S + AIRTIME_S)) + 3;
  const lists = Array.from({ length: ring }, () => new Int32Array(64));
  const lengths = new Int32Array(ring);
  const c = { transmissions: 0, receptions: 0, lost: 0, inTime: 0, expired: 0, hopLimited: 0 };
  let reachedSize = 0;
  let waiting = 0;
  const add = (t: number, baseS: number, invWidth: number, v: number): void => {
    const slot = Math.floor((t - baseS) * invWidth) % ring;
    if (lengths[slot] === lists[slot]!.length) {
      const grown = new Int32Array(2 * lengths[slot]!);
      grown.set(lists[slot]!);
      lists[slot] = grown;
    }
    lists[slot]![lengths[slot]!++] = v;
    waiting++;
  };
  const flood = (origin: number, sendS: number, l0: number, l1: number, d0: number, d1: number): void => {
    for (let i = 0; i < reachedSize; i++) times[2 * reached[i]!] = Infinity;
    reachedSize = 0;
    lengths.fill(0);
    waiting = 0;
    const hopS = MIN_S + AIRTIME_S;
    const invWidth = 2 / hopS;
    const expiryS = sendS + TTL_S;
    times[2 * origin] = sendS;
    hops[origin] = 1;
    reached[reachedSize++] = origin;
    if (!(times[2 * origin + 1]! >= sendS)) times[2 * origin + 1] = sendS;
    add(sendS, sendS, invWidth, origin);
    for (let k = 0; waiting > 0; k++) {
      const slot = k % ring;
      const taken = lengths[slot]!;
      const list = lists[slot]!;
      lengths[slot] = 0;
      waiting -= taken;
      for (let b = 0; b < taken; b++) {
        const v = list[b]!;
        if (hops[v]! < 0 || forwards[v] === 0) continue;
        hops[v] = -hops[v]!;
        const t = times[2 * v]!;
        const h = -hops[v]!;
        if (h >= maxHops) {
          c.hopLimited++;
          continue;
        }
        c.transmissions++;
        const next = h + 1;
        const start = offsets[v]!;
        const end = offsets[v + 1]!;
        let heard = 0;
        for (let e = start; e < end; e++) {
          if (uniform(l0, l1, e) >= linkSuccess[e]!) continue;
          heardBy[heard] = neighbours[e]!;
          heardAt[heard++] = t + (MIN_S + SPAN_S * uniform(d0, d1, e)) + AIRTIME_S;
        }
        c.lost += end - start - heard;
        c.receptions += heard;
        for (let i = 0; i < heard; i++) {
          const u = heardBy[i]!;
          const ta = heardAt[i]!;
          if (!(times[2 * u + 1]! >= ta)) times[2 * u + 1] = ta;
          if (ta > expiryS) {
            c.expired++;
            continue;
          }
          c.inTime++;
          const earliest = times[2 * u]!;
          if (ta > earliest || (ta === earliest && next >= hops[u]!)) continue;
          if (earliest === Infinity) reached[reachedSize++] = u;
          times[2 * u] = ta;
          hops[u] = next;
          add(ta, sendS, invWidth, u);
        }
      }
    }
  };
  const t0 = performance.now();
  for (let p = 0; p < packets; p++) {
    for (let i = 0; i < origins.length; i++) {
      const s = mix32(p * origins.length + i);
      flood(origins[i]!, p * SPACING_S, mix32(s ^ 1), mix32(s ^ 2), mix32(s ^ 3), mix32(s ^ 4));
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  let heardSum = 0;
  for (let v = 0; v < n; v++) if (times[2 * v + 1] === times[2 * v + 1]) heardSum += times[2 * v + 1]!;
  return { seconds, ...c, heardSum: Number(heardSum.toFixed(6)) };
}

/** The twins' input file: header, parameters, then the mesh's arrays (see flood_kernel.c). */
function writeInput(path: string, mesh: CompiledMesh, forwards: Uint8Array, origins: Int32Array, maxHops: number) {
  const header = new Int32Array([mesh.n, mesh.neighbours.length, origins.length, maxHops, packets]);
  const params = new Float64Array([MIN_S, SPAN_S, AIRTIME_S, TTL_S, SPACING_S]);
  const parts = [header, params, mesh.offsets, mesh.neighbours, mesh.linkSuccess, origins, forwards];
  writeFileSync(path, Buffer.concat(parts.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
}

function parseC(out: string): Counters {
  const field = (name: string): number => Number(new RegExp(`${name}=([\\d.]+)`).exec(out)![1]);
  return {
    seconds: field('seconds'),
    transmissions: field('transmissions'),
    receptions: field('receptions'),
    lost: field('lost'),
    inTime: field('inTime'),
    expired: field('expired'),
    hopLimited: field('hopLimited'),
    heardSum: field('heardSum'),
  };
}

function main(): void {
  const collectors = Math.max(1, Math.round(meters / perCollector));
  const mesh = generators.utilityMesh({ collectors, endpointsPerCollector: perCollector, seed: 1 });
  const origins = Int32Array.from(mesh.collectors.filter((_, i) => i % stride === 0));
  const maxHops = Math.max(...Array.from(origins, (o) => mesh.maxLayer.get(mesh.id(o)) ?? 0)) + 1;
  // As a pass makes them: relays forward, collectors only where they are origins.
  const forwards = mesh.relays.slice();
  for (const c of mesh.collectors) forwards[c] = 0;
  for (const o of origins) forwards[o] = 1;

  const dir = mkdtempSync(join(tmpdir(), 'meshcast-kernel-'));
  try {
    const input = join(dir, 'input.bin');
    const binary = join(dir, 'flood_kernel');
    writeInput(input, mesh, forwards, origins, maxHops);
    execFileSync('cc', ['-O2', '-o', binary, join(import.meta.dirname, 'peers', 'flood_kernel.c'), '-lm']);
    const best = { c: Infinity, js: Infinity, meshcast: Infinity };
    let twin: Counters | null = null;
    let meshcastReceptions = 0;
    for (let run = 0; run < 3; run++) {
      const c = parseC(execFileSync(binary, [input], { encoding: 'utf8' }));
      const js = jsTwin(mesh, forwards, origins, maxHops);
      for (const key of [
        'transmissions',
        'receptions',
        'lost',
        'inTime',
        'expired',
        'hopLimited',
        'heardSum',
      ] as const) {
        if (c[key] !== js[key]) throw new Error(`the twins disagree on ${key}: C ${c[key]}, JavaScript ${js[key]}`);
      }
      twin = c;
      best.c = Math.min(best.c, c.seconds);
      best.js = Math.min(best.js, js.seconds);
      const t0 = performance.now();
      const r = runBroadcast(
        mesh,
        {
          origins: Array.from(origins, (o) => mesh.id(o)),
          packets,
          spacingS: SPACING_S,
          duplicates: 'per-origin',
          maxHops,
          ttlS: TTL_S,
        },
        { seed: 1, radio: { delay: { kind: 'uniform', minS: MIN_S, maxS: MIN_S + SPAN_S } } },
      );
      best.meshcast = Math.min(best.meshcast, (performance.now() - t0) / 1000);
      meshcastReceptions = r.stats.receptions;
    }
    const ns = (seconds: number, receptions: number) => ((seconds * 1e9) / receptions).toFixed(1);
    console.log(
      `Flood kernel: utility ${mesh.n.toLocaleString('en-US')} devices ` +
        `(${(collectors * perCollector).toLocaleString('en-US')} meters), ${origins.length} collectors ` +
        `flooding one copy each (per-origin), Maximum Hops ${maxHops}, ${packets} packets; ` +
        `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}`,
    );
    console.log('| flood | receptions | best of 3, s | ns per reception | relative to the JavaScript twin |');
    console.log('|---|---:|---:|---:|---:|');
    const row = (name: string, seconds: number, receptions: number) =>
      console.log(
        `| ${name} | ${receptions.toLocaleString('en-US')} | ${seconds.toFixed(3)} | ${ns(seconds, receptions)} | ` +
          `${((seconds / receptions) * (twin!.receptions / best.js)).toFixed(2)} |`,
      );
    row('meshcast `runBroadcast` (its own draws, tanks taken)', best.meshcast, meshcastReceptions);
    row('JavaScript twin (same loop, no tanks)', best.js, twin!.receptions);
    row('C twin, `cc -O2` (same loop, same draws)', best.c, twin!.receptions);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
