import { readFileSync } from 'node:fs';
import { loadScenario, planCampaignScenario, runCampaign, type CampaignResult } from 'meshcast';

// The bundled single head-end campaign (docs/model.md, "The upgrade campaign"), run as planned —
// the guide's settings, seed meters — and naively: Maximum TTL 300 s, every collector in each
// broadcast, no seed meters. Same network (300 meters per collector here), records and seed.
const bundled = JSON.parse(
  readFileSync(new URL('../../scenarios/campaign-single-headend.json', import.meta.url), 'utf8'),
);
const air = process.argv.includes('--shared-air') ? { radio: { contention: 'csma' as const } } : {};
const scenario = {
  ...bundled,
  network: { ...bundled.network, options: { ...bundled.network.options, endpointsPerCollector: 300 } },
};
const naive = {
  ...scenario,
  campaign: { ...scenario.campaign, seeding: false, settings: { ttlS: 300, grouping: 'all' } },
};
const run = (data: unknown): { result: CampaignResult; problems: string[] } => {
  const planned = planCampaignScenario(loadScenario(data));
  const result = runCampaign(planned.headEnd, planned.plan, { seed: 1, ...air });
  return { result, problems: planned.problems.map((p) => `${p.rule} (${p.count})`) };
};
const best = run(scenario);
const worse = run(naive);
console.log('| campaign | duration, days | broadcast frames | unicast messages | RF reconfigurations | left |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, { result: r }] of [
  ['as planned', best],
  ['naive', worse],
] as const) {
  console.log(
    `| ${name} | ${(r.durationS / 86_400).toFixed(2)} | ${r.transmissions.toLocaleString('en-US')} | ` +
      `${r.messages.toLocaleString('en-US')} | ${r.reconfigurations.toLocaleString('en-US')} | ${r.left.total} |`,
  );
}
console.log(`the naive plan's problems: ${worse.problems.join(', ')}`);
console.log(`left, as planned: ${JSON.stringify(best.result.left.byReason)}`);
if (best.problems.length !== 0 || best.result.reconfigurations !== 0) throw new Error('the plan follows the guide');
if (worse.result.reconfigurations < 1000) throw new Error('without seed meters, the changed meters reconfigure');
