/**
 * meshcast broadcast benchmarks (tinybench). Run: `npm run bench` (or `npm run bench -- --quick`).
 *
 * Every figure is a ratio to a baseline measured in the same process, because these machines
 * are shared and noisy: floods against a breadth-first walk making the same draws, and queue
 * implementations against each other. Answers are checked before anything is timed.
 */
import { cpus } from 'node:os';
import { Bench } from 'tinybench';
import { compile, generators, runBroadcast, type BroadcastSpec, type CompiledMesh, type DelaySpec, type QueueKind } from '../src/index.js';
import { bfsSameDraws } from './bfs.js';

const quick = process.argv.includes('--quick');
const QUEUES: QueueKind[] = ['radix', 'heap', 'fastpriorityqueue'];
const exponential: DelaySpec = { kind: 'exponential', meanS: 2 };

interface Row {
  readonly workload: string;
  readonly task: string;
  readonly medianMs: number;
  readonly ratio: number;
  readonly receptionsPerS: number;
}

function median(task: { result: unknown }): number {
  const r = task.result as { state: string; latency?: { p50: number } };
  if (r.state !== 'completed' || r.latency === undefined) throw new Error(`benchmark task did not complete: ${r.state}`);
  return r.latency.p50;
}

async function workload(name: string, mesh: CompiledMesh, spec: BroadcastSpec, delay: DelaySpec, iterations: number): Promise<Row[]> {
  const origin = mesh.index(spec.origins[0]!);
  const packets = spec.packets ?? 1;
  // Check answers first: every queue must give the same result.
  const reference = runBroadcast(mesh, spec, { seed: 1, radio: { delay } });
  for (const queue of QUEUES) {
    const r = runBroadcast(mesh, spec, { seed: 1, radio: { delay }, queue });
    if (JSON.stringify(r.summary()) !== JSON.stringify(reference.summary())) throw new Error(`${name}: queue ${queue} disagrees`);
  }
  const receptions = reference.stats.receptions;
  const bench = new Bench({ iterations, time: 0, warmupIterations: 1, warmupTime: 0 });
  let seed = 2;
  bench.add('bfs', () => {
    for (let k = 0; k < packets; k++) bfsSameDraws(mesh, origin, seed, delay, k);
    seed++;
  });
  for (const queue of QUEUES) {
    bench.add(`runBroadcast/${queue}`, () => {
      runBroadcast(mesh, spec, { seed: seed++, radio: { delay }, queue });
    });
  }
  await bench.run();
  const bfs = median(bench.tasks[0]!);
  return bench.tasks.map((t) => {
    const ms = median(t);
    return { workload: name, task: t.name, medianMs: ms, ratio: ms / bfs, receptionsPerS: receptions / (ms / 1000) };
  });
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const side = quick ? 300 : 1000;
  let t = performance.now();
  const grid = compile(generators.grid({ width: side, success: 0.9 }));
  const gridBuildS = (performance.now() - t) / 1000;
  rows.push(
    ...(await workload(
      `grid ${side}×${side}, p=0.9, 1 packet`,
      grid,
      { origins: ['C1'], packets: 1, maxHops: 1e9, ttlS: Infinity, limits: 'research' },
      exponential,
      quick ? 3 : 5,
    )),
  );
  t = performance.now();
  const collectors = quick ? 4 : 40;
  const utility = compile(generators.utility({ collectors, endpointsPerCollector: 2500, seed: 1 }));
  const utilityBuildS = (performance.now() - t) / 1000;
  const utilityPackets = quick ? 10 : 100;
  rows.push(
    ...(await workload(
      `utility ${(collectors * 2500).toLocaleString('en-US')} meters, ${utilityPackets} packets, one origin`,
      utility,
      { origins: ['C1'], packets: utilityPackets, maxHops: 1e9, ttlS: Infinity, limits: 'research' },
      exponential,
      3,
    )),
  );
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\nmeshcast broadcast benchmark — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu} (${cpus().length} cores)`);
  console.log(`Network build: grid ${gridBuildS.toFixed(1)} s, utility ${utilityBuildS.toFixed(1)} s (through ngraph.graph, then compile)\n`);
  console.log('| workload | task | median ms | ÷ BFS | receptions/s |');
  console.log('|---|---|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.workload} | ${r.task} | ${r.medianMs.toFixed(0)} | ${r.ratio.toFixed(2)} | ${(r.receptionsPerS / 1e6).toFixed(2)} M |`);
  }
}

await main();
