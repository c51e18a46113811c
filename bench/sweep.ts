/**
 * Sweep on two workers: 40 Maximum Hops values × 4 TTLs on a 10,000-meter network, on 1 worker
 * and on 2, in the same process; the figure is the speed-up. Uses the built package (worker
 * threads).
 *
 *   npm run bench:sweep                  (1 replication per cell)
 *   npm run bench:sweep -- --replications 100   (the figure in bench/RESULTS.md: same shape, 100× longer)
 *   npm run bench:sweep -- --replications 3
 */
import { cpus } from 'node:os';
import { sweep, type Scenario } from '../dist/index.js';

const repsArg = process.argv.indexOf('--replications');
const replications = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 1;
const scenario: Scenario = {
  seed: 6,
  network: { generator: 'utility', options: { collectors: 4, endpointsPerCollector: 2500, seed: 6 } },
  broadcast: { origins: 'all', packets: 5, spacingS: 70, limits: 'research' },
};
const grid = { maxHops: Array.from({ length: 40 }, (_, i) => i + 1), ttlS: [60, 120, 300, 600] };

async function timed(workers: number): Promise<{ s: number; json: string }> {
  const t = performance.now();
  const out = await sweep(scenario, grid, { replications, workers });
  return { s: (performance.now() - t) / 1000, json: JSON.stringify(out.records) };
}

const one = await timed(1);
const two = await timed(2);
if (one.json !== two.json) throw new Error('1 and 2 workers disagree');
const oneAgain = await timed(1);
const single = Math.min(one.s, oneAgain.s);
console.log(
  `Sweep on 1 and 2 workers, 40 × 4 cells × ${replications} replication(s), 10,000 meters, ${cpus().length} ` +
    `cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`,
);
console.log(
  `| workers | seconds | speed-up |\n|---:|---:|---:|\n| 1 | ${single.toFixed(1)} | 1.00 |\n| 2 | ` +
    `${two.s.toFixed(1)} | ${(single / two.s).toFixed(2)} |`,
);
