import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  generators,
  HeadEnd,
  OptimiseCancelled,
  optimiseCampaign,
  planUpgrade,
  runCampaign,
  ValidationError,
  type CandidateResult,
  type OptimiseOptions,
  type OptimiseResult,
  type PairedDifference,
  type PlanSettings,
  type Release,
} from '../src/index.js';
import { missingStretches, sampleEvenly } from '../src/workflow/selective.js';

const MODELS = ['focus-ax-integrated', 'router', 'mesh-extender'];
const pk = (type: string, version: string, packets: number, models?: string[]) =>
  ({ type, version, ...(models === undefined ? {} : { models }), packets }) as never;

/** A small utility whose meters all run DCW 1.0 (one download step: cheap campaigns). */
function headEnd(seed: number, collectors = 2, endpointsPerCollector = 30, packets = 8, lossy = false): HeadEnd {
  const mesh = generators.utility({
    collectors,
    endpointsPerCollector,
    seed,
    // Steeper path loss and deeper fading: weaker links, so that a first pass leaves a remainder.
    ...(lossy ? { pathLoss: { exponent: 3.6, fadingSigmaDb: 8 } } : {}),
    models: [{ model: 'focus-ax-integrated', share: 1, moduleFirmware: '7.08', dcw: '1.0' }],
    firmware: {
      collector: { module: '7.08' },
      router: { module: '7.08', dcw: '1.0' },
      meshExtender: { module: '7.08', dcw: '1.0' },
      waterModule: { module: '2.0' },
      gasModule: { module: '2.1' },
    },
  });
  return new HeadEnd(mesh, {
    catalogue: [
      pk('moduleFirmware', '7.08', packets, MODELS),
      pk('dcw', '1.0', packets, MODELS),
      pk('collectorRadio', '7.08', packets, ['collector']),
      pk('waterModuleFirmware', '2.0', packets),
      pk('gasModuleFirmware', '2.1', packets, ['gas-module']),
    ],
    records: { staleShare: 0.05, seed },
  });
}

const release = (packets = 8): Release => ({
  targets: [{ kind: 'meter', dcw: '2.0' }],
  packages: [pk('dcw', '2.0', packets, MODELS)],
});

/** 2 × 2 × 3 settings (spacing, grouping, passes / remainder) and the guide's defaults. */
const OPTIONS: OptimiseOptions = {
  seed: 5,
  budget: { runs: 40 },
  coverageGoal: 0.95,
  space: {
    maxHopsOverLayer: [1],
    ttlS: [60],
    spacingS: [70, 35],
    grouping: ['two-mile', 'all'],
    passes: [1, 4],
    remainderGoal: [0.02, 0.2],
  },
};

const memo = new Map<string, OptimiseResult>();
function optimised(seed = 1, options: OptimiseOptions = OPTIONS): OptimiseResult {
  const key = JSON.stringify([seed, options]);
  if (!memo.has(key)) memo.set(key, optimiseCampaign(headEnd(seed), release(), options));
  return memo.get(key)!;
}

