/**
 * What resetting a head-end between the optimiser's campaign runs costs: restoreState from a
 * state saved once, against building a fresh head-end from the network (a factory), on
 * utilities of the given sizes. Checks first that both give the same campaign, then times them.
 *
 *   npx tsx bench/optimise-reset.ts
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { generators, HeadEnd, planUpgrade, runCampaign, type Release } from '../src/index.js';

const MODELS = ['focus-ax-integrated', 'router', 'mesh-extender'];
const pk = (type: string, version: string, models?: string[]) =>
  ({ type, version, ...(models === undefined ? {} : { models }), packets: 20 }) as never;
const release: Release = { targets: [{ kind: 'meter', dcw: '2.0' }], packages: [pk('dcw', '2.0', MODELS)] };
const catalogue = [
  pk('moduleFirmware', '7.08', MODELS),
  pk('dcw', '1.0', MODELS),
  pk('collectorRadio', '7.08', ['collector']),
  pk('waterModuleFirmware', '2.0'),
  pk('gasModuleFirmware', '2.1', ['gas-module']),
];

console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}`);
console.log('endpoints  restoreState ms  new HeadEnd ms  one campaign ms');
for (const endpoints of [1_000, 10_000, 50_000]) {
  const collectors = Math.max(1, Math.round(endpoints / 2500));
  const mesh = generators.utility({
    collectors,
    endpointsPerCollector: Math.round(endpoints / collectors),
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
  const factory = (): HeadEnd => new HeadEnd(mesh, { catalogue, records: { staleShare: 0.05, seed: 1 } });
  const he = factory();
  const start = he.saveState();
  const plan = planUpgrade(he, release);
  // Answers first: a campaign on the restored head-end equals one on a fresh head-end.
  let t = performance.now();
  const a = runCampaign(he, plan, { seed: 1 });
  const campaignMs = performance.now() - t;
  he.restoreState(start);
  he.forgetImages();
  const b = runCampaign(he, plan, { seed: 1 });
  const c = runCampaign(factory(), plan, { seed: 1 });
  if (a.durationS !== b.durationS || b.durationS !== c.durationS || b.transmissions !== c.transmissions) {
    throw new Error('restored and fresh head-ends disagree');
  }
  const reps = 10;
  t = performance.now();
  for (let i = 0; i < reps; i++) {
    he.restoreState(start);
    he.forgetImages();
  }
  const restoreMs = (performance.now() - t) / reps;
  t = performance.now();
  for (let i = 0; i < reps; i++) factory();
  const freshMs = (performance.now() - t) / reps;
  const cells = [String(endpoints), restoreMs.toFixed(2), freshMs.toFixed(2), campaignMs.toFixed(0)];
  console.log(cells.map((c, i) => c.padStart([9, 15, 14, 15][i]!)).join('  '));
}
