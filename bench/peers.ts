/**
 * Peer engines side by side with meshcast on the grid flood (1000 × 1000, one packet from the
 * centre, link success 0.9, exponential hop delay of mean 2 s, forward the first copy, no limits):
 * - a C binary-heap discrete-event flood (bench/peers/flood_heap.c), compiled here with the
 *   system's C compiler — the native anchor: meshcast's ratio to it is the figure to watch;
 * - SimPy 2 (Debian's python3-simpy), written as a SimPy user would (bench/peers/simpy_flood.py);
 * - meshcast's runBroadcast and the breadth-first floor (same draws, no clock), in this process.
 * Each engine makes its own draws (different generators), so the figures are throughput ratios on
 * the same workload shape, measured in the same minute. A peer that cannot run here (no compiler,
 * no SimPy) is reported as skipped, with what to install.
 *
 *   apt-get install gcc python3-simpy && npm run bench:peers [-- WIDTH]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generators, runBroadcast } from '../src/index.js';
import { bfsSameDraws } from './bfs.js';

const side = Number(process.argv[2] ?? 1000);
const mesh = generators.gridMesh({ width: side, success: 0.9 });
const delay = { kind: 'exponential', meanS: 2 } as const;
const spec = { origins: ['C1'], packets: 1, maxHops: 1e9, ttlS: Infinity, limits: 'research' } as const;

interface Peer {
  readonly seconds: number;
  readonly receptions: number;
}

/** Runs a peer's command; null (with the reason printed) when it cannot run on this machine. */
function peer(name: string, install: string, run: () => string): Peer | null {
  try {
    const out = run();
    return {
      seconds: Number(/(?:best_s|seconds)=([\d.]+)/.exec(out)![1]),
      receptions: Number(/receptions=(\d+)/.exec(out)![1]),
    };
  } catch (e) {
    console.error(`${name} skipped (${install}): ${(e as Error).message.split('\n')[0]}`);
    return null;
  }
}

/** The C anchor: compiled into a scratch directory, best of five timed runs after a warm-up. */
function cFlood(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshcast-peers-'));
  try {
    const binary = join(dir, 'flood_heap');
    const source = join(import.meta.dirname, 'peers', 'flood_heap.c');
    execFileSync('cc', ['-O2', '-o', binary, source, '-lm'], { stdio: ['ignore', 'ignore', 'pipe'] });
    return execFileSync(binary, [String(side), '5'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let meshcastS = Infinity;
let bfsS = Infinity;
let receptions = 0;
const c = peer('C heap flood', 'needs a C compiler: apt-get install gcc', cFlood);
for (let i = 0; i < 5; i++) {
  let t = performance.now();
  receptions = runBroadcast(mesh, spec, { seed: i, radio: { delay } }).stats.receptions;
  meshcastS = Math.min(meshcastS, (performance.now() - t) / 1000);
  t = performance.now();
  bfsSameDraws(mesh, 0, i, delay);
  bfsS = Math.min(bfsS, (performance.now() - t) / 1000);
}
const cAfter = peer('C heap flood', 'needs a C compiler: apt-get install gcc', cFlood);
const simpy = peer('SimPy', 'apt-get install python3-simpy', () =>
  execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'peers', 'simpy_flood.py'), String(side)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }),
);
const count = (x: number): string => x.toLocaleString('en-US');
console.log(`Grid flood, ${side}×${side} grid, p = 0.9, exponential delay (mean 2 s); Node ${process.version}`);
console.log('| engine | seconds | receptions | ÷ meshcast |');
console.log('|---|---:|---:|---:|');
console.log(`| meshcast runBroadcast (best of 5) | ${meshcastS.toFixed(2)} | ${count(receptions)} | 1.00 |`);
console.log(
  `| breadth-first floor, same draws (best of 5) | ${bfsS.toFixed(2)} | | ${(bfsS / meshcastS).toFixed(2)} |`,
);
// The C flood runs before and after meshcast; the faster of its two bests is the anchor.
const anchorS = c && cAfter ? Math.min(c.seconds, cAfter.seconds) : null;
if (c && cAfter && anchorS !== null) {
  console.log(
    `| C binary-heap flood, cc -O2 (best of 5, before and after: ${c.seconds.toFixed(2)}, ` +
      `${cAfter.seconds.toFixed(2)}) | ${anchorS.toFixed(2)} | ${count(c.receptions)} | ` +
      `${(anchorS / meshcastS).toFixed(2)} |`,
  );
}
if (simpy) {
  console.log(
    `| SimPy 2, one process per copy (one run) | ${simpy.seconds.toFixed(2)} | ${count(simpy.receptions)} | ` +
      `${(simpy.seconds / meshcastS).toFixed(1)} |`,
  );
}
if (anchorS !== null) console.log(`\nmeshcast ÷ C heap flood: ${(meshcastS / anchorS).toFixed(2)} × (target ≤ 1.0 ×)`);
