import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFloodWorkers, FloodPool } from '../src/broadcast/flood-pool.js';
import { SyncPool } from '../src/runtime/sync-pool.js';
import { cores } from '../src/runtime/workers.js';
import { generators, runBroadcast, ValidationError, type BroadcastResult } from '../src/index.js';
import { startedBy } from './threads.js';

function digest(r: BroadcastResult): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(r.summary()));
  for (let v = 0; v < r.mesh.n; v++) {
    const e = r.endpoint(r.mesh.id(v));
    h.update(`${e.id}:${e.tank?.hex()}:${e.completedS}:${e.activationS}:${e.lastHeardS}`);
  }
  return h.digest('hex');
}

describe('FloodPool', () => {
  const net = generators.utility({ collectors: 3, endpointsPerCollector: 300, seed: 21 });
  const mesh = net.compile();
  const spec = { origins: ['C1', 'C2', 'C3'], packets: 37, maxHops: 9, ttlS: 60 };
  const radio = { delay: { kind: 'exponential', meanS: 2 } } as const;
  // Every pass goes to the threads, however small.
  const pools = [1, 2, 3].map((threads) => new FloodPool(threads, 0));
  afterAll(() => pools.forEach((p) => p.close()));

  it('floods a pass as runBroadcast does, bit for bit, on 1, 2 and 3 threads', () => {
    for (const duplicates of ['per-origin', 'per-packet'] as const) {
      const s = { ...spec, duplicates };
      const sequential = digest(runBroadcast(mesh, s, { seed: 4, radio }));
      for (const pool of pools) {
        expect(digest(pool.run(mesh, s, { seed: 4, radio })), `${duplicates}, ${pool.threads} threads`).toBe(
          sequential,
        );
      }
    }
  });

  it('keeps doing so pass after pass: repeat passes, other targets, slices, other meshes, fewer packets than threads', () => {
    const pool = pools[1]!;
    const gas = { ...spec, limits: 'research' as const, targets: { kinds: ['gasModule' as const, 'meter' as const] } };
    let s = runBroadcast(mesh, gas, { seed: 8, radio });
    let p = pool.run(mesh, gas, { seed: 8, radio });
    expect(digest(p)).toBe(digest(s));
    for (const targets of [gas.targets, { kinds: ['meter' as const] }, gas.targets]) {
      s = runBroadcast(mesh, { ...gas, targets }, { seed: 8, radio, previous: s });
      p = pool.run(mesh, { ...gas, targets }, { seed: 8, radio, previous: p });
      expect(digest(p)).toBe(digest(s));
    }
    const slice = { ...spec, maxSegments: 13, firstSegment: 5 };
    expect(digest(pool.run(mesh, slice, { seed: 2 }))).toBe(digest(runBroadcast(mesh, slice, { seed: 2 })));
    const two = { ...spec, packets: 2 };
    expect(digest(pools[2]!.run(mesh, two, { seed: 2 }))).toBe(digest(runBroadcast(mesh, two, { seed: 2 })));
    const other = generators.utilityMesh({ collectors: 2, endpointsPerCollector: 200, seed: 5 });
    const both = { ...spec, origins: ['C1', 'C2'] };
    expect(digest(pool.run(other, both, { seed: 3 }))).toBe(digest(runBroadcast(other, both, { seed: 3 })));
    expect(digest(pool.run(mesh, spec, { seed: 3 }))).toBe(digest(runBroadcast(mesh, spec, { seed: 3 })));
  });

  it('leaves passes with contention on, and passes below its least work, to the calling thread', () => {
    const csma = { ...radio, contention: 'csma' } as const;
    const lazy = new FloodPool(2);
    const { value, workers } = startedBy(() => [
      lazy.run(mesh, spec, { seed: 6, radio: csma }),
      lazy.run(mesh, { ...spec, packets: 1 }, { seed: 6 }),
    ]);
    expect(workers).toEqual([]); // neither pass was worth starting the threads for
    expect(digest(value![0]!)).toBe(digest(runBroadcast(mesh, spec, { seed: 6, radio: csma })));
    lazy.close();
    expect(() => lazy.run(mesh, { ...spec, packets: 600 }, { seed: 6 })).toThrow(/closed/);
  });

  it('checks a pass as runBroadcast does', () => {
    expect(() => pools[0]!.run(mesh, { ...spec, maxHops: 99 })).toThrow(ValidationError);
    expect(() => pools[0]!.run(mesh, spec, { seed: 1.5 as never })).toThrow(/options\.seed/);
  });

  it("resolves 'auto' to the cores, at most 8, none on one core; checks counts", () => {
    const auto = checkFloodWorkers('options.workers', 'auto');
    expect(auto).toBe(cores() < 2 ? 0 : Math.min(cores(), 8));
    expect(checkFloodWorkers('options.workers', 0)).toBe(0);
    expect(checkFloodWorkers('options.workers', 3)).toBe(3);
    for (const bad of [-1, 1.5, 65, 'many', null]) {
      expect(() => checkFloodWorkers('options.workers', bad)).toThrow(ValidationError);
    }
  });
});

describe('SyncPool', () => {
  const tasks = `data:text/javascript,${encodeURIComponent(
    'export function count(x, ws) { ws.set("n", (ws.get("n") ?? 0) + 1); return [x * 2, ws.get("n")]; }\n' +
      'export function fail(m) { throw new RangeError(m); }',
  )}`;

  it('runs a task per thread and waits for them; a failed task is the error; close stops every thread', async () => {
    const { value: pool, workers } = startedBy(() => new SyncPool(2));
    expect(workers).toHaveLength(2);
    const exits = workers.map((w) => once(w, 'exit'));
    expect(
      pool!.runAll([
        { module: tasks, fn: 'count', input: 3 },
        { module: tasks, fn: 'count', input: 4 },
      ]),
    ).toEqual([
      [6, 1],
      [8, 1],
    ]);
    // The threads and their workspaces live on between calls.
    expect(pool!.runAll([{ module: tasks, fn: 'count', input: 5 }])).toEqual([[10, 2]]);
    expect(() =>
      pool!.runAll<unknown, unknown>([
        { module: tasks, fn: 'count', input: 1 },
        { module: tasks, fn: 'fail', input: 'boom' },
      ]),
    ).toThrow(/boom/);
    expect(() => pool!.runAll([{ module: tasks, fn: 'nothing', input: 1 }])).toThrow(/exports no function nothing/);
    expect(pool!.runAll([{ module: tasks, fn: 'count', input: 1 }])).toEqual([[2, 4]]);
    pool!.close();
    pool!.close();
    await Promise.all(exits);
    expect(() => pool!.runAll([{ module: tasks, fn: 'count', input: 1 }])).toThrow(/closed/);
  });
});
