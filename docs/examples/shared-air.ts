import { generators, runBroadcast, runBroadcasts } from 'meshcast';

// Shared-air effects of docs/model.md ("Contention"), one seed each.
const radio = { contention: 'csma' } as const;

// Interval reads before, during and after a 40-packet broadcast from both collectors
// (scenarios/reads-during-broadcast.json's network and traffic) at 70 s and 15 s spacing.
const mesh = generators.utilityMesh({ collectors: 2, endpointsPerCollector: 1200, seed: 5 });
const spec = { origins: ['C1', 'C2'], packets: 40, maxHops: 12, ttlS: 60 };
for (const spacingS of [70, 15]) {
  const r = runBroadcast(mesh, { ...spec, spacingS }, { seed: 1, radio, traffic: { reads: { intervalS: 300 } } });
  const { before, during, after } = r.air!.reads!;
  const pct = (k: { successRate: number }): string => `${(100 * k.successRate).toFixed(1)}%`;
  console.log(`reads, ${spacingS} s spacing: ${pct(before)} before, ${pct(during)} during, ${pct(after)} after`);
}

// Two broadcasts at once on a sparse mesh (neighbour tables of 4, 6 km cells): meters, and gas
// modules 5 s later, each 30 packets at 10 s.
const sparse = generators.utilityMesh({
  collectors: 2,
  endpointsPerCollector: 1500,
  seed: 9,
  cellSideM: 6000,
  neighbourTable: 4,
});
const a = { origins: ['C1', 'C2'], packets: 30, spacingS: 10, maxHops: 12, ttlS: 60 };
const b = { ...a, startS: 5, targets: { kinds: ['gasModule'] } } as const;
const together = runBroadcasts(sparse, [a, b], { seed: 1, radio }).map((r) => r.coverage);
const alone = [a, b].map((x) => runBroadcast(sparse, x, { seed: 1, radio }).coverage);
const show = (x: number[]): string => x.map((c) => `${(100 * c).toFixed(1)}%`).join(' / ');
console.log(`sparse mesh, one pass: ${show(together)} together, ${show(alone)} alone`);
if (!(together[0]! + together[1]! < alone[0]! + alone[1]!)) throw new Error('parallel broadcasts cost each other');
