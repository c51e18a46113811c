/**
 * The guide's own statements, checked inside the model: one test per row of docs/model.md,
 * "Checks against the guide", on networks the tests generate, over several seeds.
 */
import { describe, expect, it } from 'vitest';
import {
  checkSpec,
  compareVersions,
  DEFAULT_AIRTIME_S,
  generators,
  loadScenario,
  Network,
  runBroadcast,
  runBroadcasts,
  runScenario,
  TWO_MILES_M,
  type BroadcastSpec,
} from '../src/index.js';
import { isModule42x } from '../src/network/firmware.js';
import { collectorGroups } from '../src/workflow/groups.js';

const seeds = [1, 2, 3, 4];

/** One collector's broadcast to its own meters: one pass at 40 hops, passes at Max. Layer + 1. */
interface GuideRuns {
  readonly label: string;
  /** Coverage at 40 hops, one pass. */
  readonly forty: number;
  /** Coverage at Max. Layer + 1 after one, two and three passes (each repeat fills the gaps). */
  readonly passes: readonly [number, number, number];
  readonly targets: number;
  readonly completedOnePass: number;
  readonly completedForty: number;
  readonly deepestTargets: number;
  readonly deepestCompleted: number;
}

/**
 * Every collector of utilities 1–8 (10,000 meters each) broadcasting 20 packets to its own
 * meters at TTL 60 s, run seed 7: one pass at 40 hops, three at Max. Layer + 1.
 */
function measureGuideRuns(): GuideRuns[] {
  const runs: GuideRuns[] = [];
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const mesh = generators.utilityMesh({ collectors: 4, endpointsPerCollector: 2500, seed });
    for (const c of mesh.collectors) {
      const id = mesh.id(c);
      const spec: BroadcastSpec = {
        origins: [id],
        packets: 20,
        ttlS: 60,
        targets: { kinds: ['meter'], collectors: [id] },
      };
      const guide = { ...spec, maxHops: { maxLayerPlus: 1 } };
      const first = runBroadcast(mesh, guide, { seed: 7 });
      const second = runBroadcast(mesh, guide, { seed: 7, previous: first });
      const third = runBroadcast(mesh, guide, { seed: 7, previous: second });
      const forty = runBroadcast(mesh, { ...spec, maxHops: 40 }, { seed: 7 });
      expect(first.spec.maxHops).toBe(mesh.maxLayer.get(id)! + 1);
      // The deepest layer holding this collector's meters.
      const deepest = first.layers[first.layers.length - 1]!;
      runs.push({
        label: `utility ${seed} ${id}`,
        forty: forty.coverage,
        passes: [first.coverage, second.coverage, third.coverage],
        targets: first.targets,
        completedOnePass: first.completed,
        completedForty: forty.completed,
        deepestTargets: deepest.targets,
        deepestCompleted: deepest.completed,
      });
    }
  }
  return runs;
}

