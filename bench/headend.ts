/**
 * What the head-end adds to a broadcast: a broadcast command run by the head-end (`HeadEnd.run`:
 * Expected from the records, the real targets from the devices, the pass, then what the devices
 * and the records make of it) against the same pass run by the engine alone (`runBroadcast` with
 * the same filter as a declarative target filter, the same seed: the same flood, checked).
 *
 *   npm run bench:headend               100,000 meters, 100 packets
 *   npm run bench:headend -- --quick    10,000 meters, 20 packets
 *
 * The two are timed alternately, one run of each per round, the order swapped every round; the
 * figure is the ratio of their minima (these machines are shared and noisy). A fresh head-end is
 * set up before each of its runs, outside the timing, as a run changes what the devices hold.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  deriveSeed,
  generators,
  HeadEnd,
  runBroadcast,
  type BroadcastCommandInput,
  type CompiledMesh,
  type PackageInput,
} from '../src/index.js';

const quick = process.argv.includes('--quick');
const collectors = quick ? 4 : 40;
const packets = quick ? 20 : 100;
const rounds = quick ? 5 : 5;

const mesh: CompiledMesh = generators.utilityMesh({ collectors, endpointsPerCollector: 2500, seed: 1 });
const catalogue: PackageInput[] = [
  {
    type: 'moduleFirmware',
    version: '5.18',
    models: ['focus-ax-integrated', 'focus-al-modular', 'commercial-s4', 'router', 'mesh-extender'],
    packets,
  },
  { type: 'moduleFirmware', version: '5.22', models: ['focus-ax-integrated'], packets },
  { type: 'collectorRadio', version: '5.18', models: ['collector'], packets },
  { type: 'gasModuleFirmware', version: '2.1', models: ['gas-module'], packets },
  { type: 'waterModuleFirmware', version: '2.0', packets },
];
const origins = ['C1'];
const command: BroadcastCommandInput = {
  type: 'moduleFirmware',
  version: '5.22',
  model: 'focus-ax-integrated',
  zigbee: 'no',
  moduleFirmware: ['5.18'],
  dcw: 'All',
  collectors: origins,
  maxHops: 40,
  ttlS: 300,
};
const seed = 1;
const headendS = 15;

/** The same pass by the engine alone: the filter as a declarative one, the head-end's seed for command 0. */
function engineAlone(): number {
  const r = runBroadcast(
    mesh,
    {
      origins,
      packets,
      startS: headendS,
      maxHops: 40,
      ttlS: 300,
      rebootS: 90,
      version: '5.22',
      targets: {
        models: ['focus-ax-integrated'],
        moduleFirmware: ['5.18'],
        zigbeeCapable: false,
        collectors: origins,
        kinds: ['meter', 'router', 'meshExtender', 'concentrator', 'repeater920'],
      },
      limits: 'research',
    },
    { seed: deriveSeed(seed, 'headend', 'flood', 0) },
  );
  return r.completed;
}

function main(): void {
  console.log(
    `Head-end against the engine alone: utility ${(collectors * 2500).toLocaleString('en-US')} meters, ` +
      `${packets} packets from one collector; Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}`,
  );
  let engineMs = Infinity;
  let headendMs = Infinity;
  let setupMs = Infinity;
  for (let round = 0; round <= rounds; round++) {
    const t0 = performance.now();
    const he = new HeadEnd(mesh, { catalogue, records: { staleShare: 0.1, seed: 7 } });
    const cmd = he.broadcast(command);
    setupMs = Math.min(setupMs, performance.now() - t0);
    const timeHeadend = (): number => {
      const start = performance.now();
      const out = he.run(cmd, { seed });
      const ms = performance.now() - start;
      if (round > 0) headendMs = Math.min(headendMs, ms);
      return out.result.completed;
    };
    const timeEngine = (): number => {
      const start = performance.now();
      const completed = engineAlone();
      const ms = performance.now() - start;
      if (round > 0) engineMs = Math.min(engineMs, ms);
      return completed;
    };
    const [a, b] = round % 2 === 0 ? [timeHeadend(), timeEngine()] : [timeEngine(), timeHeadend()];
    if (a !== b) throw new Error(`the head-end's pass and the engine's differ: ${a} against ${b} completed`);
  }
  console.log('| run | min ms |\n|---|---:|');
  console.log(`| runBroadcast (engine alone) | ${engineMs.toFixed(0)} |`);
  console.log(`| HeadEnd.run (the same pass, with records and devices) | ${headendMs.toFixed(0)} |`);
  console.log(`| head-end ÷ engine | ${(headendMs / engineMs).toFixed(3)} |`);
  console.log(`Setting up the head-end (records, catalogue check, command): ${setupMs.toFixed(0)} ms, once.`);
}

main();
