import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, EXIT } from '../src/cli/main.js';
import {
  CampaignCancelled,
  checkPlan,
  fixPlan,
  fromJSON,
  generators,
  HeadEnd,
  planUpgrade,
  runCampaign,
  toJSON,
  ValidationError,
  type CampaignCheckpoint,
  type CampaignCheckpointStore,
  type CampaignProgress,
  type Plan,
  type PlanStep,
  type Release,
} from '../src/index.js';
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { TWO_MILES_M } from '../src/broadcast/warnings.js';
import { startedBy } from './threads.js';

const METERS = ['focus-ax-integrated', 'focus-al-modular', 'commercial-s4'];
const ALL = [...METERS, 'router', 'mesh-extender'];
const pk = (type: string, version: string, models?: string[], packets = 6) =>
  ({ type, version, ...(models === undefined ? {} : { models }), packets }) as never;

/** A utility whose classes all need something of the release, the guide's hard cases included. */
function utilityOptions(seed: number, endpointsPerCollector = 150): generators.UtilityOptions {
  return {
    collectors: 4,
    endpointsPerCollector,
    seed,
    models: [
      { model: 'focus-ax-integrated', share: 0.55, moduleFirmware: '6.4', dcw: '1.0', programs: 4 },
      {
        model: 'focus-al-modular',
        share: 0.25,
        moduleFirmware: '6.4',
        dcw: '1.0',
        metrology: '3.1',
        han: '2.0',
        programs: 2,
      },
      { model: 'focus-al-modular', share: 0.05, moduleFirmware: '4.21', dcw: '1.0', metrology: '3.1', han: '2.0' },
      { model: 'commercial-s4', share: 0.1, moduleFirmware: '6.4', dcw: '1.0', programs: 2 },
      { model: 'commercial-s4', share: 0.05, moduleFirmware: '4.21', dcw: '1.0' },
    ],
    firmware: {
      collector: { module: '6.4' },
      router: { module: '6.4', dcw: '1.0' },
      meshExtender: { module: '4.21', dcw: '1.0' },
      waterModule: { module: '1.37' },
      gasModule: { module: '2.1' },
    },
    meshExtendersPerThousand: 10,
  };
}

/** The network, with Disable Broadcasts set on a few meters (and every link's forward success × `links`). */
function network(seed: number, endpointsPerCollector = 150, links = 1) {
  const data = toJSON(generators.utility(utilityOptions(seed, endpointsPerCollector)));
  if (links !== 1) {
    for (const l of data.links as unknown as { success: number }[]) l.success *= links;
  }
  let flagged = 0;
  for (const d of data.devices as unknown as { kind: string; flags?: Record<string, boolean> }[]) {
    if (d.kind === 'meter' && flagged < 3) {
      d.flags = { ...d.flags, disableBroadcasts: true };
      flagged++;
    }
  }
  return fromJSON(data);
}

/** What a default utility runs besides its meters. */
const BASE = [
  pk('moduleFirmware', '5.18', ['router', 'mesh-extender']),
  pk('collectorRadio', '5.18', ['collector']),
  pk('waterModuleFirmware', '2.0'),
  pk('gasModuleFirmware', '2.1', ['gas-module']),
];

const CATALOGUE = [
  pk('moduleFirmware', '6.4', ALL),
  pk('moduleFirmware', '4.21', ['mesh-extender', 'focus-al-modular', 'commercial-s4']),
  pk('dcw', '1.0', ALL),
  pk('metrology', '3.1', ['focus-al-modular']),
  pk('han', '2.0', ['focus-al-modular']),
  pk('collectorRadio', '6.4', ['collector']),
  pk('waterModuleFirmware', '1.37'),
  pk('gasModuleFirmware', '2.1', ['gas-module']),
];

const RELEASE: Release = {
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
    pk('moduleFirmware', '7.08', ALL),
    pk('moduleFirmware', '5.18', ['mesh-extender', 'focus-al-modular', 'commercial-s4']),
    pk('dcw', '2.0', ALL),
    pk('metrology', '3.4', ['focus-al-modular']),
    pk('han', '2.2', ['focus-al-modular']),
    pk('collectorRadio', '7.08', ['collector']),
    pk('waterModuleFirmware', '2.0'),
    pk('gasModuleFirmware', '2.3', ['gas-module']),
  ],
};

const headEnd = (seed = 1, endpointsPerCollector = 150, links = 1) =>
  new HeadEnd(network(seed, endpointsPerCollector, links), {
    catalogue: CATALOGUE,
    records: { staleShare: 0.05, seed },
    licences: ['gas', 'water', 'han'],
  });

