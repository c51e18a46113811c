import { generators, HeadEnd, planUpgrade, runCampaign, type PackageInput, type Release } from 'meshcast';

// Selective against full repeat passes (docs/optimiser.md, "Selective repeat"): the same DCW
// campaign on ten seeded utilities, repeat passes until no meter misses the image (at most 4),
// first with full repeats, then with repeats of only what a sample of 20 tanks still lacks.
const PACKETS = 20;
const MODELS = ['focus-ax-integrated', 'router', 'mesh-extender'];
const pk = (type: PackageInput['type'], version: string, models?: string[]): PackageInput => ({
  type,
  version,
  packets: PACKETS,
  ...(models === undefined ? {} : { models }),
});
const release: Release = { targets: [{ kind: 'meter', dcw: '2.0' }], packages: [pk('dcw', '2.0', MODELS)] };

function headEnd(seed: number): HeadEnd {
  const mesh = generators.utility({
    collectors: 3,
    endpointsPerCollector: 100,
    seed,
    models: [{ model: 'focus-ax-integrated', share: 1, moduleFirmware: '7.08', dcw: '1.0' }],
    firmware: {
      collector: { module: '7.08' },
      router: { module: '7.08', dcw: '1.0' },
      meshExtender: { module: '7.08', dcw: '1.0' },
      waterModule: { module: '2.0' },
      gasModule: { module: '2.1' },
    },
  });
  return new HeadEnd(mesh, {
    catalogue: [
      pk('moduleFirmware', '7.08', MODELS),
      pk('dcw', '1.0', MODELS),
      pk('collectorRadio', '7.08', ['collector']),
      pk('waterModuleFirmware', '2.0'),
      pk('gasModuleFirmware', '2.1', ['gas-module']),
    ],
    records: { staleShare: 0, seed },
  });
}

const WIDTHS = [4, 9, 10, 9, 12, 10, 8, 4];
const line = (cells: string[]): string =>
  cells.map((c, i) => (i === 1 ? c.padEnd(WIDTHS[i]!) : c.padStart(WIDTHS[i]!))).join('  ');
const totals = { full: [0, 0, 0, 0, 0, 0], selective: [0, 0, 0, 0, 0, 0] };
console.log('seed  repeat     duration s  RF frames  packets sent  in repeats  messages  left');
for (let seed = 1; seed <= 10; seed++) {
  for (const repeat of ['full', 'selective'] as const) {
    const he = headEnd(seed);
    const plan = planUpgrade(he, release, { repeat, passes: 4, remainderGoal: 0 });
    const r = runCampaign(he, plan, { seed });
    const sent = he
      .history()
      .filter((e) => e.outcome !== null)
      .map((e) => e.outcome!.result.packetsSent);
    const firstPasses = r.timeline.flatMap((s) => s.broadcasts).length * PACKETS;
    const row = [r.durationS, r.transmissions, sent.reduce((a, b) => a + b, 0), 0, r.messages, r.left.total];
    row[3] = row[2]! - firstPasses;
    row.forEach((x, i) => (totals[repeat][i]! += x));
    console.log(line([String(seed), repeat, row[0]!.toFixed(0), ...row.slice(1).map(String)]));
  }
}
for (const repeat of ['full', 'selective'] as const) {
  const t = totals[repeat].map((x) => x / 10);
  console.log(line(['mean', repeat, t[0]!.toFixed(0), t[1]!.toFixed(0), ...t.slice(2).map((x) => x.toFixed(1))]));
}
if (totals.selective[3]! >= totals.full[3]!) throw new Error('selective repeats send fewer packets than full ones');