describe('Maximum Hops = Max. Layer + 1 with Maximum TTL 60 s (the guide’s central advice)', () => {
  // Measured once for the two tests that read it (32 collectors × 4 runs).
  let measured: readonly GuideRuns[] | undefined;
  const guideRuns = (): readonly GuideRuns[] => (measured ??= measureGuideRuns());

  it(
    'reaches, for each collector’s own meters, what 40 hops reaches — within 2 points overall, the deepest ' +
      'layer included (utility seeds 1–8 pooled)',
    () => {
      // Pooled over eight utilities: in one pass a collector can fall well short (utility 4's C3
      // by 13.7 points, with a constant hop delay too: link loss at its two deepest layers, which
      // have one hop or none to spare), which is what the next test's repeat passes are for.
      const runs = guideRuns();
      for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
        const own = runs.filter((r) => r.label.startsWith(`utility ${seed} `));
        const targets = own.reduce((a, r) => a + r.targets, 0);
        const gap = own.reduce((a, r) => a + r.completedForty - r.completedOnePass, 0);
        expect(gap / targets, `utility seed ${seed}`).toBeLessThan(0.05);
      }
      const sum = (f: (r: GuideRuns) => number): number => runs.reduce((a, r) => a + f(r), 0);
      expect(sum((r) => r.completedForty - r.completedOnePass) / sum((r) => r.targets)).toBeLessThan(0.02);
      expect(sum((r) => r.deepestCompleted) / sum((r) => r.deepestTargets)).toBeGreaterThan(2 / 3);
    },
  );

  it(
    'repeated, reaches for every collector what 40 hops reaches in one pass: within 1 point overall after ' +
      'one repeat pass, and for each collector after two (utility seeds 1–8)',
    () => {
      // The guide repeats passes until a manageable remainder is left; the default scenario
      // allows three. A repeat pass draws its link trials anew and fills only the gaps.
      const runs = guideRuns();
      const targets = runs.reduce((a, r) => a + r.targets, 0);
      const afterTwoPasses = runs.reduce((a, r) => a + r.targets * (r.forty - r.passes[1]), 0) / targets;
      expect(afterTwoPasses).toBeLessThan(0.01);
      for (const r of runs) {
        expect(r.passes[1], r.label).toBeGreaterThanOrEqual(r.passes[0]);
        expect(r.forty - r.passes[2], r.label).toBeLessThan(0.01);
      }
    },
  );

  it(
    'the settings are resolved per broadcast from its own collectors’ Max. Layers, and kept within the ' +
      'head-end’s 40',
    () => {
      const mesh = generators.utilityMesh({ collectors: 4, endpointsPerCollector: 300, seed: 2 });
      const deepest = Math.max(...mesh.maxLayer.values());
      const r = runBroadcast(mesh, { origins: 'all', packets: 2, maxHops: { maxLayerPlus: 2 } });
      expect(r.spec.maxHops).toBe(deepest + 2);
      expect(() => runBroadcast(mesh, { origins: 'all', packets: 2, maxHops: { maxLayerPlus: 39 } })).toThrow(
        expect.objectContaining({ path: 'spec.maxHops' }),
      );
      // A collector with no mesh device registered to it (Max. Layer 0) still gets the head-end's 2.
      const line = generators.line({ meters: 1 });
      expect(runBroadcast(line, { origins: ['C1'], packets: 1, maxHops: { maxLayerPlus: 0 } }).spec.maxHops).toBe(2);
    },
  );

  it(
    'what it does not promise: a frame lost on a region’s only short way in costs the whole region that ' +
      'packet, and a hop limit as long as the way round brings it back',
    () => {
      // R, A and B route through C1 → R (success 0.7); the way round, C1 → X1 → X2 → X3 → A, is two
      // hops longer and lossless. Max. Layer 3 (B, X3), so Max. Layer + 1 leaves no room for it:
      // whenever C1 → R loses a packet, R, A and B all miss it. Utility 4's C3 in docs/model.md is
      // this shape at scale (one first-hop link carrying most of its layer-7 meters).
      const net = new Network();
      net.addDevice({ id: 'C1', kind: 'collector' });
      for (const id of ['R', 'A', 'B', 'X1', 'X2', 'X3']) net.addDevice({ id, kind: 'meter' });
      net.addLink({ from: 'C1', to: 'R', success: 0.7 });
      for (const [from, to] of [
        ['R', 'A'],
        ['A', 'B'],
        ['C1', 'X1'],
        ['X1', 'X2'],
        ['X2', 'X3'],
        ['X3', 'A'],
      ] as const)
        net.addLink({ from, to, success: 1 });
      const packets = 60;
      let missed = 0;
      for (const seed of seeds) {
        const run = (plus: number) =>
          runBroadcast(net, { origins: ['C1'], packets, ttlS: 60, maxHops: { maxLayerPlus: plus } }, { seed });
        const guide = run(1);
        expect(guide.spec.maxHops).toBe(4);
        const region = ['R', 'A', 'B'].map((id) => guide.endpoint(id).tank!);
        expect(region.map((t) => t.hex())).toEqual(Array(3).fill(region[0]!.hex()));
        expect(guide.endpoint('X3').tank!.missing).toBe(0);
        missed += region[0]!.missing;
        expect(run(3).coverage).toBe(1);
      }
      // Each packet misses the region with probability 0.3, independently: within 4 standard deviations.
      const n = packets * seeds.length;
      expect(Math.abs(missed - 0.3 * n)).toBeLessThan(4 * Math.sqrt(n * 0.3 * 0.7));
      expect(missed).toBeGreaterThan(0);
    },
  );
});