const without = (plan: Plan, id: string): Plan => {
  expect(
    plan.steps.some((s) => s.id === id),
    id,
  ).toBe(true);
  return { ...plan, steps: plan.steps.filter((s) => s.id !== id) };
};
const moveAfter = (plan: Plan, id: string, after: string): Plan => {
  const steps = plan.steps.filter((s) => s.id !== id);
  const s = plan.steps.find((x) => x.id === id)!;
  steps.splice(steps.findIndex((x) => x.id === after) + 1, 0, s);
  return { ...plan, steps };
};

describe('upgrade plans', () => {
  it("planUpgrade's plans pass checkPlan on seeded utilities, with the guide's inserted steps", () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const he = headEnd(seed);
      const plan = planUpgrade(he, RELEASE);
      expect(checkPlan(he, plan), `seed ${seed}`).toEqual([]);
      const ids = plan.steps.map((s) => s.id);
      // The order: collectors before the mesh, routers before mesh extenders before meters;
      // DCW before module firmware for 6.xx → 7.xx; water before the electric parents.
      const at = (id: string) => ids.indexOf(id);
      expect(at('post-install-off')).toBeLessThan(at('headend'));
      expect(at('collector-radio')).toBeLessThan(at('router-dcw'));
      expect(at('router-dcw')).toBeLessThan(at('router-module'));
      expect(at('router-module')).toBeLessThan(at('meshExtender-module'));
      expect(at('meter-dcw')).toBeLessThan(at('meter-module'));
      expect(at('waterModule-module')).toBeLessThan(at('meter-module'));
      expect(at('meter-module-seed-7xx')).toBeLessThan(at('meter-module'));
      expect(at('meter-han-init')).toBeLessThan(at('meter-han'));
      expect(at('meter-metrology')).toBeLessThan(at('meter-han'));
      const stone = plan.steps.find((s) => s.id === 'meter-module-42x-stone')!;
      expect(stone.version).toBe('5.18');
      for (const id of stone.endpoints!) expect(he.record(id).model).toBe('focus-al-modular');
      const direct = plan.steps.find((s) => s.id === 'meter-module-42x')!;
      for (const id of direct.endpoints!) expect(he.record(id).model).toBe('commercial-s4');
      // One seed meter per (model, program).
      const seeds = plan.steps.find((s) => s.id === 'meter-module-seed-7xx')!.endpoints!;
      const keys = seeds.map(
        (id) => `${he.record(id).model}|${he.network.device(he.network.index(id)).program?.program}`,
      );
      expect(new Set(keys).size).toBe(seeds.length);
    }
  });

  it('skips classes already on target and what the network does not have', () => {
    const he = new HeadEnd(network(1), { catalogue: CATALOGUE, licences: ['gas', 'water', 'han'] });
    const plan = planUpgrade(he, { targets: [{ kind: 'gasModule', module: '2.1' }] });
    expect(plan.steps.map((s) => s.id)).not.toContain('gasModule-module');
    expect(plan.skipped.find((s) => s.id === 'gasModule-module')!.why).toBe('every record on target');
    // A record out of date is synchronised first, not taken for on target.
    const stale = planUpgrade(headEnd(1), { targets: [{ kind: 'gasModule', module: '2.1' }] });
    expect(stale.steps.map((s) => s.id)).toEqual(['import', 'synchronise', 'gasModule-module']);
    const japan = planUpgrade(he, RELEASE, { order: 'japan' });
    expect(japan.skipped.find((s) => s.id === 'repeater920-module')!.why).toMatch(/no repeater920/);
  });

  it('each deviation rule is caught on a bad plan, with its endpoints and fix, and fixPlan fixes it', () => {
    const he = headEnd(1);
    const good = planUpgrade(he, RELEASE);
    const cases: [string, Plan][] = [
      ['post-install-off', without(good, 'post-install-off')],
      ['installation-order', moveAfter(good, 'router-module', 'meter-module')],
      ['synchronise-unknown', without(good, 'synchronise')],
      ['42x-stepping-stone', without(good, 'meter-module-42x-stone')],
      ['42x-stepping-stone', without(good, 'meshExtender-module-42x-stone')],
      ['42x-no-broadcast', without(good, 'meter-module-42x')],
      ['broadcast-bits', without(good, 'meter-module-no-broadcast')],
      ['dcw-before-module-7xx', moveAfter(good, 'meter-dcw', 'meter-module')],
      ['seed-7xx', without(good, 'meter-module-seed-7xx')],
      ['han-init-before-zigbee', without(good, 'meter-han-init')],
      ['zigbee-before-module', moveAfter(good, 'meter-han', 'post-install-off')],
      ['water-before-parent', moveAfter(good, 'waterModule-module', 'meter-module')],
      ['nearby-collectors', { ...good, settings: { ...good.settings, grouping: 'all' } }],
    ];
    for (const [rule, bad] of cases) {
      const problems = checkPlan(he, bad);
      const p = problems.find((x) => x.rule === rule);
      expect(p, `${rule}: ${JSON.stringify(problems.map((x) => x.rule))}`).toBeDefined();
      expect(p!.fix.length, rule).toBeGreaterThan(0);
      expect(p!.fixable, rule).toBe(true);
      expect(p!.sample.length, rule).toBe(Math.min(5, p!.count));
      const fixed = fixPlan(he, bad);
      expect(fixed.fixed.length, rule).toBeGreaterThan(0);
      expect(checkPlan(he, fixed.plan), rule).toEqual([]);
      expect(fixed.remaining, rule).toEqual([]);
    }
  });

  it('metrology without ZigBee firmware: HAN Initialization again after it', () => {
    const he = headEnd(2);
    const release = {
      ...RELEASE,
      targets: RELEASE.targets.map((t) =>
        t.model === 'focus-al-modular' ? { kind: 'meter' as const, model: t.model, metrology: '3.4' } : t,
      ),
    };
    const plan = planUpgrade(he, release);
    expect(checkPlan(he, plan)).toEqual([]);
    const bad = without(plan, 'meter-han-reinit');
    const p = checkPlan(he, bad).find((x) => x.rule === 'han-init-after-metrology')!;
    expect(p.count).toBeGreaterThan(0);
    expect(fixPlan(he, bad).remaining).toEqual([]);
  });

  it('9.2x → 9.5x: seed meters per program, tariff and misc id, then a head-end restart', () => {
    const he = new HeadEnd(
      generators.utility({
        collectors: 2,
        endpointsPerCollector: 120,
        seed: 4,
        models: [{ model: 'focus-ax-integrated', share: 1, moduleFirmware: '9.21', programs: 3, tariffs: 2 }],
      }),
      { catalogue: [pk('moduleFirmware', '9.21', ['focus-ax-integrated']), ...BASE] },
    );
    const release = {
      targets: [{ kind: 'meter' as const, module: '9.57' }],
      packages: [pk('moduleFirmware', '9.57', ['focus-ax-integrated'])],
    };
    const plan = planUpgrade(he, release);
    expect(checkPlan(he, plan)).toEqual([]);
    const ids = plan.steps.map((s) => s.id);
    expect(ids.indexOf('meter-module-seed-95x')).toBeLessThan(ids.indexOf('meter-module-restart'));
    expect(ids.indexOf('meter-module-restart')).toBeLessThan(ids.indexOf('meter-module'));
    // Up to 3 programs × 2 tariffs.
    const seeds = plan.steps.find((s) => s.id === 'meter-module-seed-95x')!;
    expect(seeds.count).toBeGreaterThan(3);
    expect(seeds.count).toBeLessThanOrEqual(6);
    for (const [rule, bad] of [
      ['seed-95x', without(without(plan, 'meter-module-seed-95x'), 'meter-module-restart')],
      ['headend-restart-95x', without(plan, 'meter-module-restart')],
    ] as const) {
      expect(checkPlan(he, bad).map((p) => p.rule)).toContain(rule);
      expect(fixPlan(he, bad).remaining).toEqual([]);
    }
    // Run it: no reconfiguration; without the seeds, every meter goes through one.
    const done = runCampaign(he, plan, { seed: 1 });
    expect(done.reconfigurations).toBe(0);
    expect(done.left.total).toBeLessThanOrEqual(2);
  });

  it('dual head-end, concentrators older than 6.0 to 8.5x: the sequence, caught when broken', () => {
    const he = new HeadEnd(
      generators.utility({ collectors: 2, endpointsPerCollector: 100, seed: 5, concentratorShare: 0.5 }),
      {
        catalogue: [
          pk('moduleFirmware', '5.18', [
            'focus-ax-integrated',
            'focus-al-modular',
            'commercial-s4',
            'router',
            'mesh-extender',
            'concentrator',
          ]),
          ...BASE.slice(1),
        ],
      },
    );
    const release: Release = {
      collectorRadio: '5.22',
      concentratorFirmware: '8.52',
      targets: [{ kind: 'concentrator', module: '5.22' }],
      packages: [pk('moduleFirmware', '5.22', ['concentrator']), pk('collectorRadio', '5.22', ['collector'])],
    };
    const plan = planUpgrade(he, release, { order: 'dual-headend', concentratorFirmware: '5.4' });
    expect(checkPlan(he, plan)).toEqual([]);
    const ids = plan.steps.map((s) => s.id);
    expect(ids.indexOf('collector-radio')).toBeLessThan(ids.indexOf('data-message-informational'));
    expect(ids.indexOf('concentrator-activate')).toBeLessThan(ids.indexOf('general-query'));
    const bad = without(plan, 'general-query');
    expect(checkPlan(he, bad).map((p) => p.rule)).toContain('concentrators-to-85x');
    expect(fixPlan(he, bad).remaining).toEqual([]);
    // Concentrators already on 6.0 or newer: no such steps.
    const later = planUpgrade(he, release, { order: 'dual-headend', concentratorFirmware: '6.1' });
    expect(later.steps.map((s) => s.id)).not.toContain('general-query');
  });

  it('what no plan change fixes is said so: packages missing, water firmware older than 2.0', () => {
    const he = headEnd(1);
    const plan = planUpgrade(he, { ...RELEASE, packages: [] } as Release);
    const p = checkPlan(he, plan).find((x) => x.rule === 'catalogue')!;
    expect(p.fixable).toBe(false);
    expect(p.message).toMatch(/moduleFirmware 7\.08/);
    const oldWater = planUpgrade(he, {
      ...RELEASE,
      targets: RELEASE.targets.map((t) => (t.kind === 'waterModule' ? { ...t, module: '1.5' } : t)),
    } as Release);
    const w = checkPlan(he, oldWater).find((x) => x.rule === 'water-before-parent')!;
    expect(w.fixable).toBe(false);
    expect(w.count).toBeGreaterThan(0);
  });

  it('bad input: a clear error naming the field', () => {
    const he = headEnd(1);
    const bad: [unknown, RegExp][] = [
      [{ targets: [{ kind: 'collector', module: '5.0' }] }, /release\.targets\[0\]\.kind/],
      [{ targets: [{ kind: 'meter', module: 'new' }] }, /release\.targets\[0\]\.module/],
      [{ targets: [{ kind: 'meter' }] }, /release\.targets\[0\]/],
      [{ targets: [{ kind: 'router', metrology: '1.0' }] }, /release\.targets\[0\]\.metrology/],
      [
        {
          targets: [
            { kind: 'meter', module: '7.0' },
            { kind: 'meter', module: '7.1' },
          ],
        },
        /release\.targets\[1\]/,
      ],
      [{ targets: [], extra: 1 }, /release\.extra/],
    ];
    for (const [release, path] of bad) {
      expect(() => planUpgrade(he, release as Release)).toThrow(ValidationError);
      expect(() => planUpgrade(he, release as Release)).toThrow(path);
    }
    expect(() => planUpgrade(he, RELEASE, { order: 'triple' as never })).toThrow(/options\.order/);
    expect(() => planUpgrade(he, RELEASE, { ttlS: 30 })).toThrow(/options\.ttlS/);
    expect(() => runCampaign(he, planUpgrade(he, RELEASE), { timing: { restartS: -1 } })).toThrow(
      /options\.timing\.restartS/,
    );
  });
});

