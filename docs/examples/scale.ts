import { generators, runBroadcast, runBroadcastParallel } from 'meshcast';

// A 20,000-meter utility built straight to typed arrays (no Network objects), one pass of a
// 200-packet image from every collector as one multi-source flood, on one thread and then on
// every core.
const mesh = generators.utilityMesh({ collectors: 8, endpointsPerCollector: 2500, seed: 1 });
const origins = Array.from(mesh.collectors, (c) => mesh.id(c));
const spec = { origins, packets: 200, maxHops: 40, ttlS: 300, duplicates: 'per-packet' as const };

let t = performance.now();
const oneThread = runBroadcast(mesh, spec, { seed: 7 });
const oneThreadS = (performance.now() - t) / 1000;
t = performance.now();
const allCores = await runBroadcastParallel(mesh, spec, { seed: 7, workers: 'auto' });
const allCoresS = (performance.now() - t) / 1000;

// Contention off, packets are independent: the same answer on any number of workers.
if (JSON.stringify(allCores.summary()) !== JSON.stringify(oneThread.summary()))
  throw new Error('runBroadcastParallel must equal runBroadcast');
const receptions = oneThread.stats.receptions;
console.log(
  `${mesh.n.toLocaleString('en-US')} devices, ${mesh.neighbours.length.toLocaleString('en-US')} directed links`,
);
console.log(`coverage ${(100 * oneThread.coverage).toFixed(2)} %, ${(receptions / 1e6).toFixed(1)} M receptions`);
console.log(
  `one thread ${oneThreadS.toFixed(2)} s (${(receptions / oneThreadS / 1e6).toFixed(1)} M receptions/s), all ` +
    `cores ${allCoresS.toFixed(2)} s`,
);
