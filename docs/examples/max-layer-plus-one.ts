import { generators, runBroadcast, type RadioOptions } from 'meshcast';

// The guide's advice, Maximum Hops = Max. Layer + 1 with Maximum TTL 60 s, against 40 hops: each
// collector of four default utilities broadcasts 20 packets to its own meters (docs/model.md,
// "Per-hop delay"). Arguments, all optional: radio options, utility options (JSON), packets and
// utility seeds, e.g.
// npx tsx docs/examples/max-layer-plus-one.ts '{"delay":{"kind":"uniform","minS":1,"maxS":3}}'
// npx tsx docs/examples/max-layer-plus-one.ts '{}' '{"cellSideM":6000,"neighbourTable":4}' 20 1,2,3
const [radioArg, utilityArg, packetsArg, seedsArg] = process.argv.slice(2);
const radio = JSON.parse(radioArg ?? '{}') as RadioOptions;
const utility = JSON.parse(utilityArg ?? '{}') as generators.UtilityOptions;
const packets = Number(packetsArg ?? 20);
const seeds = (seedsArg ?? '1,2,3,4').split(',').map(Number);

const gaps: number[] = [];
const deepest: number[] = [];
let targets = 0;
let atLayerPlusOne = 0;
let atForty = 0;
let frames = 0;
for (const seed of seeds) {
  const mesh = generators.utilityMesh({ ...utility, seed });
  for (const c of mesh.collectors) {
    const id = mesh.id(c);
    const spec = { origins: [id], packets, ttlS: 60, targets: { kinds: ['meter'], collectors: [id] } } as const;
    const guide = runBroadcast(mesh, { ...spec, maxHops: { maxLayerPlus: 1 } }, { seed: 7, radio });
    const forty = runBroadcast(mesh, { ...spec, maxHops: 40 }, { seed: 7, radio });
    const layer = guide.layers[guide.layers.length - 1]!;
    gaps.push(100 * (forty.coverage - guide.coverage));
    deepest.push(layer.coverage);
    targets += guide.targets;
    atLayerPlusOne += guide.completed;
    atForty += forty.completed;
    frames += guide.stats.transmissions / packets;
    console.log(
      `utility ${seed} ${id}: Maximum Hops ${guide.spec.maxHops}, gap ${gaps.at(-1)!.toFixed(2)} points, ` +
        `layer ${layer.layer} ${layer.completed} of ${layer.targets}`,
    );
  }
}
const n = gaps.length;
const mean = gaps.reduce((a, b) => a + b, 0) / n;
console.log(
  `gap ${mean.toFixed(2)} / ${Math.max(...gaps).toFixed(2)} points (mean / worst); deepest layer ` +
    `${((100 * deepest.reduce((a, b) => a + b, 0)) / n).toFixed(1)} % (${deepest.filter((d) => d === 0).length} ` +
    `of ${n} collectors none); coverage ${((100 * atLayerPlusOne) / targets).toFixed(2)} / ` +
    `${((100 * atForty) / targets).toFixed(2)} %; ${(frames / n).toFixed(0)} frames per packet at Max. Layer + 1`,
);
if (process.argv.length === 2 && !(mean < 2))
  throw new Error('Max. Layer + 1 reaches what 40 hops reaches, within 2 points');