describe('campaigns', () => {
  // One run of the best-practice plan and of a naive one on the same seeded network.
  const best = (() => {
    const he = headEnd(3, 200);
    const plan = planUpgrade(he, RELEASE);
    return { he, plan, result: runCampaign(he, plan, { seed: 7 }) };
  })();

  it("reaches the remainder goal; the timeline's counts add up", () => {
    const { result, plan } = best;
    expect(result.timeline.map((s) => s.id)).toEqual(plan.steps.map((s) => s.id));
    let t = result.startS;
    for (const step of result.timeline) {
      expect(step.startS).toBeGreaterThanOrEqual(t);
      expect(step.endS).toBeGreaterThanOrEqual(step.startS);
      t = step.endS;
      for (const b of step.broadcasts) {
        const first = b.passes[0]!.targeted;
        b.passes.forEach((p, k) => {
          expect(p.updated + p.failed).toBe(p.targeted);
          if (k > 0) expect(p.targeted, `${step.id} pass ${k + 1}`).toBe(b.passes[k - 1]!.failed);
        });
        const left = b.passes[b.passes.length - 1]!.failed;
        if (b.passes.length < plan.settings.passes)
          expect(left).toBeLessThanOrEqual(plan.settings.remainderGoal * first);
      }
    }
    expect(result.endS).toBe(t);
    expect(result.durationS).toBe(result.endS - result.startS);
    // Clean-up finishes what the broadcasts left: only what cannot be reached is left.
    expect(result.left.byReason.failed + result.left.byReason['stale record']).toBeLessThanOrEqual(2);
    for (const e of result.left.endpoints) expect(['unreachable', 'failed', 'stale record']).toContain(e.reason);
    const meters = result.finalVersions.find((f) => f.kind === 'meter' && f.field === 'module')!;
    expect(meters.versions['7.08']).toBeGreaterThan(0.97 * Object.values(meters.versions).reduce((a, b) => a + b, 0));
  });

  it('a repeat pass targets only what earlier passes left, also where the filter still matches upgraded meters', () => {
    // A metrology or ZigBee image's filter (model, module firmware, DCW) still matches meters that
    // took the image in pass 1, so the head-end's total counts them again: they are held, not
    // targeted, and never failed.
    const he = headEnd(3, 200, 0.5);
    const plan = planUpgrade(he, RELEASE, { remainderGoal: 0 });
    const result = runCampaign(he, plan, { seed: 7 });
    let repeated = 0;
    for (const step of result.timeline) {
      if (step.id !== 'meter-metrology' && step.id !== 'meter-han') continue;
      for (const b of step.broadcasts) {
        b.passes.forEach((p, k) => {
          if (k === 0) return;
          repeated++;
          expect(p.targeted, `${step.id} pass ${k + 1}`).toBe(b.passes[k - 1]!.failed);
          expect(p.targeted).toBeLessThan(b.passes[0]!.targeted / 2);
        });
      }
    }
    expect(repeated).toBeGreaterThan(0);
  });

  it("progress names a broadcast's collectors up to eight, and summarises more", () => {
    const he = new HeadEnd(generators.utility({ ...utilityOptions(2, 8), collectors: 10 }), {
      catalogue: CATALOGUE,
      licences: ['gas', 'water', 'han'],
    });
    const messages: string[] = [];
    runCampaign(he, planUpgrade(he, RELEASE, { grouping: 'all' }), {
      seed: 1,
      onProgress: (p) => messages.push(p.message),
    });
    const broadcasts = messages.filter((m) => m.startsWith('broadcast '));
    expect(broadcasts.length).toBeGreaterThan(0);
    // Every message names at most eight collectors; those of more than eight are summarised.
    for (const m of broadcasts) expect(m.match(/\bC\d+\b/g)!.length, m).toBeLessThanOrEqual(8);
    expect(broadcasts.filter((m) => / from 9 collectors, C1 … C10, pass \d+:/.test(m)).length).toBeGreaterThan(0);
  });

  it('no two collectors under 2 miles share a broadcast', () => {
    const mesh = best.he.network;
    let broadcasts = 0;
    for (const step of best.result.timeline) {
      for (const b of step.broadcasts) {
        broadcasts++;
        for (const a of b.collectors) {
          for (const c of b.collectors) {
            if (a >= c) continue;
            const pa = mesh.device(mesh.index(a)).position!;
            const pc = mesh.device(mesh.index(c)).position!;
            expect(Math.hypot(pa.xM - pc.xM, pa.yM - pc.yM)).toBeGreaterThanOrEqual(TWO_MILES_M);
          }
        }
      }
    }
    expect(broadcasts).toBeGreaterThan(10);
  });

  it('a naive campaign (TTL 300, all collectors at once, no seeding) sends every changed meter through RF reconfiguration', () => {
    const he = headEnd(3, 200);
    const naive = planUpgrade(he, RELEASE, { ttlS: 300, grouping: 'all', seeding: false });
    expect(checkPlan(he, naive).map((p) => p.rule)).toEqual(expect.arrayContaining(['seed-7xx', 'nearby-collectors']));
    const r = runCampaign(he, naive, { seed: 7 });
    const changed = 0.9 * 4 * 200 * 0.9; // meters on 6.4 (90 %), nearly all upgraded
    expect(best.result.reconfigurations).toBe(0);
    expect(r.reconfigurations).toBeGreaterThan(changed);
    // Each reconfiguration is round trips along the route: at least 2 × 6 messages.
    expect(r.messages).toBeGreaterThan(best.result.messages);
    expect(r.messages).toBeGreaterThanOrEqual(12 * r.reconfigurations);
    for (const step of r.timeline) for (const b of step.broadcasts) expect(b.collectors.length).toBeGreaterThan(1);
  });

  it('killed between commands and resumed from its checkpoint: the uninterrupted result', () => {
    const plan = planUpgrade(headEnd(3, 200), RELEASE);
    let saved: CampaignCheckpoint | null = null;
    let writes = 0;
    const store: CampaignCheckpointStore = {
      read: () => (saved === null ? null : (JSON.parse(JSON.stringify(saved)) as CampaignCheckpoint)),
      write: (c) => {
        saved = JSON.parse(JSON.stringify(c)) as CampaignCheckpoint;
        writes++;
      },
    };
    for (const stopAfter of [7, 40]) {
      saved = null;
      const controller = new AbortController();
      let events = 0;
      expect(() =>
        runCampaign(headEnd(3, 200), plan, {
          seed: 7,
          checkpoint: store,
          signal: controller.signal,
          onProgress: () => {
            if (++events === stopAfter) controller.abort();
          },
        }),
      ).toThrow(CampaignCancelled);
      const done = (saved as CampaignCheckpoint | null)?.done ?? 0;
      expect(done).toBeLessThan(plan.steps.length);
      const resumed = runCampaign(headEnd(3, 200), plan, { seed: 7, checkpoint: store });
      expect(JSON.stringify(resumed)).toBe(JSON.stringify(best.result));
    }
    expect(writes).toBeGreaterThan(plan.steps.length);
    // A checkpoint of another campaign is refused.
    expect(() => runCampaign(headEnd(3, 200), plan, { seed: 8, checkpoint: store })).toThrow(/checkpoint/);
  });

  it('on shared air with interval reads: read success before and during its broadcasts', () => {
    const he = new HeadEnd(generators.utility({ collectors: 1, endpointsPerCollector: 120, seed: 6 }), {
      catalogue: [pk('moduleFirmware', '5.18', [...METERS, 'router', 'mesh-extender']), ...BASE.slice(1)],
    });
    const plan = planUpgrade(he, {
      targets: [{ kind: 'meter', module: '5.22' }],
      packages: [pk('moduleFirmware', '5.22', METERS)],
    });
    const r = runCampaign(he, plan, {
      seed: 2,
      radio: { contention: 'csma' },
      traffic: { reads: { intervalS: 300 } },
    });
    expect(r.kpis).not.toBeNull();
    for (const w of [r.kpis!.before, r.kpis!.during]) {
      expect(w.sent).toBeGreaterThan(0);
      expect(w.delivered).toBeLessThanOrEqual(w.sent);
      expect(w.successRate).toBeCloseTo(w.delivered / w.sent, 12);
    }
    // Over time: a sample per broadcast pass, in clock order, inside its step; the totals are their sums.
    const { samples } = r.kpis!;
    const passes = r.timeline.flatMap((st, i) =>
      st.broadcasts.flatMap((b, j) => b.passes.map((_, k) => ({ step: i, broadcast: j, pass: k + 1 }))),
    );
    expect(samples.map(({ step, broadcast, pass }) => ({ step, broadcast, pass }))).toEqual(passes);
    samples.forEach((k, i) => {
      const st = r.timeline[k.step]!;
      expect(k.firstPacketS).toBeGreaterThanOrEqual(st.startS);
      expect(k.endS).toBeGreaterThan(k.firstPacketS);
      expect(k.endS).toBeLessThanOrEqual(st.endS);
      if (i > 0) expect(k.firstPacketS).toBeGreaterThanOrEqual(samples[i - 1]!.endS);
      for (const w of [k.before, k.during, k.after])
        expect(w.successRate).toBe(w.sent === 0 ? 1 : w.delivered / w.sent);
    });
    for (const w of ['before', 'during'] as const) {
      expect(samples.reduce((a, k) => a + k[w].sent, 0)).toBe(r.kpis![w].sent);
      expect(samples.reduce((a, k) => a + k[w].delivered, 0)).toBe(r.kpis![w].delivered);
    }
    expect(
      runCampaign(headEnd(1), planUpgrade(headEnd(1), RELEASE), { seed: 1, timing: { headendUpgradeS: 0 } }).kpis,
    ).toBeNull();
  });

  it('read success pass by pass: one sample per selective repeat pass, the same after a resume', () => {
    // Two broadcast steps (module firmware, then DCW) on a lossy mesh, so that repeats happen.
    const build = () =>
      new HeadEnd(
        generators.utility({
          collectors: 1,
          endpointsPerCollector: 120,
          seed: 7,
          pathLoss: { exponent: 3.8 },
          models: [{ model: 'focus-ax-integrated', share: 1, moduleFirmware: '5.18', dcw: '1.0' }],
        }),
        {
          catalogue: [
            pk('moduleFirmware', '5.18', [...METERS, 'router', 'mesh-extender']),
            pk('dcw', '1.0', METERS),
            ...BASE.slice(1),
          ],
        },
      );
    const release = {
      targets: [{ kind: 'meter', module: '5.22', dcw: '2.0' }],
      packages: [pk('moduleFirmware', '5.22', METERS, 20), pk('dcw', '2.0', METERS, 10)],
    };
    const plan = planUpgrade(build(), release as Release, { passes: 3, remainderGoal: 0, repeat: 'selective' });
    const options = { seed: 2, radio: { contention: 'csma' }, traffic: { reads: { intervalS: 300 } } } as const;
    const he = build();
    const whole = runCampaign(he, plan, options);
    const { samples } = whole.kpis!;
    // Repeat passes ran, sending more broadcast commands (stretches) than passes: still a sample a pass.
    expect(samples.some((k) => k.pass > 1)).toBe(true);
    const passes = whole.timeline.reduce((a, st) => a + st.broadcasts.reduce((b, x) => b + x.passes.length, 0), 0);
    expect(samples).toHaveLength(passes);
    const broadcasts = he.reports.commandHistory().filter((e) => e.delivery === 'broadcast').length;
    expect(broadcasts).toBeGreaterThan(passes);
    expect(JSON.stringify(runCampaign(build(), plan, options))).toBe(JSON.stringify(whole));
    // Stopped in the last broadcast step and resumed from the checkpoint: the same samples.
    const last = whole.timeline.length;
    expect(whole.timeline[last - 1]!.broadcasts.length).toBeGreaterThan(0);
    let saved: CampaignCheckpoint | null = null;
    const store: CampaignCheckpointStore = {
      read: () => (saved === null ? null : (JSON.parse(JSON.stringify(saved)) as CampaignCheckpoint)),
      write: (c) => (saved = JSON.parse(JSON.stringify(c)) as CampaignCheckpoint),
    };
    const controller = new AbortController();
    const stop = (p: CampaignProgress) => {
      if (p.step === last) controller.abort();
    };
    expect(() =>
      runCampaign(build(), plan, { ...options, checkpoint: store, signal: controller.signal, onProgress: stop }),
    ).toThrow(CampaignCancelled);
    const kept = (saved as CampaignCheckpoint | null)?.kpiSamples ?? [];
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(samples.length);
    expect(JSON.stringify(runCampaign(build(), plan, { ...options, checkpoint: store }))).toBe(JSON.stringify(whole));
  });

  it('a head-end state saved and restored runs on as the original', () => {
    const a = headEnd(2);
    const plan = planUpgrade(a, RELEASE);
    const first: PlanStep[] = plan.steps.slice(0, 8) as PlanStep[];
    runCampaign(a, { ...plan, steps: first }, { seed: 3 });
    const b = headEnd(2);
    b.restoreState(JSON.parse(JSON.stringify(a.saveState())));
    expect(b.now).toBe(a.now);
    expect(JSON.stringify(b.saveState())).toBe(JSON.stringify(a.saveState()));
    const cmd = (he: HeadEnd) =>
      he.run(he.pointToPoint({ command: 'getEndpointConfiguration', endpoints: ['M1', 'M2', 'M3'] }), { seed: 4 });
    expect(JSON.stringify(cmd(b).responses)).toBe(JSON.stringify(cmd(a).responses));
    expect(() => headEnd(2, 100).restoreState(a.saveState())).toThrow(/state\.devices/);
  });
});

