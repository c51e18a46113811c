/**
 * Utility at scale: one pass of a 1,000-packet image over a utility of 1,000,000 meters (plus routers,
 * extenders, gas and water modules), contention off, on all cores. Reports wall time, peak
 * resident memory (after the build, and at peak) and bytes per endpoint (meter) beyond the tank
 * bits.
 *
 *   npm run bench:scale                          (a million meters: about 40 s to build, then the pass)
 *   npm run bench:scale -- --collectors 40 --packets 100   (a 100,000-meter rehearsal)
 */
import { availableParallelism, cpus } from 'node:os';
import { generators, runBroadcastParallel } from '../dist/index.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const collectors = arg('--collectors', 400);
const packets = arg('--packets', 1000);
const workers = arg('--workers', availableParallelism());
const meters = collectors * 2500;

let t = performance.now();
const mesh = generators.utilityMesh({ collectors, endpointsPerCollector: 2500, seed: 1 });
const buildS = (performance.now() - t) / 1000;
const builtB = process.memoryUsage.rss();
t = performance.now();
const origins = Array.from(mesh.collectors, (c) => mesh.id(c));
let nextReport = 0;
const onProgress = (flooded: number, total: number): void => {
  if (flooded < nextReport) return;
  process.stderr.write(`  ${flooded} of ${total} packets flooded, ${((performance.now() - t) / 1000).toFixed(0)} s\n`);
  nextReport = flooded + total / 10;
};
const r = await runBroadcastParallel(
  mesh,
  { origins, packets, maxHops: 40, ttlS: 300 },
  { seed: 1, workers, onProgress },
);
const passS = (performance.now() - t) / 1000;
const peakB = process.resourceUsage().maxRSS * 1024;
const tankB = Math.ceil(packets / 8) * r.targets;
console.log(
  `Utility at scale — ${meters.toLocaleString('en-US')} meters (${mesh.n.toLocaleString('en-US')} devices, ` +
    `${(mesh.neighbours.length / 2).toLocaleString('en-US')} links), ${packets} packets, ${workers} workers; ` +
    `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`,
);
console.log(`| build | pass | coverage | receptions | RSS after build | peak RSS | peak RSS − tank bits, per meter |`);
console.log(`|---:|---:|---:|---:|---:|---:|---:|`);
console.log(
  `| ${buildS.toFixed(1)} s | ${passS.toFixed(1)} s | ${(100 * r.coverage).toFixed(2)} % | ` +
    `${(r.stats.receptions / 1e9).toFixed(2)} G | ${(builtB / 1e6).toFixed(0)} MB | ` +
    `${(peakB / 1e6).toFixed(0)} MB | ${((peakB - tankB) / meters).toFixed(0)} B |`,
);
