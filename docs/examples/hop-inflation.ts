import { generators, runBroadcast, type DelaySpec } from 'meshcast';

// Hop-count inflation (docs/model.md, "One broadcast pass"): the wider the per-hop delay's
// spread, the more first copies come over more hops than their layer + 1, and the more a hop
// limit near Max. Layer + 1 cuts the flood. The default scenario's network, 20 packets from all
// four collectors, Maximum TTL 300 s; coverage of meters at Maximum Hops = the deepest Max. Layer
// + 1 and + 2, 20 and 40.
const mesh = generators.utilityMesh({ seed: 1 });
const delays: [string, DelaySpec | undefined][] = [
  ['uniform 1.5–2.5 s (default)', undefined],
  ['uniform 1–3 s', { kind: 'uniform', minS: 1, maxS: 3 }],
  ['gamma, shape 4, mean 2 s', { kind: 'gamma', shape: 4, meanS: 2 }],
  ['exponential, mean 2 s', { kind: 'exponential', meanS: 2 }],
  ['constant 2 s', { kind: 'constant', valueS: 2 }],
];
const spec = { origins: 'all', packets: 20, ttlS: 300, targets: { kinds: ['meter'] } } as const;
const deepest = Math.max(...mesh.maxLayer.values());
const hops = [deepest + 1, deepest + 2, 20, 40];
console.log(
  `Max. Layer ${[...mesh.maxLayer].map(([c, l]) => `${c} ${l}`).join(', ')}; Maximum Hops ${hops.join(', ')}`,
);
const coverage = new Map<string, number[]>();
for (const [name, delay] of delays) {
  const radio = delay === undefined ? {} : { delay };
  coverage.set(
    name,
    hops.map((maxHops) => runBroadcast(mesh, { ...spec, maxHops }, { seed: 42, radio }).coverage),
  );
  console.log(
    `${name.padEnd(28)} ${coverage
      .get(name)!
      .map((c) => `${(100 * c).toFixed(1)}%`.padStart(7))
      .join('')}`,
  );
}
const atLayerPlusOne = (name: string): number => coverage.get(name)![0]!;
if (!(atLayerPlusOne('exponential, mean 2 s') < atLayerPlusOne('gamma, shape 4, mean 2 s')))
  throw new Error('a wider spread cuts more at Max. Layer + 1');