describe('the head-end’s ranges and defaults', () => {
  it(
    'Maximum Hops 2–40, default 40; Maximum TTL 60–600 s, default 300; Maximum Segments default 0 (the whole ' +
      'image)',
    () => {
      const s = checkSpec({ origins: ['C1'], packets: 30 });
      expect([s.maxHops, s.ttlS, s.segments]).toEqual([40, 300, 30]);
      for (const [field, bad, good] of [
        ['maxHops', [1, 41, 2.5], [2, 40]],
        ['ttlS', [59, 601], [60, 600]],
      ] as const) {
        for (const v of bad)
          expect(() => checkSpec({ origins: ['C1'], packets: 1, [field]: v })).toThrow(
            expect.objectContaining({ path: `spec.${field}` }),
          );
        for (const v of good) expect(checkSpec({ origins: ['C1'], packets: 1, [field]: v })[field]).toBe(v);
      }
    },
  );

  it.each(seeds)(
    'a packet every 70 s: N packets take (N − 1) × 70 s to send, and traffic ends within TTL (and one hop) of ' +
      'the last (seed %i)',
    (seed) => {
      const mesh = generators.utilityMesh({ collectors: 2, endpointsPerCollector: 500, seed });
      const r = runBroadcast(mesh, { origins: 'all', packets: 25, ttlS: 60, maxHops: { maxLayerPlus: 1 } }, { seed });
      expect(r.spec.spacingS).toBe(70);
      expect(r.durationS).toBe(24 * 70);
      expect(r.lastPacketS - r.firstPacketS).toBe(24 * 70);
      // No copy is forwarded after its TTL; one sent just before may still arrive a hop later.
      expect(r.endS).toBeLessThanOrEqual(r.lastPacketS + 60 + 2.5);
    },
  );

  it.each(seeds)(
    'no packet circulates after the last one’s TTL: every endpoint last heard a broadcast within TTL (and one ' +
      'hop) of the last packet, on shared air too (seed %i)',
    (seed) => {
      // The guide's end-of-broadcast check: the last packet's send time against each meter's
      // time of last broadcast heard.
      const mesh = generators.utilityMesh({ collectors: 2, endpointsPerCollector: 300, seed });
      const spec = { origins: 'all', packets: 6, ttlS: 60, maxHops: { maxLayerPlus: 1 } } as const;
      const lastHeard = (r: ReturnType<typeof runBroadcast>): number =>
        Math.max(...r.targetIds().map((id) => r.endpoint(id).lastHeardS ?? -Infinity));
      // Default 2 s hops: the flood dies out long before the TTL.
      const quick = runBroadcast(mesh, spec, { seed });
      expect(lastHeard(quick)).toBeGreaterThan(quick.lastPacketS);
      expect(lastHeard(quick)).toBeLessThan(quick.lastPacketS + 60);
      // Hops of 20–30 s: the TTL cuts the flood. A copy forwarded in time is heard one hop
      // later at most; on shared air a frame whose TTL ran out in its queue is never sent, so
      // the last is heard one airtime after the TTL at most.
      const slow = { kind: 'uniform', minS: 20, maxS: 30 } as const;
      const cut = runBroadcast(mesh, spec, { seed, radio: { delay: slow } });
      expect(cut.stats.expired).toBeGreaterThan(0);
      expect(lastHeard(cut)).toBeLessThanOrEqual(cut.lastPacketS + 60 + slow.maxS);
      const air = runBroadcast(mesh, spec, { seed, radio: { delay: slow, contention: 'csma' } });
      expect(air.air!.expiredInQueue).toBeGreaterThan(0);
      expect(lastHeard(air)).toBeLessThanOrEqual(air.lastPacketS + 60 + DEFAULT_AIRTIME_S);
    },
  );

  it('an endpoint reboots into the image well under a couple of minutes (90 s by default) after it activates', () => {
    const net = generators.line({ meters: 3 });
    const r = runBroadcast(net, { origins: ['C1'], packets: 4, maxHops: 5, ttlS: 60 }, { seed: 1 });
    const e = r.endpoint('M3');
    expect(e.runningS! - e.activationS!).toBe(90);
    expect(e.runningS! - e.activationS!).toBeLessThan(120);
  });
});

