/**
 * A peer engine side by side with meshcast on the grid flood (1000 × 1000): SimPy 2 (Debian's python3-simpy)
 * floods the same grid workload (bench/peers/simpy_flood.py); meshcast's runBroadcast and the
 * breadth-first floor run in this process. Each engine makes its own draws (different
 * generators), so the figure is a throughput ratio on the same workload shape.
 *
 *   apt-get install python3-simpy && npm run bench:peers
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { generators, runBroadcast } from '../src/index.js';
import { bfsSameDraws } from './bfs.js';

const side = Number(process.argv[2] ?? 1000);
const mesh = generators.gridMesh({ width: side, success: 0.9 });
const delay = { kind: 'exponential', meanS: 2 } as const;
const spec = { origins: ['C1'], packets: 1, maxHops: 1e9, ttlS: Infinity, limits: 'research' } as const;
let meshcastS = Infinity;
let bfsS = Infinity;
let receptions = 0;
for (let i = 0; i < 5; i++) {
  let t = performance.now();
  receptions = runBroadcast(mesh, spec, { seed: i, radio: { delay } }).stats.receptions;
  meshcastS = Math.min(meshcastS, (performance.now() - t) / 1000);
  t = performance.now();
  bfsSameDraws(mesh, 0, i, delay);
  bfsS = Math.min(bfsS, (performance.now() - t) / 1000);
}
const simpyOut = execFileSync(
  '/usr/bin/python3',
  [join(import.meta.dirname, 'peers', 'simpy_flood.py'), String(side)],
  { encoding: 'utf8' },
);
const simpyS = Number(/seconds=([\d.]+)/.exec(simpyOut)![1]);
const simpyReceptions = Number(/receptions=(\d+)/.exec(simpyOut)![1]);
console.log(`Grid flood, ${side}×${side} grid, p = 0.9, exponential delay (mean 2 s); Node ${process.version}`);
console.log('| engine | seconds | receptions | ÷ meshcast |');
console.log('|---|---:|---:|---:|');
console.log(
  `| meshcast runBroadcast (best of 5) | ${meshcastS.toFixed(2)} | ${receptions.toLocaleString('en-US')} | 1.00 |`,
);
console.log(
  `| breadth-first floor, same draws (best of 5) | ${bfsS.toFixed(2)} | | ${(bfsS / meshcastS).toFixed(2)} |`,
);
console.log(
  `| SimPy 2.3.1, one process per copy (one run) | ${simpyS.toFixed(2)} | ` +
    `${simpyReceptions.toLocaleString('en-US')} | ${(simpyS / meshcastS).toFixed(1)} |`,
);
