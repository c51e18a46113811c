import { describe, expect, it } from 'vitest';
import { compile, createStream, generators, runBroadcast, type DelaySpec } from '../src/index.js';
import { referencePass } from './reference.js';

const delays: DelaySpec[] = [
  { kind: 'exponential', meanS: 2 },
  { kind: 'uniform', minS: 1, maxS: 3 },
  { kind: 'constant', valueS: 1.5 },
  { kind: 'gamma', shape: 2, meanS: 3 },
  { kind: 'lognormal', meanS: 2, cv: 1 },
  // Hops that take no time (no airtime either): every copy arrives a clock tick after it was sent.
  { kind: 'constant', valueS: 0 },
];

describe('fast path equals the naive event-per-copy simulation', () => {
  const cases = [
    {
      name: 'random geometric, 2 collectors',
      net: () => generators.randomGeometric({ meters: 300, collectors: 2, sideM: 1500, seed: 11 }),
    },
    { name: 'lossy grid with ties', net: () => generators.grid({ width: 12, height: 9, success: 0.7 }) },
    {
      name: 'small utility',
      net: () => generators.utility({ collectors: 2, endpointsPerCollector: 150, seed: 5, gasShare: 0, waterShare: 0 }),
    },
  ];
  for (const c of cases) {
    for (const [i, delay] of delays.entries()) {
      const duplicates = i % 2 === 0 ? ('per-origin' as const) : ('per-packet' as const);
      it(`${c.name}, ${delay.kind} delay, ${duplicates}`, () => {
        const net = c.net();
        const mesh = compile(net);
        const origins = c.name.includes('2 collectors') || c.name.includes('utility') ? ['C1', 'C2'] : ['C1'];
        const spec = {
          origins,
          packets: 13,
          spacingS: 5,
          maxHops: 6 + i,
          ttlS: 25,
          limits: 'research' as const,
          duplicates,
        };
        const airtime = i % 2 === 0 ? { frameBytes: 120, bitRateBps: 9600 } : undefined;
        const seed = 100 + i;
        const fast = runBroadcast(mesh, spec, { seed, radio: { delay, ...(airtime ? { airtime } : {}) } });
        const ref = referencePass(mesh, {
          origins: origins.map((o) => mesh.index(o)),
          targets: Array.from(fast.targetIds(), (id) => mesh.index(id)),
          packets: 13,
          spacingS: 5,
          maxHops: 6 + i,
          ttlS: 25,
          delay,
          airtimeS: airtime ? (120 * 8) / 9600 : 0,
          seed,
          duplicates,
        });
        for (const id of fast.targetIds()) {
          const v = mesh.index(id);
          const tank = fast.tank(id);
          const want = ref.received.get(v)!;
          for (let k = 0; k < 13; k++) expect(tank.has(k), `${id} packet ${k}`).toBe(want[k]);
          const done = ref.completedS.get(v)!;
          expect(fast.endpoint(id).completedS ?? NaN).toBe(done);
        }
        for (let v = 0; v < mesh.n; v++) {
          const heard = fast.endpoint(mesh.id(v)).lastHeardS;
          expect(heard ?? NaN, mesh.id(v)).toBe(ref.lastHeardS[v]);
        }
        expect(fast.stats).toMatchObject({
          transmissions: ref.transmissions,
          receptions: ref.receptions,
          lost: ref.lost,
          duplicates: ref.duplicates,
          expired: ref.expired,
          hopLimited: ref.hopLimited,
        });
        expect(fast.stats.transmissions).toBeGreaterThan(0);
      });
    }
  }
});

