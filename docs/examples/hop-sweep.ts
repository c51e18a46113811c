import { compile, generators, runBroadcast } from 'meshcast';

// Why "Maximum Hops = Max. Layer + 1": sweep Maximum Hops on one network and watch coverage.
const net = generators.utility({ collectors: 1, endpointsPerCollector: 1500, seed: 7 });
const maxLayer = compile(net).maxLayer.get('C1')!;
const rows: string[] = [];
for (let maxHops = 2; maxHops <= maxLayer + 3; maxHops++) {
  const r = runBroadcast(net, { origins: ['C1'], packets: 20, maxHops, ttlS: 60 }, { seed: 1 });
  rows.push(
    `${String(maxHops).padStart(3)}  ${(100 * r.coverage).toFixed(1).padStart(5)}%  hop-limited ${r.stats.hopLimited}`,
  );
}
console.log(`Max. Layer ${maxLayer}\nhops  coverage\n${rows.join('\n')}`);
const at = (h: number): number =>
  runBroadcast(net, { origins: ['C1'], packets: 20, maxHops: h, ttlS: 60 }, { seed: 1 }).coverage;
if (!(at(maxLayer + 1) > at(maxLayer - 1)))
  throw new Error('coverage should grow with Maximum Hops up to Max. Layer + 1');