describe('collectors within 2 miles of each other should not share a broadcast', () => {
  // Nine 3 km collector cells: C1 and C2 side by side (3 km, 1.9 miles), C1 and C9 8.5 km apart.
  const mesh = generators.utilityMesh({ collectors: 9, endpointsPerCollector: 400, seed: 1 });
  const spec = { packets: 6, ttlS: 60, maxHops: { maxLayerPlus: 1 } } as const;
  const redundancy = (origins: string[], seed: number): number => {
    const r = runBroadcast(mesh, { ...spec, origins }, { seed });
    return r.stats.duplicates / r.stats.reached;
  };
  /** Redundant receptions per delivered copy together, over the two alone (at the pair's Maximum Hops). */
  const ratio = (a: string, b: string, seed: number): number => {
    const together = runBroadcast(mesh, { ...spec, origins: [a, b] }, { seed });
    const hops = { ...spec, maxHops: together.spec.maxHops };
    const alone = [a, b].map((o) => runBroadcast(mesh, { ...hops, origins: [o] }, { seed }));
    const perDelivered = (dup: number, reached: number): number => dup / reached;
    return (
      perDelivered(together.stats.duplicates, together.stats.reached) /
      perDelivered(
        alone[0]!.stats.duplicates + alone[1]!.stats.duplicates,
        alone[0]!.stats.reached + alone[1]!.stats.reached,
      )
    );
  };

  it.each([1, 2, 3])(
    'each collector’s copy is its own message by default: nearby ones repeat packets, far ones do not (seed %i)',
    (seed) => {
      expect(ratio('C1', 'C2', seed)).toBeGreaterThan(1.1);
      expect(Math.abs(ratio('C1', 'C9', seed) - 1)).toBeLessThan(0.05);
      expect(redundancy(['C1', 'C2'], seed)).toBeGreaterThan(redundancy(['C1'], seed));
    },
  );

  it('a broadcast of collectors within 2 miles carries a warning; far apart, none', () => {
    const near = runBroadcast(mesh, { ...spec, origins: ['C1', 'C2'] });
    expect(near.warnings.map((w) => w.code)).toEqual(['nearby-collectors']);
    expect(near.warnings[0]!.message).toMatch(/C1 and C2 are 3\.0 km \(1\.9 miles\) apart/);
    expect(runBroadcast(mesh, { ...spec, origins: ['C1', 'C9'] }).warnings).toEqual([]);
  });

  it('groups keep collectors within 2 miles of each other apart, in as few groups as a grid of cells allows', () => {
    const groups = collectorGroups(mesh, mesh.collectors).map((g) => Array.from(g, (c) => mesh.id(c)));
    for (const g of groups) {
      for (const a of g) {
        for (const b of g) {
          if (a === b) continue;
          const pa = mesh.device(mesh.index(a)).position!;
          const pb = mesh.device(mesh.index(b)).position!;
          expect(Math.hypot(pa.xM - pb.xM, pa.yM - pb.yM), `${a}–${b}`).toBeGreaterThanOrEqual(TWO_MILES_M);
        }
      }
    }
    // A 3 × 3 grid of 3 km cells: side neighbours are 3 km apart, diagonal ones 4.2 km, so two
    // groups do, in a checkerboard.
    expect(groups).toHaveLength(2);
    expect(groups[0]).toEqual(['C1', 'C3', 'C5', 'C7', 'C9']);
    expect(groups.flat().sort()).toEqual(Array.from(mesh.collectors, (c) => mesh.id(c)).sort());
  });
});