describe('campaigns on worker threads', () => {
  // Images of 120 packets: every broadcast pass is worth the threads.
  const release: Release = {
    ...RELEASE,
    packages: (RELEASE.packages as readonly object[]).map((p) => ({ ...p, packets: 120 }) as never),
  };
  const plan = planUpgrade(headEnd(3, 200), release);
  const alone = runCampaign(headEnd(3, 200), plan, { seed: 7 });
  const exited = (workers: readonly Worker[]) => Promise.all(workers.map((w) => once(w, 'exit')));

  it('the same campaign, bit for bit, on 1 and 2 threads as on the calling thread; every thread stops at the end', async () => {
    for (const workers of [1, 2]) {
      const run = startedBy(() => runCampaign(headEnd(3, 200), plan, { seed: 7, workers }));
      expect(run.error).toBeUndefined();
      expect(run.workers, `${workers} threads started`).toHaveLength(workers);
      expect(JSON.stringify(run.value), `${workers} threads`).toBe(JSON.stringify(alone));
      await exited(run.workers);
    }
  });

  it('stopped on threads: none is left; resumed on other threads, or none: the uninterrupted result', async () => {
    let saved: CampaignCheckpoint | null = null;
    const store: CampaignCheckpointStore = {
      read: () => (saved === null ? null : (JSON.parse(JSON.stringify(saved)) as CampaignCheckpoint)),
      write: (c) => void (saved = JSON.parse(JSON.stringify(c)) as CampaignCheckpoint),
    };
    for (const [before, after] of [
      [2, 1],
      [1, 0],
    ] as const) {
      saved = null;
      const controller = new AbortController();
      let events = 0;
      const stopped = startedBy(() =>
        runCampaign(headEnd(3, 200), plan, {
          seed: 7,
          workers: before,
          checkpoint: store,
          signal: controller.signal,
          onProgress: () => {
            if (++events === 20) controller.abort();
          },
        }),
      );
      expect(stopped.error).toBeInstanceOf(CampaignCancelled);
      expect(stopped.workers).toHaveLength(before);
      await exited(stopped.workers);
      expect((saved as CampaignCheckpoint | null)?.done).toBeGreaterThan(0);
      const resumed = runCampaign(headEnd(3, 200), plan, { seed: 7, checkpoint: store, workers: after });
      expect(JSON.stringify(resumed)).toBe(JSON.stringify(alone));
    }
  });

  it('an error half way (a progress callback that throws) stops the threads too', async () => {
    const boom = new Error('progress bar broke');
    let events = 0;
    const failed = startedBy(() =>
      runCampaign(headEnd(3, 200), plan, {
        seed: 7,
        workers: 2,
        onProgress: () => {
          if (++events === 20) throw boom;
        },
      }),
    );
    expect(failed.error).toBe(boom);
    expect(failed.workers).toHaveLength(2);
    await exited(failed.workers);
  });

  it('checks the worker count', () => {
    for (const workers of [-1, 2.5, 65, 'all']) {
      expect(() => runCampaign(headEnd(3, 200), plan, { workers: workers as never })).toThrow(
        expect.objectContaining({ name: 'ValidationError', path: 'options.workers' }),
      );
    }
  });
});

