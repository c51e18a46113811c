import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generators, runBroadcast, runBroadcastParallel, ValidationError, type BroadcastResult } from '../src/index.js';

function digest(r: BroadcastResult): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(r.summary()));
  for (let v = 0; v < r.mesh.n; v++) {
    const e = r.endpoint(r.mesh.id(v));
    h.update(`${e.id}:${e.tank?.hex()}:${e.completedS}:${e.activationS}:${e.lastHeardS}`);
  }
  return h.digest('hex');
}

describe('runBroadcastParallel', () => {
  const net = generators.utility({ collectors: 2, endpointsPerCollector: 500, seed: 21 });
  const spec = { origins: ['C1', 'C2'], packets: 45, maxHops: 9, ttlS: 60 };
  const radio = { delay: { kind: 'exponential', meanS: 2 } } as const;

  it('equals runBroadcast exactly, for 1, 2 and 3 workers', async () => {
    const sequential = digest(runBroadcast(net, spec, { seed: 4, radio }));
    for (const workers of [1, 2, 3]) {
      expect(digest(await runBroadcastParallel(net, spec, { seed: 4, radio, workers })), `${workers} workers`).toBe(
        sequential,
      );
    }
  });

  it('equals runBroadcast when workers share every tank byte (fewer bytes than workers; 11 packets on 4 workers)', async () => {
    const small = { ...spec, packets: 11 };
    for (const seed of [1, 2, 3]) {
      const sequential = digest(runBroadcast(net, small, { seed, radio }));
      expect(digest(await runBroadcastParallel(net, small, { seed, radio, workers: 4 })), `seed ${seed}`).toBe(
        sequential,
      );
    }
  });

  it("equals runBroadcast with one message per origin (duplicates: 'per-origin')", async () => {
    const perOrigin = { ...spec, duplicates: 'per-origin' as const };
    const sequential = runBroadcast(net, perOrigin, { seed: 4, radio });
    expect(digest(sequential)).not.toBe(
      digest(runBroadcast(net, { ...spec, duplicates: 'per-packet' }, { seed: 4, radio })),
    );
    expect(digest(await runBroadcastParallel(net, perOrigin, { seed: 4, radio, workers: 2 }))).toBe(digest(sequential));
  });

  it('equals runBroadcast for repeat passes, slices of the image and gas-module targets', async () => {
    const gas = { ...spec, limits: 'research' as const, targets: { kinds: ['gasModule' as const, 'meter' as const] } };
    const s1 = runBroadcast(net, gas, { seed: 8, radio });
    const p1 = await runBroadcastParallel(net, gas, { seed: 8, radio, workers: 2 });
    expect(digest(p1)).toBe(digest(s1));
    const s2 = runBroadcast(net, gas, { seed: 8, radio, previous: s1 });
    const p2 = await runBroadcastParallel(net, gas, { seed: 8, radio, previous: p1, workers: 2 });
    expect(digest(p2)).toBe(digest(s2));
    const slice = { ...spec, maxSegments: 13, firstSegment: 5 };
    expect(digest(await runBroadcastParallel(net, slice, { seed: 2, workers: 2 }))).toBe(
      digest(runBroadcast(net, slice, { seed: 2 })),
    );
  });

  it('runs a pass with contention on as runBroadcast does (packets that share the air are not split)', async () => {
    const csma = { ...radio, contention: 'csma' } as const;
    const sequential = runBroadcast(net, spec, { seed: 6, radio: csma });
    const parallel = await runBroadcastParallel(net, spec, { seed: 6, radio: csma, workers: 2 });
    expect(parallel.air).not.toBeNull();
    expect(parallel.air).toEqual(sequential.air);
    expect(digest(parallel)).toBe(digest(sequential));
    expect(digest(parallel)).not.toBe(digest(runBroadcast(net, spec, { seed: 6, radio })));
    await expect(runBroadcastParallel(net, spec, { radio: csma, workers: 0 })).rejects.toThrow(ValidationError);
  });

  it('reports progress: packets flooded so far, never more than the pass has, all of them at the end', async () => {
    const calls: [number, number][] = [];
    const r = await runBroadcastParallel(net, spec, {
      seed: 4,
      radio,
      workers: 2,
      onProgress: (flooded, packets) => calls.push([flooded, packets]),
    });
    expect(digest(r)).toBe(digest(runBroadcast(net, spec, { seed: 4, radio })));
    expect(calls.at(-1)).toEqual([spec.packets, spec.packets]);
    for (let i = 0; i < calls.length; i++) {
      expect(calls[i]![1]).toBe(spec.packets);
      expect(calls[i]![0]).toBeLessThanOrEqual(spec.packets);
      if (i > 0) expect(calls[i]![0]).toBeGreaterThanOrEqual(calls[i - 1]![0]);
    }
    const contended: [number, number][] = [];
    await runBroadcastParallel(net, spec, {
      seed: 4,
      radio: { ...radio, contention: 'csma' },
      onProgress: (f, n) => contended.push([f, n]),
    });
    expect(contended).toEqual([[spec.packets, spec.packets]]);
  });

  it('stops when cancelled or when a progress report throws, and leaves the pass it continued alone', async () => {
    // A pass long enough (hundreds of millions of copies) that it cannot finish before the abort.
    const mesh = generators.utilityMesh({ collectors: 8, endpointsPerCollector: 2500, seed: 3 });
    const long = { origins: Array.from(mesh.collectors, (c) => mesh.id(c)), packets: 2000, maxHops: 40, ttlS: 300 };
    const first = runBroadcast(mesh, { ...long, packets: 2000, maxSegments: 16 }, { seed: 1 });
    const before = JSON.stringify(first.summary());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    let flooded = 0;
    await expect(
      runBroadcastParallel(mesh, long, {
        seed: 1,
        previous: first,
        workers: 2,
        signal: controller.signal,
        onProgress: (f) => (flooded = f),
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(flooded).toBeLessThan(long.packets); // the workers stopped before the pass was done
    expect(JSON.stringify(first.summary())).toBe(before);
    await expect(runBroadcastParallel(mesh, long, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    const boom = new Error('progress bar broke');
    await expect(
      runBroadcastParallel(mesh, long, {
        seed: 1,
        workers: 2,
        onProgress: () => {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
    // Still usable afterwards.
    const small = { ...spec, packets: 9 };
    expect(digest(await runBroadcastParallel(net, small, { seed: 2, workers: 2 }))).toBe(
      digest(runBroadcast(net, small, { seed: 2 })),
    );
  });

  it('checks its options', async () => {
    await expect(runBroadcastParallel(net, spec, { workers: 0 })).rejects.toThrow(ValidationError);
    await expect(runBroadcastParallel(net, { ...spec, maxHops: 99 })).rejects.toMatchObject({ path: 'spec.maxHops' });
    await expect(runBroadcastParallel(net, spec, { onProgress: 'bar' as never })).rejects.toMatchObject({
      path: 'options.onProgress',
    });
    await expect(runBroadcastParallel(net, spec, { signal: {} as never })).rejects.toMatchObject({
      path: 'options.signal',
    });
  });
});