describe('parallel broadcasts', () => {
  const mesh = generators.utilityMesh({ collectors: 2, endpointsPerCollector: 300, seed: 3 });
  const a = { origins: ['C1'], packets: 4, spacingS: 20, ttlS: 60, maxHops: 12 };
  const b = { ...a, origins: ['C2'], startS: 10 };

  it('broadcasts overlapping in time without shared air carry a warning saying which option shows them', () => {
    for (const r of runBroadcasts(mesh, [a, b])) {
      expect(r.warnings.map((w) => w.code)).toEqual(['parallel-broadcasts']);
      expect(r.warnings[0]!.message).toMatch(/radio\.contention to 'csma'/);
    }
    // One after the other: nothing to warn about.
    for (const r of runBroadcasts(mesh, [a, { ...b, startS: 10_000 }])) expect(r.warnings).toEqual([]);
    // On shared air they interact, so nothing is hidden.
    for (const r of runBroadcasts(mesh, [a, b], { radio: { contention: 'csma' } })) expect(r.warnings).toEqual([]);
  });
});

describe('endpoints on 4.2x module firmware take no broadcast image', () => {
  it('the version rule: 4.2, 4.21 and 42x are 4.2x; 5.18 and 4.3 are not', () => {
    for (const v of ['4.2', '4.21', '4.25', '42x', '4.2.7']) expect(isModule42x(v), v).toBe(true);
    for (const v of ['5.18', '4.3', '4.19', '24', '5.2', undefined]) expect(isModule42x(v), String(v)).toBe(false);
    expect(compareVersions('9.57', '9.5')).toBeGreaterThan(0);
    expect(compareVersions('5.18', '5.2')).toBeGreaterThan(0);
    expect(compareVersions('42x', '4.2')).toBe(0);
    expect(compareVersions('5.2', '5.2.0')).toBe(0);
  });

  it.each(seeds)('they never complete and count with the refused (utility seed %i)', (seed) => {
    const mesh = generators.utilityMesh({
      collectors: 2,
      endpointsPerCollector: 400,
      seed,
      models: [
        { model: 'focus-ax', share: 0.5, moduleFirmware: '4.21' },
        { model: 'focus-ax-new', share: 0.5, moduleFirmware: '5.18' },
      ],
    });
    const spec = { origins: 'all', packets: 8, ttlS: 60, maxHops: 20, limits: 'research' } as const;
    const first = runBroadcast(mesh, spec, { seed });
    const second = runBroadcast(mesh, spec, { seed, previous: first });
    // The same network with every meter on 5.18 (the same draws place and mix it).
    const current = generators.utilityMesh({
      collectors: 2,
      endpointsPerCollector: 400,
      seed,
      models: [
        { model: 'focus-ax', share: 0.5, moduleFirmware: '5.18' },
        { model: 'focus-ax-new', share: 0.5, moduleFirmware: '5.18' },
      ],
    });
    const all = runBroadcast(current, spec, { seed, previous: runBroadcast(current, spec, { seed }) });
    let old = 0;
    for (const id of second.targetIds()) {
      const e = second.endpoint(id);
      if (mesh.device(mesh.index(id)).firmware.module !== '4.21') continue;
      old++;
      expect(e.refused, id).toBe(true);
      expect(e.completedS, id).toBeNull();
      expect(e.tank!.missing, id).toBe(8);
    }
    expect(old).toBeGreaterThan(50);
    expect(second.refused).toBe(old);
    // They still relay: every other meter fares exactly as on the all-5.18 network.
    for (const id of second.targetIds()) {
      if (mesh.device(mesh.index(id)).firmware.module === '4.21') continue;
      expect(second.endpoint(id).completedS, id).toBe(all.endpoint(id).completedS);
    }
  });

  it('a device record on 42x in a network file is refused too', () => {
    const net = generators.line({ meters: 2 });
    net.addDevice({ id: 'M9', kind: 'meter', firmware: { module: '42x' } });
    net.addLink({ from: 'M2', to: 'M9', success: 1 });
    const r = runBroadcast(net, { origins: ['C1'], packets: 2, maxHops: 5, ttlS: 60 });
    expect(r.endpoint('M9').refused).toBe(true);
    expect(r.endpoint('M9').completedS).toBeNull();
    expect(r.endpoint('M2').completedS).not.toBeNull();
  });
});