describe('the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshcast-campaign-'));
  const scenario = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', 'scenarios', 'campaign-japan.json'), 'utf8'),
  ) as Record<string, never>;
  const file = join(dir, 'japan.json');
  writeFileSync(file, JSON.stringify({ ...scenario, $schema: undefined }));
  const run = async (args: string[]) => {
    let out = '';
    let err = '';
    const code = await main(
      args,
      (s) => (out += s),
      (s) => (err += s),
    );
    return { code, out, err };
  };

  it('meshcast plan prints the plan; problems exit 3', async () => {
    const ok = await run(['plan', file]);
    expect(ok.code).toBe(EXIT.ok);
    expect(ok.out).toMatch(/japan order: 7 steps/);
    expect(ok.out).toMatch(/no problems/);
    const bad = join(dir, 'bad.json');
    const s = structuredClone(scenario) as unknown as { campaign: { release: { packages: unknown[] } } };
    s.campaign.release.packages = [];
    writeFileSync(bad, JSON.stringify(s));
    const refused = await run(['plan', bad]);
    expect(refused.code).toBe(EXIT.invalid);
    expect(refused.out).toMatch(/\[catalogue\]/);
    const campaign = await run(['campaign', bad, '--quiet']);
    expect(campaign.code).toBe(EXIT.invalid);
    expect(campaign.err).toMatch(/catalogue/);
  });

  it('meshcast campaign runs, with progress; --out keeps a checkpoint the same command resumes from', async () => {
    const checkpoint = join(dir, 'japan.checkpoint.json');
    const first = await run(['campaign', file, '--out', checkpoint]);
    expect(first.code, first.err).toBe(EXIT.ok);
    expect(first.err).toMatch(/\[7\/7\] meter-module: broadcast/);
    expect(first.out).toMatch(/Left: none/);
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as CampaignCheckpoint;
    expect(saved.done).toBe(7);
    const again = await run(['campaign', file, '--out', checkpoint, '--quiet']);
    expect(again.code).toBe(EXIT.ok);
    expect(again.out).toBe(first.out);
    const threads = await run(['campaign', file, '--quiet', '--workers', '2']);
    expect(threads.code, threads.err).toBe(EXIT.ok);
    expect(threads.out).toBe(first.out);
    const badWorkers = await run(['campaign', file, '--quiet', '--workers', 'many']);
    expect(badWorkers.code).toBe(EXIT.usage);
    expect(badWorkers.err).toMatch(/--workers/);
    const json = await run(['campaign', file, '--quiet', '--json']);
    const data = JSON.parse(json.out) as { timeline: unknown[]; left: { total: number } };
    expect(data.timeline.length).toBe(7);
    expect(data.left.total).toBe(0);
    const wrongSeed = await run(['campaign', file, '--out', checkpoint, '--seed', '9', '--quiet']);
    expect(wrongSeed.code).toBe(EXIT.invalid);
    expect(wrongSeed.err).toMatch(/checkpoint of this campaign/);
    const runIt = await run(['run', file]);
    expect(runIt.code).toBe(EXIT.invalid);
    expect(runIt.err).toMatch(/this is a campaign \(meshcast plan, meshcast campaign\)/);
    const sweepIt = await run(['sweep', file, '--ttl', '60,120']);
    expect(sweepIt.code).toBe(EXIT.invalid);
    expect(sweepIt.err).toMatch(/a scenario with a broadcast to sweep/);
  });

  // The built command, as a user runs it (npm test builds it first): Ctrl-C is a signal to the
  // process, which only a process of its own can take.
  it('Ctrl-C stops meshcast campaign at once, and the same command resumes to the uninterrupted result', async () => {
    const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
    const single = join(import.meta.dirname, '..', 'scenarios', 'campaign-single-headend.json');
    const checkpoint = join(dir, 'single.checkpoint.json');
    const command = (args: string[]) => {
      const child = spawn(process.execPath, [cli, 'campaign', single, '--quiet', ...args], { stdio: 'pipe' });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      return { child, exited, out: () => out };
    };
    const stopped = command(['--out', checkpoint]);
    // Stopped once its first checkpoint is on disk: most of the campaign's steps are still to run.
    while (!existsSync(checkpoint) && stopped.child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    stopped.child.kill('SIGINT');
    const [code, signal] = await stopped.exited;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGINT' });
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as CampaignCheckpoint;
    expect(saved.done).toBeGreaterThan(0);
    expect(saved.done).toBeLessThan(21); // the plan's steps
    const resumed = command(['--out', checkpoint]);
    const whole = command([]);
    expect((await resumed.exited)[0]).toBe(EXIT.ok);
    expect((await whole.exited)[0]).toBe(EXIT.ok);
    expect(resumed.out()).toBe(whole.out());
    expect(whole.out()).toMatch(/Left:/);
  });
});
