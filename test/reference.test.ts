import { describe, expect, it } from 'vitest';
import { compile, generators, runBroadcast, type DelaySpec } from '../src/index.js';
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
    { name: 'random geometric, 2 collectors', net: () => generators.randomGeometric({ meters: 300, collectors: 2, sideM: 1500, seed: 11 }) },
    { name: 'lossy grid with ties', net: () => generators.grid({ width: 12, height: 9, success: 0.7 }) },
    { name: 'small utility', net: () => generators.utility({ collectors: 2, endpointsPerCollector: 150, seed: 5, gasShare: 0, waterShare: 0 }) },
  ];
  for (const c of cases) {
    for (const [i, delay] of delays.entries()) {
      it(`${c.name}, ${delay.kind} delay`, () => {
        const net = c.net();
        const mesh = compile(net);
        const origins = c.name.includes('2 collectors') || c.name.includes('utility') ? ['C1', 'C2'] : ['C1'];
        const spec = { origins, packets: 13, spacingS: 5, maxHops: 6 + i, ttlS: 25, limits: 'research' as const };
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