// Random configurations — network, delay family and parameters, airtime, Maximum Hops down to 1,
// TTL, packets sent at once or spaced, several origins, every event queue — against the naive
// simulation: every tank bit, completion and last-heard time, and every counter.
describe('fast path equals the naive simulation on random configurations', () => {
  it.each([1, 2, 3])('20 random passes, seed %i', (block) => {
    for (let c = 0; c < 20; c++) {
      const seed = 1000 * block + c;
      const r = createStream(seed, 'reference-random');
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
      const kind = pick(['geometric', 'grid', 'utility', 'line'] as const);
      const net =
        kind === 'geometric'
          ? generators.randomGeometric({
              meters: 50 + Math.floor(r() * 200),
              collectors: 1 + Math.floor(r() * 3),
              sideM: 500 + r() * 1500,
              seed,
            })
          : kind === 'grid'
            ? generators.grid({
                width: 3 + Math.floor(r() * 12),
                height: 2 + Math.floor(r() * 8),
                success: pick([1, 0.9, 0.7, 0.4]),
              })
            : kind === 'utility'
              ? generators.utility({
                  collectors: 1 + Math.floor(r() * 2),
                  endpointsPerCollector: 30 + Math.floor(r() * 100),
                  seed,
                  gasShare: 0,
                  waterShare: 0,
                })
              : generators.line({ meters: 2 + Math.floor(r() * 25), success: pick([1, 0.9, 0.6]) });
      const mesh = compile(net);
      const delay = pick<DelaySpec>([
        { kind: 'exponential', meanS: 0.01 + r() * 5 },
        { kind: 'uniform', minS: r() * 2, maxS: 2 + r() * 3 },
        { kind: 'uniform', minS: 0, maxS: 0.5 + r() },
        { kind: 'constant', valueS: pick([0, 0.5, 1.5, r() * 3]) },
        { kind: 'gamma', shape: 0.3 + r() * 4, meanS: 0.1 + r() * 4 },
        { kind: 'lognormal', meanS: 0.1 + r() * 4, cv: 0.1 + r() * 2 },
      ]);
      const collectors = Array.from(mesh.collectors, (v) => mesh.id(v));
      const origins = collectors.slice(0, 1 + Math.floor(r() * collectors.length));
      const packets = 1 + Math.floor(r() * 16);
      const spacingS = pick([0, 0.5, 5, r() * 10]);
      const maxHops = 1 + Math.floor(r() * 14);
      const ttlS = pick([Infinity, 1 + r() * 60, 5 + r() * 300]);
      const bitRateBps = pick([0, 9600, 19200, 100_000]);
      const queue = pick(['ladder', 'calendar', 'radix', 'heap', 'fastpriorityqueue'] as const);
      const duplicates = pick(['per-packet', 'per-origin'] as const);
      const radio = { delay, ...(bitRateBps > 0 ? { airtime: { frameBytes: 120, bitRateBps } } : {}) };
      const what = JSON.stringify({
        seed,
        kind,
        delay,
        origins,
        packets,
        spacingS,
        maxHops,
        ttlS,
        bitRateBps,
        queue,
        duplicates,
      });
      const fast = runBroadcast(
        mesh,
        { origins, packets, spacingS, maxHops, ttlS, limits: 'research', duplicates },
        { seed, radio, queue },
      );
      const ref = referencePass(mesh, {
        origins: origins.map((o) => mesh.index(o)),
        targets: Array.from(fast.targetIds(), (id) => mesh.index(id)),
        packets,
        spacingS,
        maxHops,
        ttlS,
        delay,
        airtimeS: bitRateBps > 0 ? (120 * 8) / bitRateBps : 0,
        seed,
        duplicates,
      });
      for (const id of fast.targetIds()) {
        const v = mesh.index(id);
        const want = ref.received.get(v)!;
        const tank = fast.tank(id);
        for (let k = 0; k < packets; k++) expect(tank.has(k), `${what}: ${id} packet ${k}`).toBe(want[k]);
        expect(fast.endpoint(id).completedS ?? NaN, `${what}: ${id} completion`).toBe(ref.completedS.get(v));
      }
      for (let v = 0; v < mesh.n; v++)
        expect(fast.endpoint(mesh.id(v)).lastHeardS ?? NaN, `${what}: ${mesh.id(v)} last heard`).toBe(
          ref.lastHeardS[v],
        );
      expect(fast.stats, what).toMatchObject({
        transmissions: ref.transmissions,
        receptions: ref.receptions,
        lost: ref.lost,
        duplicates: ref.duplicates,
        expired: ref.expired,
        hopLimited: ref.hopLimited,
      });
    }
  });
});

// A flood resets and walks only the nodes it reached when they are few (under a quarter of the
// mesh), and the whole mesh otherwise: passes on one mesh (one flood workspace) alternating a
// wide reach and a narrow one, from one origin and from several, must each equal the naive
// simulation, whatever the flood before them left behind.
describe('floods that reach a small part of the mesh', () => {
  it.each(['per-packet', 'per-origin'] as const)('equal the naive simulation pass after pass (%s)', (duplicates) => {
    const mesh = compile(generators.randomGeometric({ meters: 900, collectors: 4, sideM: 4000, seed: 21 }));
    const collectors = Array.from(mesh.collectors, (v) => mesh.id(v));
    const delay: DelaySpec = { kind: 'exponential', meanS: 2 };
    let narrow = 0;
    for (const [k, maxHops] of [40, 2, 3, 40, 1, 2].entries()) {
      const origins = k % 3 === 0 ? collectors : collectors.slice(0, 1 + (k % 3));
      const seed = 500 + k;
      const spec = { origins, packets: 9, spacingS: 3, maxHops, ttlS: 120, limits: 'research' as const, duplicates };
      const fast = runBroadcast(mesh, spec, { seed, radio: { delay } });
      const ref = referencePass(mesh, {
        ...spec,
        origins: origins.map((o) => mesh.index(o)),
        targets: Array.from(fast.targetIds(), (id) => mesh.index(id)),
        delay,
        airtimeS: 0,
        seed,
      });
      const what = `pass ${k}, Maximum Hops ${maxHops}, ${origins.length} origins`;
      for (const id of fast.targetIds()) {
        const v = mesh.index(id);
        const want = ref.received.get(v)!;
        for (let j = 0; j < 9; j++) expect(fast.tank(id).has(j), `${what}: ${id} packet ${j}`).toBe(want[j]);
        expect(fast.endpoint(id).completedS ?? NaN, `${what}: ${id} completion`).toBe(ref.completedS.get(v));
      }
      expect(fast.stats, what).toMatchObject({
        transmissions: ref.transmissions,
        receptions: ref.receptions,
        duplicates: ref.duplicates,
        hopLimited: ref.hopLimited,
      });
      // The narrow passes do reach under a quarter of the mesh per packet (the listed walk).
      if (maxHops <= 3 && fast.stats.reached / 9 < mesh.n / 4) narrow++;
    }
    expect(narrow).toBeGreaterThanOrEqual(3);
  });
});
