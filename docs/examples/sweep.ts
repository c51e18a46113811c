import { formatSummaries, sweep, type Scenario } from 'meshcast';

// Maximum Hops × Maximum TTL on one collector area, 4 replications per cell, on all cores.
const scenario: Scenario = {
  seed: 3,
  network: { generator: 'utility', options: { collectors: 1, endpointsPerCollector: 800, seed: 3 } },
  radio: { delay: { kind: 'exponential', meanS: 2 } },
  broadcast: { origins: 'all', packets: 10, spacingS: 70 },
};
const outcome = await sweep(scenario, { maxHops: [4, 8, 12], ttlS: [60, 300] }, { replications: 4, workers: 'auto' });

console.log(formatSummaries(outcome.summaries));
const at = (hops: number, ttl: number): number =>
  outcome.summaries.find((s) => s.params['maxHops'] === hops && s.params['ttlS'] === ttl)!.coverage.mean;
if (!(at(12, 300) >= at(4, 300))) throw new Error('more hops never lower coverage here');
