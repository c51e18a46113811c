/**
 * A single head-end upgrade campaign, end to end: module firmware 6.4 → 7.08 with DCW first and
 * seed meters, metrology and ZigBee firmware of the modular meters with HAN Initialization,
 * water and gas modules, repeat passes to a 2 % remainder, clean-up point to point — on a
 * utility of the given size. Reports wall time, simulated duration, traffic and peak memory.
 *
 *   npm run bench:campaign                        10,000 meters (4 collectors)
 *   npm run bench:campaign -- --meters 1000000    1,000,000 meters (400 collectors)
 *   npm run bench:campaign -- --workers auto      passes flooded on worker threads (auto: one per core)
 *   npm run bench:campaign -- --progress          each command's wall time and resident memory on standard error
 *
 * Images of 20 kB module firmware, 2 kB DCW, 10 kB metrology / HAN / child-module firmware (200,
 * 20 and 100 packets of 100 bytes).
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { generators, HeadEnd, planUpgrade, runCampaign, type Release } from '../src/index.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const meters = arg('--meters', 10_000);
const workersAt = process.argv.indexOf('--workers');
const workersFlag = workersAt < 0 ? '0' : (process.argv[workersAt + 1] ?? '');
const workers = workersFlag === 'auto' ? 'auto' : Number(workersFlag);
const perCollector = 2500;
const collectors = Math.max(1, Math.round(meters / perCollector));

const METERS = ['focus-ax-integrated', 'focus-al-modular', 'commercial-s4'];
const ALL = [...METERS, 'router', 'mesh-extender'];
const pk = (type: string, version: string, imageBytes: number, models?: string[]) =>
  ({ type, version, imageBytes, ...(models === undefined ? {} : { models }) }) as never;

function main(): void {
  const t0 = performance.now();
  const mesh = generators.utilityMesh({
    collectors,
    endpointsPerCollector: perCollector,
    seed: 1,
    models: [
      { model: 'focus-ax-integrated', share: 0.6, moduleFirmware: '6.4', dcw: '1.0', programs: 5 },
      {
        model: 'focus-al-modular',
        share: 0.3,
        moduleFirmware: '6.4',
        dcw: '1.0',
        metrology: '3.1',
        han: '2.0',
        programs: 3,
      },
      { model: 'commercial-s4', share: 0.1, moduleFirmware: '6.4', dcw: '1.0', programs: 2 },
    ],
    firmware: {
      collector: { module: '6.4' },
      router: { module: '6.4', dcw: '1.0' },
      meshExtender: { module: '6.4', dcw: '1.0' },
      waterModule: { module: '1.37' },
      gasModule: { module: '2.1' },
    },
  });
  const he = new HeadEnd(mesh, {
    catalogue: [
      pk('moduleFirmware', '6.4', 20_000, ALL),
      pk('dcw', '1.0', 2000, ALL),
      pk('metrology', '3.1', 10_000, ['focus-al-modular']),
      pk('han', '2.0', 10_000, ['focus-al-modular']),
      pk('collectorRadio', '6.4', 20_000, ['collector']),
      pk('waterModuleFirmware', '1.37', 10_000),
      pk('gasModuleFirmware', '2.1', 10_000, ['gas-module']),
    ],
    records: { staleShare: 0.02, seed: 3 },
    licences: ['gas', 'water', 'han'],
  });
  const release: Release = {
    headend: '5.6',
    collectorCode: '7.1',
    collectorRadio: '7.08',
    targets: [
      { kind: 'router', module: '7.08', dcw: '2.0' },
      { kind: 'meshExtender', module: '7.08', dcw: '2.0' },
      { kind: 'meter', module: '7.08', dcw: '2.0' },
      { kind: 'meter', model: 'focus-al-modular', module: '7.08', dcw: '2.0', metrology: '3.4', han: '2.2' },
      { kind: 'waterModule', module: '2.0' },
      { kind: 'gasModule', module: '2.3' },
    ],
    packages: [
      pk('moduleFirmware', '7.08', 20_000, ALL),
      pk('dcw', '2.0', 2000, ALL),
      pk('metrology', '3.4', 10_000, ['focus-al-modular']),
      pk('han', '2.2', 10_000, ['focus-al-modular']),
      pk('collectorRadio', '7.08', 20_000, ['collector']),
      pk('waterModuleFirmware', '2.0', 10_000),
      pk('gasModuleFirmware', '2.3', 10_000, ['gas-module']),
    ],
  };
  const setupMs = performance.now() - t0;
  const plan = planUpgrade(he, release);
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  let last = t1;
  const r = runCampaign(he, plan, {
    seed: 1,
    workers,
    ...(process.argv.includes('--progress')
      ? {
          onProgress: (p) => {
            const now = performance.now();
            process.stderr.write(
              `${((now - last) / 1000).toFixed(1)} s, ${(process.memoryUsage.rss() / 1e6).toFixed(0)} MB resident ` +
                `[${p.step}/${p.steps}] ${p.id}: ${p.message}\n`,
            );
            last = now;
          },
        }
      : {}),
  });
  const runMs = performance.now() - t1;
  const cpu = process.cpuUsage(cpu0);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const broadcasts = r.timeline.reduce((a, s) => a + s.broadcasts.length, 0);
  const passes = r.timeline.reduce((a, s) => a + s.broadcasts.reduce((x, b) => x + b.passes.length, 0), 0);
  console.log(
    `Campaign, single head-end order: utility ${mesh.n.toLocaleString('en-US')} devices ` +
      `(${(collectors * perCollector).toLocaleString('en-US')} meters, ${collectors} collectors); ` +
      `workers ${workersFlag}; Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}`,
  );
  console.log('| measure | value |\n|---|---:|');
  console.log(`| network and head-end set up, s | ${(setupMs / 1000).toFixed(1)} |`);
  console.log(
    `| campaign run (plan ${plan.steps.length} steps, ${broadcasts} broadcasts, ${passes} passes), s | ` +
      `${(runMs / 1000).toFixed(1)} |`,
  );
  console.log(`| CPU time of the run, all threads, s | ${((cpu.user + cpu.system) / 1e6).toFixed(1)} |`);
  console.log(`| peak resident memory, MB | ${rssMb.toFixed(0)} |`);
  console.log(`| simulated duration, days | ${(r.durationS / 86_400).toFixed(2)} |`);
  console.log(`| broadcast frames | ${r.transmissions.toLocaleString('en-US')} |`);
  console.log(`| endpoints left | ${r.left.total.toLocaleString('en-US')} |`);
}

main();
