import { generators, HeadEnd, optimiseCampaign, type CandidateResult, type PackageInput, type Release } from 'meshcast';

// The optimiser on a small utility (docs/optimiser.md): a DCW campaign for 150 meters, the
// default search space (80 candidates and the guide's defaults among them), 200 runs at most.
const MODELS = ['focus-ax-integrated', 'router', 'mesh-extender'];
const pk = (type: PackageInput['type'], version: string, models?: string[]): PackageInput => ({
  type,
  version,
  packets: 12,
  ...(models === undefined ? {} : { models }),
});
const release: Release = { targets: [{ kind: 'meter', dcw: '2.0' }], packages: [pk('dcw', '2.0', MODELS)] };
const mesh = generators.utility({
  collectors: 3,
  endpointsPerCollector: 50,
  seed: 1,
  models: [{ model: 'focus-ax-integrated', share: 1, moduleFirmware: '7.08', dcw: '1.0' }],
  firmware: {
    collector: { module: '7.08' },
    router: { module: '7.08', dcw: '1.0' },
    meshExtender: { module: '7.08', dcw: '1.0' },
    waterModule: { module: '2.0' },
    gasModule: { module: '2.1' },
  },
});
const headEnd = new HeadEnd(mesh, {
  catalogue: [
    pk('moduleFirmware', '7.08', MODELS),
    pk('dcw', '1.0', MODELS),
    pk('collectorRadio', '7.08', ['collector']),
    pk('waterModuleFirmware', '2.0'),
    pk('gasModuleFirmware', '2.1', ['gas-module']),
  ],
  records: { staleShare: 0.05, seed: 1 },
});

const best = optimiseCampaign(headEnd, release, { coverageGoal: 0.98, budget: { runs: 200 }, seed: 1 });
const show = (name: string, c: CandidateResult | null): void => {
  if (c === null) return void console.log(`${name}: none`);
  const s = c.settings;
  const ci = c.ci95 === null ? '' : ` [${c.ci95[0].toFixed(0)}, ${c.ci95[1].toFixed(0)}]`;
  console.log(
    `${name}: Max. Layer + ${s.maxHopsOverLayer}, TTL ${s.ttlS} s, ${s.spacingS} s pacing, ${s.grouping}, ` +
      `${s.passes} pass(es) to ${s.remainderGoal * 100} %: ${c.meanDurationS.toFixed(0)} s${ci} ` +
      `over ${c.runs.length} run(s), coverage ≥ ${(c.minCoverage * 100).toFixed(1)} %`,
  );
};
console.log(`${best.runs} runs of ${best.budget}, ${best.candidates.length} candidates, ${best.changedFields} fields`);
show('winner', best.winner);
show('runner-up', best.runnerUp);
show('guide', best.guide);
for (const [name, d] of [
  ['winner − runner-up', best.versusRunnerUp],
  ['winner − guide', best.versusGuide],
] as const) {
  if (d === null) continue;
  const ci = d.ci95 === null ? 'no interval' : `95 % CI [${d.ci95[0].toFixed(1)}, ${d.ci95[1].toFixed(1)}] s`;
  console.log(`${name}: ${d.meanS.toFixed(1)} s over ${d.n} paired runs, ${ci}`);
}
if (best.winner === null || best.winner.meanDurationS > best.guide.meanDurationS) throw new Error('no faster winner');