describe('one model per broadcast, and a child module never shares its parent’s tank', () => {
  it('under head-end limits a filter names at most one model and one kind of device', () => {
    expect(() => checkSpec({ origins: ['C1'], packets: 1, targets: { models: ['a', 'b'] } })).toThrow(
      expect.objectContaining({ path: 'spec.targets.models' }),
    );
    expect(() => checkSpec({ origins: ['C1'], packets: 1, targets: { kinds: ['meter', 'gasModule'] } })).toThrow(
      expect.objectContaining({ path: 'spec.targets.kinds' }),
    );
    expect(
      checkSpec({ origins: ['C1'], packets: 1, limits: 'research', targets: { kinds: ['meter', 'gasModule'] } }).limits,
    ).toBe('research');
  });

  it('the model and DCW filters do not apply to water firmware', () => {
    expect(() => checkSpec({ origins: ['C1'], packets: 1, targets: { kinds: ['waterModule'], dcw: ['3.1'] } })).toThrow(
      expect.objectContaining({ path: 'spec.targets.dcw' }),
    );
    expect(() =>
      checkSpec({ origins: ['C1'], packets: 1, targets: { kinds: ['waterModule'], models: ['water-module'] } }),
    ).toThrow(expect.objectContaining({ path: 'spec.targets.models' }));
    // In a research study's selection, water modules are selected whatever those filters say.
    const net = new Network();
    net.addDevice({ id: 'C1', kind: 'collector' });
    net.addDevice({ id: 'M1', kind: 'meter', model: 'm', firmware: { dcw: '3.1' } });
    net.addDevice({ id: 'W1', kind: 'waterModule', parent: 'M1', model: 'w' });
    net.addLink({ from: 'C1', to: 'M1', success: 1 });
    const r = runBroadcast(net, {
      origins: ['C1'],
      packets: 1,
      limits: 'research',
      targets: { kinds: ['meter', 'waterModule'], models: ['m'], dcw: ['3.1'] },
    });
    expect(r.targetIds()).toEqual(['M1', 'W1']);
  });

  it('a meter and its gas module in one (research) broadcast each have a tank of their own', () => {
    const net = new Network();
    net.addDevice({ id: 'C1', kind: 'collector' });
    net.addDevice({ id: 'M1', kind: 'meter' });
    net.addDevice({ id: 'G1', kind: 'gasModule', parent: 'M1' });
    net.addLink({ from: 'C1', to: 'M1', success: 1 });
    const spec = {
      origins: ['C1'],
      packets: 9,
      limits: 'research',
      targets: { kinds: ['meter', 'gasModule'] },
    } as const;
    const r = runBroadcast(net, spec, { handoff: { attemptSuccess: 0, maxAttempts: 1 } });
    expect(r.state.tanks.length).toBe(2 * 2); // two tanks of 2 bytes (9 packets)
    expect(r.endpoint('M1').completedS).not.toBeNull();
    expect(r.endpoint('G1').completedS).toBeNull(); // its hand-off failed; its parent's own image is done
    expect(r.tank('G1')).not.toBe(r.tank('M1'));
    expect(r.tank('G1').missing).toBe(0); // the parent holds the child's whole image, for the next hand-off
  });
});

describe('the default scenario follows the guide’s practice', () => {
  it(
    'one model, collectors grouped so none within 2 miles share a broadcast, each group at Max. Layer + 1, ' +
      'TTL 60 s',
    async () => {
      const { readFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      const data = JSON.parse(
        readFileSync(join(import.meta.dirname, '..', 'scenarios', 'default.json'), 'utf8'),
      ) as never;
      const loaded = loadScenario(data);
      const result = runScenario(loaded);
      expect(result.groups.length).toBeGreaterThan(1);
      for (const g of result.groups) {
        const first = g.passes[0]!;
        expect(first.warnings).toEqual([]);
        expect(first.spec.ttlS).toBe(60);
        expect(first.spec.maxHops).toBe(Math.max(...g.origins.map((o) => loaded.mesh.maxLayer.get(o)!)) + 1);
        expect(first.coverage).toBeGreaterThan(0.95);
        expect(g.passes.at(-1)!.coverage).toBe(1);
      }
    },
  );
});
