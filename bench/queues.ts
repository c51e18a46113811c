/**
 * The flood queues compared one process per measurement (a long process that times every
 * queue mixes them into one JIT state): radix heap, calendar queue and ladder queue, alternating, best
 * of three runs per process, three rounds.
 *
 *   npm run bench:queues
 */
import { execFileSync } from 'node:child_process';
import {
  generators,
  runBroadcast,
  type BroadcastSpec,
  type CompiledMesh,
  type DelaySpec,
  type QueueKind,
} from '../src/index.js';

const CASES = ['utility exponential one-origin', 'utility uniform all-origins', 'grid exponential one-origin'] as const;
const QUEUES: QueueKind[] = ['radix', 'calendar', 'ladder'];

function measure(name: string, queue: QueueKind): number {
  const [net, delayKind, origins] = name.split(' ');
  const mesh: CompiledMesh =
    net === 'grid'
      ? generators.gridMesh({ width: 1000, height: 1000, success: 0.9, collector: 'centre' })
      : generators.utilityMesh({ collectors: 8, endpointsPerCollector: 2500, seed: 1 });
  const delay: DelaySpec =
    delayKind === 'exponential' ? { kind: 'exponential', meanS: 2 } : { kind: 'uniform', minS: 1, maxS: 3 };
  const spec: BroadcastSpec =
    net === 'grid'
      ? { origins: ['C1'], packets: 1, maxHops: 1e9, ttlS: Infinity, limits: 'research' }
      : {
          origins: origins === 'all-origins' ? Array.from(mesh.collectors, (c) => mesh.id(c)) : ['C1'],
          packets: 20,
          maxHops: 40,
          ttlS: 300,
        };
  runBroadcast(mesh, spec, { seed: 99, radio: { delay }, queue });
  let best = Infinity;
  for (let seed = 0; seed < 3; seed++) {
    const t = performance.now();
    runBroadcast(mesh, spec, { seed, radio: { delay }, queue });
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

const one = process.argv.indexOf('--one');
if (one > 0) {
  console.log(measure(process.argv[one + 1]!, process.argv[one + 2] as QueueKind));
} else {
  const times = new Map<string, number[]>();
  for (let round = 0; round < 3; round++) {
    for (const name of CASES) {
      for (const queue of QUEUES) {
        const out = execFileSync(process.execPath, [
          '--import',
          'tsx',
          import.meta.filename,
          '--one',
          name,
          queue,
        ]).toString();
        const key = `${name} | ${queue}`;
        times.set(key, [...(times.get(key) ?? []), Number(out.trim())]);
      }
    }
  }
  console.log('| workload | queue | min ms | runs |');
  console.log('|---|---|---:|---|');
  for (const [key, ms] of times)
    console.log(`| ${key} | ${Math.min(...ms).toFixed(0)} | ${ms.map((x) => x.toFixed(0)).join(', ')} |`);
}