describe('campaign optimiser', () => {
  it('common random numbers: replication i of every candidate runs on seeds[i], as a run of its own shows', () => {
    const r = optimised();
    // By construction: every run of every candidate names its seed, and run i has seeds[i].
    for (const c of r.candidates) {
      expect(c.runs.length).toBeGreaterThan(0);
      c.runs.forEach((run, i) => expect(run.seed).toBe(r.seeds[i]));
    }
    // By a result: the winner's and the guide's last runs, made again on a fresh head-end with
    // that seed, give the same numbers.
    for (const c of [r.winner!, r.guide]) {
      const i = c.runs.length - 1;
      const he = headEnd(1);
      const again = runCampaign(he, planUpgrade(he, release(), c.settings), { seed: r.seeds[i]! });
      expect(again.durationS).toBe(c.runs[i]!.durationS);
      expect(again.transmissions).toBe(c.runs[i]!.transmissions);
    }
  });

  it('settings that cannot change a run are run once', () => {
    const r = optimised();
    // One pass: the remainder goal is moot, so 2 × 2 × (1 + 2) = 12 candidates, the guide's among them.
    expect(r.candidates.length).toBe(12);
    const keys = r.candidates.map((c) => JSON.stringify(c.settings));
    expect(new Set(keys).size).toBe(keys.length);
    expect(r.candidates.filter((c) => c.guide)).toHaveLength(1);
    // Ties (the same runs seed by seed) are named, and the runner-up is not one of them.
    const w = r.winner!;
    const same = (c: (typeof r.candidates)[0]) =>
      c.runs.length > 0 && c.runs.every((x, i) => JSON.stringify({ ...x }) === JSON.stringify({ ...w.runs[i] }));
    const tied = r.candidates.filter((c) => c !== w && same(c)).map((c) => c.settings);
    expect(r.ties).toEqual(tied);
    if (r.runnerUp !== null) expect(same(r.runnerUp)).toBe(false);
  });

  it('is deterministic: the same seed gives the same winner and numbers, another seed other runs', () => {
    const a = optimised();
    const b = optimiseCampaign(headEnd(1), release(), OPTIONS);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = optimiseCampaign(headEnd(1), release(), { ...OPTIONS, seed: 6 });
    expect(c.seeds[0]).not.toBe(a.seeds[0]);
  });

  it('the winner meets the coverage goal in every run and is no slower than the guide on the same seeds', () => {
    for (const seed of [1, 2]) {
      const r = optimised(seed);
      const w = r.winner!;
      expect(w.feasible).toBe(true);
      for (const run of w.runs) expect(run.coverage).toBeGreaterThanOrEqual(OPTIONS.coverageGoal!);
      expect(r.guide.runs.map((x) => x.seed)).toEqual(w.runs.map((x) => x.seed));
      if (r.guide.feasible) expect(w.meanDurationS).toBeLessThanOrEqual(r.guide.meanDurationS);
      // Its interval against the guide: paired on the same seeds, the mean inside it.
      const v = r.versusGuide;
      if (v !== null) {
        expect(v.n).toBe(w.runs.length);
        const d = w.runs.map((x, i) => x.durationS - r.guide.runs[i]!.durationS);
        expect(v.meanS).toBeCloseTo(d.reduce((s, x) => s + x, 0) / d.length, 6);
        if (v.ci95 !== null) {
          expect(v.ci95[0]).toBeLessThanOrEqual(v.meanS);
          expect(v.ci95[1]).toBeGreaterThanOrEqual(v.meanS);
        }
      }
      // Halving 35 s pacing against 70 s: the winner paces faster than the guide.
      expect(w.settings.spacingS).toBe(35);
    }
  });

  it('an unreachable goal leaves no winner; coverage counts what the release changed', () => {
    const r = optimiseCampaign(headEnd(1), release(), {
      ...OPTIONS,
      space: { ...OPTIONS.space, spacingS: [70], grouping: ['all'], passes: [1] },
      budget: { runs: 4 },
      coverageGoal: 1,
    });
    expect(r.changedFields).toBeGreaterThan(0);
    const best = r.candidates[0]!;
    if (best.minCoverage < 1) expect(r.winner).toBeNull();
    else expect(r.winner).not.toBeNull();
    for (const c of r.candidates) for (const run of c.runs) expect(run.coverage).toBeLessThanOrEqual(1);
  });

  it('respects the budget; progress after each run', () => {
    for (const runs of [12, 20, 40]) {
      const seen: number[] = [];
      const r = optimiseCampaign(headEnd(1), release(), {
        ...OPTIONS,
        budget: { runs },
        onProgress: (p) => seen.push(p.runs),
      });
      expect(r.runs).toBeLessThanOrEqual(runs);
      expect(r.candidates.reduce((a, c) => a + c.runs.length, 0)).toBe(r.runs);
      expect(seen).toEqual(Array.from({ length: r.runs }, (_, i) => i + 1));
    }
  });

  it('stops between runs through its signal, the head-end restored', () => {
    const he = headEnd(1);
    const before = JSON.stringify(he.saveState().field);
    const stop = new AbortController();
    let seen = 0;
    const run = () =>
      optimiseCampaign(he, release(), {
        ...OPTIONS,
        signal: stop.signal,
        onProgress: (p) => {
          seen = p.runs;
          if (p.runs === 3) stop.abort();
        },
      });
    expect(run).toThrow(OptimiseCancelled);
    expect(seen).toBe(3);
    expect(JSON.stringify(he.saveState().field)).toBe(before);
  });

  it('leaves the head-end as it was given', () => {
    const he = headEnd(1);
    const before = JSON.stringify(he.saveState());
    optimiseCampaign(he, release(), { ...OPTIONS, budget: { runs: 12 } });
    // Its catalogue keeps the release's packages the runs imported (restoring a state adds, never removes).
    const strip = (s: string) => ({ ...JSON.parse(s), catalogue: null });
    expect(strip(JSON.stringify(he.saveState()))).toEqual(strip(before));
    expect(he.saveState().catalogue).toEqual(expect.arrayContaining(JSON.parse(before).catalogue));
  });

  it('has typed public signatures', () => {
    expectTypeOf(optimiseCampaign).returns.toEqualTypeOf<OptimiseResult>();
    expectTypeOf(optimiseCampaign).parameter(2).toEqualTypeOf<OptimiseOptions | undefined>();
    expectTypeOf<OptimiseResult['winner']>().toEqualTypeOf<CandidateResult | null>();
    expectTypeOf<OptimiseResult['versusGuide']>().toEqualTypeOf<PairedDifference | null>();
    expectTypeOf<PlanSettings['repeat']>().toEqualTypeOf<'full' | 'selective' | undefined>();
  });

  it('bad options: a ValidationError naming the field', () => {
    const he = headEnd(1);
    const cases: [unknown, string][] = [
      [{ coverageGoal: 1.5 }, 'options.coverageGoal'],
      [{ budget: { runs: 0 } }, 'options.budget.runs'],
      [{ budget: { runs: 3 } }, 'options.budget.runs'],
      [{ budget: { time: 3 } }, 'options.budget.time'],
      [{ space: { ttlS: [60, 30] } }, 'options.space.ttlS[1]'],
      [{ space: { grouping: [] } }, 'options.space.grouping'],
      [{ space: { spacing: [1] } }, 'options.space.spacing'],
      [{ space: { repeat: ['some'] } }, 'options.space.repeat[0]'],
      [{ plan: { passes: 2 } }, 'options.plan.passes'],
      [{ maxReplications: 0 }, 'options.maxReplications'],
      [{ onProgress: 1 }, 'options.onProgress'],
      [{ budgets: 1 }, 'options.budgets'],
    ];
    for (const [options, path] of cases) {
      let error: unknown;
      try {
        optimiseCampaign(he, release(), options as OptimiseOptions);
      } catch (e) {
        error = e;
      }
      expect(error, path).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).path, path).toBe(path);
    }
    expect(() => optimiseCampaign({} as HeadEnd, release())).toThrow(ValidationError);
    expect(() => optimiseCampaign(he, { targets: [{ kind: 'toaster' }] } as never)).toThrow(/release\.targets/);
  });
});

describe('selective repeat', () => {
  it('reads tanks into the stretches they miss, merging gaps shorter than a TTL', () => {
    // Tanks of 20 packets: packets 1 and 3 missing; packets 3 and 12 missing.
    expect(missingStretches(['0A 00 00'], 20, 0)).toEqual([
      { firstSegment: 1, segments: 1 },
      { firstSegment: 3, segments: 1 },
    ]);
    expect(missingStretches(['0A 00 00'], 20, 1)).toEqual([{ firstSegment: 1, segments: 3 }]);
    expect(missingStretches(['08 10 00', '02 00 00'], 20, 0)).toEqual([
      { firstSegment: 1, segments: 1 },
      { firstSegment: 3, segments: 1 },
      { firstSegment: 12, segments: 1 },
    ]);
    expect(missingStretches(['00 00 00'], 20, 3)).toEqual([]);
    expect(sampleEvenly([1, 2, 3, 4, 5, 6], 3)).toEqual([1, 3, 5]);
    expect(sampleEvenly([1, 2], 3)).toEqual([1, 2]);
  });

  it('sends fewer packets than a full repeat for the same remainder', () => {
    const packets = 16;
    let compared = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const runs = (['full', 'selective'] as const).map((repeat) => {
        const he = headEnd(seed, 2, 40, packets, true);
        const plan = planUpgrade(he, release(packets), { repeat, passes: 2, remainderGoal: 0 });
        const result = runCampaign(he, plan, { seed });
        return { he, result, history: he.history() };
      });
      const [full, selective] = runs as [(typeof runs)[0], (typeof runs)[0]];
      // The two campaigns run the same commands with the same outcomes until the first repeat
      // pass, where the selective one asks a sample for their tanks (Get Endpoint Info).
      const h = selective.history;
      const same = (e: (typeof h)[0]) =>
        JSON.stringify([e.command, e.total, e.outcome?.completed, e.outcome?.result.packetsSent]);
      let d = 0;
      while (d < h.length && d < full.history.length && same(h[d]!) === same(full.history[d]!)) d++;
      if (d === h.length) continue; // no repeat pass: the same campaign
      expect(h[d]!.command).toBe('getEndpointInfo');
      // The full repeat resends the image; the selective one the stretches the sample misses.
      const fullRepeat = full.history[d]!;
      expect(fullRepeat.delivery).toBe('broadcast');
      expect(fullRepeat.outcome!.result.packetsSent).toBe(packets);
      let sent = 0;
      for (let i = d + 1; i < h.length && h[i]!.outcome?.command.maxSegments; i++) {
        sent += h[i]!.outcome!.result.packetsSent;
      }
      if (sent === 0) continue; // no sampled endpoint answered: the whole image again
      expect(sent).toBeLessThan(packets);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(3);
  });
});
