import { checkFunction, checkInteger, checkObject, checkProbability, checkSeed, join, reroot } from '../check.js';
import { MeshcastError, ValidationError } from '../errors.js';
import { HeadEnd } from '../headend/headend.js';
import { FLAG_BITS, DEVICE_KINDS } from '../network/device.js';
import { compareVersions } from '../network/firmware.js';
import { deriveSeed, type Seed } from '../random/stream.js';
import { t975 } from '../stats.js';
import { checkCampaignTiming, runCampaign, type CampaignOptions, type CampaignResult } from './campaign.js';
import {
  checkPlanSettings,
  planUpgrade,
  PLAN_DEFAULTS,
  type Plan,
  type PlanOptions,
  type PlanSettings,
} from './plan.js';
import { checkRelease, releaseTarget, type Release, type ReleaseKind } from './release.js';

/**
 * The values the optimiser tries for each plan setting (docs/optimiser.md): every combination is
 * a candidate, the guide's defaults ({@link PLAN_DEFAULTS}) always among them.
 */
export interface OptimiseSpace {
  /** Maximum Hops as Max. Layer + n. @defaultValue [1, 2] */
  readonly maxHopsOverLayer?: readonly number[];
  /** Maximum TTL, seconds. @defaultValue [60, 120] */
  readonly ttlS?: readonly number[];
  /** Seconds between packets. @defaultValue [70, 35] */
  readonly spacingS?: readonly number[];
  /** Collector grouping. @defaultValue ['two-mile', 'all'] */
  readonly grouping?: readonly PlanSettings['grouping'][];
  /** Broadcast passes at most before point-to-point clean-up. @defaultValue [1, 2, 4] */
  readonly passes?: readonly number[];
  /** Remainder at which passes stop and point-to-point takes over. @defaultValue [0.02, 0.1] */
  readonly remainderGoal?: readonly number[];
  /** What repeat passes send. @defaultValue ['full'] */
  readonly repeat?: readonly NonNullable<PlanSettings['repeat']>[];
}

/** The default {@link OptimiseSpace}. */
export const OPTIMISE_SPACE: Required<OptimiseSpace> = {
  maxHopsOverLayer: [1, 2],
  ttlS: [60, 120],
  spacingS: [70, 35],
  grouping: ['two-mile', 'all'],
  passes: [1, 2, 4],
  remainderGoal: [0.02, 0.1],
  repeat: ['full'],
};

/** Progress of an optimisation, reported after each campaign run. */
export interface OptimiseProgress {
  /** Campaigns run so far. */
  readonly runs: number;
  /** Campaign runs allowed at most (`budget.runs`). */
  readonly budget: number;
  /** Round of successive halving (0 first; the last round grows the close ones' replications). */
  readonly round: number;
  /** Candidates still in the race. */
  readonly alive: number;
  /** The plan settings of the candidate just run. */
  readonly settings: PlanSettings;
  /** The replication just run, 0-based: it ran on the optimisation's seeds[replication]. */
  readonly replication: number;
}

/** Options of {@link optimiseCampaign}. */
export interface OptimiseOptions extends Pick<CampaignOptions, 'radio' | 'traffic' | 'handoff' | 'timing'> {
  /**
   * Coverage a candidate must reach in every replication it runs: the share of the device-fields
   * the release changes that run their target at the end (docs/optimiser.md). @defaultValue 0.98
   */
  readonly coverageGoal?: number;
  /** Campaign runs at most (every candidate needs one; the rest go to the best). @defaultValue { runs: 200 } */
  readonly budget?: {
    /** Campaign runs at most, 1–1,000,000: at least one per candidate of the space. */
    readonly runs: number;
  };
  /** Root of the replication seeds (replication i of every candidate runs on the same seed). @defaultValue 0 */
  readonly seed?: Seed;
  /** Values tried per setting. @defaultValue {@link OPTIMISE_SPACE} */
  readonly space?: OptimiseSpace;
  /** How the plan is made, but for its settings (order, child modules, seeding, concentrator firmware). */
  readonly plan?: Omit<PlanOptions, keyof PlanSettings>;
  /** Replications the winner and its rivals reach at most. @defaultValue 20 */
  readonly maxReplications?: number;
  /** Called after each campaign run. */
  readonly onProgress?: (progress: OptimiseProgress) => void;
  /** Stops the search between runs (the head-end is left as it was given). */
  readonly signal?: AbortSignal;
}

/** One campaign run of a candidate. */
export interface CandidateRun {
  /** The replication's seed (the same for every candidate: common random numbers). */
  readonly seed: Seed;
  /** The campaign's duration, seconds ({@link CampaignResult.durationS}). */
  readonly durationS: number;
  /**
   * Share of the changed device-fields on target at the end (docs/optimiser.md): 1 − (left failed,
   * unreachable or refused) / (changed by the release); a stale record counts as covered.
   */
  readonly coverage: number;
  /** RF frames of its broadcasts ({@link CampaignResult.transmissions}). */
  readonly transmissions: number;
  /** Unicast messages of its other commands, estimated ({@link CampaignResult.messages}). */
  readonly messages: number;
  /** Endpoints sent through RF reconfiguration ({@link CampaignResult.reconfigurations}). */
  readonly reconfigurations: number;
}

/** A candidate's settings and what its runs gave. */
export interface CandidateResult {
  /** Its plan settings. */
  readonly settings: PlanSettings;
  /** Whether these are the guide's defaults. */
  readonly guide: boolean;
  /** Its runs: run i on the optimisation's seeds[i]. */
  readonly runs: readonly CandidateRun[];
  /** Mean campaign duration over its runs, seconds. */
  readonly meanDurationS: number;
  /** Student t 95 % interval of the mean duration, seconds (null with one run). */
  readonly ci95: readonly [number, number] | null;
  /** Mean coverage over its runs. */
  readonly meanCoverage: number;
  /** Least coverage over its runs: feasible when it reaches the coverage goal. */
  readonly minCoverage: number;
  /** Mean RF frames over its runs. */
  readonly meanTransmissions: number;
  /** Whether it met the coverage goal in every run. */
  readonly feasible: boolean;
}

/**
 * The winner's duration minus another candidate's, run by run on their common seeds, with a
 * paired Student t 95 % interval (docs/decisions/0023-campaign-optimiser.md).
 */
export interface PairedDifference {
  /** The other candidate's settings. */
  readonly against: PlanSettings;
  /** Runs paired (seeds both ran). */
  readonly n: number;
  /** Mean of the differences, seconds (negative: the winner is faster). */
  readonly meanS: number;
  /** Sample standard deviation of the differences, seconds (0 with one pair). */
  readonly sdS: number;
  /** 95 % interval of the mean difference (null with fewer than two pairs). */
  readonly ci95: readonly [number, number] | null;
}

/** What {@link optimiseCampaign} found. */
export interface OptimiseResult {
  /** Replication seeds: every candidate's run i used seeds[i]. */
  readonly seeds: readonly Seed[];
  /** Campaigns run. */
  readonly runs: number;
  /** Campaign runs allowed at most (`budget.runs`). */
  readonly budget: number;
  /** The coverage goal, in [0, 1]: a candidate is feasible when every one of its runs reaches it. */
  readonly coverageGoal: number;
  /** Device-fields the release changes (the coverage's denominator). */
  readonly changedFields: number;
  /** Every candidate, best first: feasible ones by mean duration, then the rest by coverage. */
  readonly candidates: readonly CandidateResult[];
  /** The fastest feasible candidate among those run the most (null: none met the goal). */
  readonly winner: CandidateResult | null;
  /** The next one of those whose runs differ from the winner's, if any. */
  readonly runnerUp: CandidateResult | null;
  /**
   * Settings whose runs equal the winner's seed by seed, on every seed they ran (with common random
   * numbers: settings that made no difference here, such as a second pass never needed).
   */
  readonly ties: readonly PlanSettings[];
  /** The guide's defaults. */
  readonly guide: CandidateResult;
  /** Winner against runner-up, paired by seed (null: no winner, or no runner-up). */
  readonly versusRunnerUp: PairedDifference | null;
  /** Winner against the guide's defaults, paired by seed (null: no winner, or the guide's defaults won). */
  readonly versusGuide: PairedDifference | null;
}

/** Thrown when an optimisation is stopped through its signal. */
export class OptimiseCancelled extends MeshcastError {
  /** @param runs - campaign runs finished before it stopped */
  constructor(readonly runs: number) {
    super(`optimisation stopped after ${runs} campaign run(s)`);
    this.name = 'OptimiseCancelled';
  }
}

const SPACE_KEYS = Object.keys(OPTIMISE_SPACE) as (keyof OptimiseSpace)[];

/** A candidate while the search runs. */
interface Racer {
  readonly index: number;
  readonly settings: PlanSettings;
  readonly key: string;
  readonly guide: boolean;
  readonly runs: CandidateRun[];
}

/**
 * Searches plan settings — Maximum Hops over Max. Layer, TTL, pacing, collector grouping, passes
 * and the remainder at which point-to-point takes over, repeat kind — for the shortest campaign
 * that meets a coverage goal (docs/optimiser.md). Successive halving over the grid: every
 * candidate runs once, the faster feasible half goes on with twice the replications, until two
 * are left (the guide's defaults run along throughout); the rest of the budget grows the
 * replications of the winner, runner-up and guide while their paired interval still straddles
 * zero. Every candidate's replication i runs on the same seed (common random numbers), so
 * differences are paired. Each run starts from the head-end as it was given (restored from a
 * state saved before the first run), and the head-end is left so at the end. Deterministic for
 * a seed.
 * @throws ValidationError for bad options, naming the field
 */
export function optimiseCampaign(headEnd: HeadEnd, release: Release, options: OptimiseOptions = {}): OptimiseResult {
  const o = checkObject(
    'options',
    options,
    [
      'coverageGoal',
      'budget',
      'seed',
      'space',
      'plan',
      'maxReplications',
      'radio',
      'traffic',
      'handoff',
      'timing',
      'onProgress',
      'signal',
    ],
    'optimiser options',
  );
  if (!(headEnd instanceof HeadEnd)) throw new ValidationError('headEnd', headEnd, 'a HeadEnd');
  const coverageGoal = checkProbability('options.coverageGoal', o['coverageGoal'] ?? 0.98);
  const b = checkObject('options.budget', o['budget'] ?? { runs: 200 }, ['runs'], 'a budget');
  const budget = checkInteger('options.budget.runs', b['runs'], 1, 1_000_000);
  const seed = checkSeed('options.seed', o['seed'] ?? 0);
  const maxReplications = checkInteger('options.maxReplications', o['maxReplications'] ?? 20, 1, 10_000);
  if (o['onProgress'] !== undefined) checkFunction('options.onProgress', o['onProgress'], '(progress) => void');
  checkCampaignTiming(o['timing'], 'options.timing');
  const planOptions = checkObject(
    'options.plan',
    o['plan'] ?? {},
    ['order', 'childModules', 'seeding', 'concentratorFirmware'],
    'plan options (settings are searched)',
  );
  const checked = checkRelease(release, 'release');
  const racers = candidatesOf(checkSpace(o['space'], 'options.space'));
  if (budget < racers.length) {
    throw new ValidationError(
      'options.budget.runs',
      budget,
      `at least ${racers.length}: one run per candidate of the space (${racers.length} candidates)`,
    );
  }
  const base: Plan = planUpgrade(headEnd, checked, planOptions);
  const start = headEnd.saveState();
  const changedFields = changedFieldsOf(headEnd, checked);
  const engine = pick(options, ['radio', 'traffic', 'handoff', 'timing']);
  const seeds: Seed[] = [];
  const seedOf = (i: number): Seed => {
    while (seeds.length <= i) seeds.push(deriveSeed(seed, 'optimise', seeds.length));
    return seeds[i]!;
  };
  let runs = 0;
  let round = 0;
  let alive = racers;
  const guide = racers.find((r) => r.guide)!;

  const run = (r: Racer): void => {
    if (options.signal?.aborted === true) throw new OptimiseCancelled(runs);
    const i = r.runs.length;
    headEnd.restoreState(start);
    headEnd.forgetImages();
    const result = runCampaign(headEnd, { ...base, settings: r.settings }, { ...engine, seed: seedOf(i) });
    r.runs.push(runOf(result, seedOf(i), changedFields));
    runs++;
    options.onProgress?.({ runs, budget, round, alive: alive.length, settings: r.settings, replication: i });
  };
  /** Brings every racer to n runs, or as far as the budget lets all of them go alike. */
  const bringTo = (group: readonly Racer[], n: number): number => {
    let k = n;
    const cost = (m: number): number => group.reduce((a, r) => a + Math.max(0, m - r.runs.length), 0);
    while (k > 0 && cost(k) > budget - runs) k--;
    for (const r of group) while (r.runs.length < k) run(r);
    return k;
  };

  try {
    // Successive halving: all once, then the better half with twice the replications (fewer
    // than half when the budget cannot carry half; the guide's defaults always run along). A
    // candidate whose runs so far equal a better one's, seed by seed, is its tie: it is set
    // aside rather than spend the budget on the same campaign twice.
    let k = 1;
    bringTo(alive, k);
    for (;;) {
      const distinct = withoutTies(rank(alive, coverageGoal));
      if (distinct.length <= 2) break;
      const want = Math.min(2 * k, maxReplications);
      if (want <= k) break;
      const room = Math.floor((budget - runs) / (want - k));
      let keep = distinct.slice(0, Math.min(Math.ceil(distinct.length / 2), room));
      if (!keep.includes(guide)) keep = [...keep.slice(0, room - 1), guide];
      if (keep.length < 2) break;
      alive = keep;
      round++;
      k = bringTo(alive, want);
    }
    // The close ones: more replications while the winner's interval against its runner-up or
    // the guide's defaults holds zero.
    round++;
    for (;;) {
      const [w, r] = withoutTies(rank(alive, coverageGoal));
      if (w === undefined || r === undefined || !feasible(w, coverageGoal)) break;
      if (![r, guide].some((x) => x !== w && straddles(paired(w, x)))) break;
      const group = [...new Set([w, r, guide])];
      const before = w.runs.length;
      const got = bringTo(group, Math.min(before + Math.max(2, Math.ceil(before / 2)), maxReplications));
      if (got <= before) break;
      alive = group;
    }
  } finally {
    headEnd.restoreState(start);
    headEnd.forgetImages();
  }

  const most = Math.max(...racers.map((r) => r.runs.length));
  const finalists = rank(
    racers.filter((r) => r.runs.length === most),
    coverageGoal,
  ).filter((r) => feasible(r, coverageGoal));
  const winner = finalists[0] ?? null;
  const runnerUp = winner === null ? null : (finalists.find((r) => r !== winner && !tied(winner, r)) ?? null);
  const results = new Map(racers.map((r) => [r, resultOf(r, coverageGoal)]));
  return {
    seeds: seeds.slice(0, most),
    runs,
    budget,
    coverageGoal,
    changedFields,
    candidates: rank(racers, coverageGoal).map((r) => results.get(r)!),
    winner: winner === null ? null : results.get(winner)!,
    runnerUp: runnerUp === null ? null : results.get(runnerUp)!,
    guide: results.get(guide)!,
    ties: winner === null ? [] : racers.filter((r) => r !== winner && tied(winner, r)).map((r) => r.settings),
    versusRunnerUp: winner === null || runnerUp === null ? null : paired(winner, runnerUp),
    versusGuide: winner === null || winner === guide ? null : paired(winner, guide),
  };
}

/** Checks the search space and applies defaults: each axis a non-empty list of valid values, duplicates dropped. */
export function checkSpace(v: unknown, at: string): Required<OptimiseSpace> {
  const o = checkObject(at, v ?? {}, SPACE_KEYS, 'a search space: lists of values per plan setting');
  const out: Record<string, unknown[]> = {};
  for (const axis of SPACE_KEYS) {
    const values = o[axis] ?? OPTIMISE_SPACE[axis];
    if (!Array.isArray(values) || values.length === 0) {
      throw new ValidationError(join(at, axis), values, `a non-empty list of ${axis} values`);
    }
    const seen: unknown[] = [];
    values.forEach((x: unknown, i) => {
      const value = reroot(join(join(at, axis), i), /^s\.[A-Za-z]+/, () => {
        const s = checkPlanSettings({ [axis]: x }, 's');
        return s[axis];
      });
      if (!seen.includes(value)) seen.push(value);
    });
    out[axis] = seen;
  }
  return out as unknown as Required<OptimiseSpace>;
}

/**
 * The grid's candidates, in a fixed order, with the guide's defaults added when the grid lacks
 * them. Settings that cannot change a run are made equal first (the remainder goal with one
 * pass, the repeat kind with one pass), so no run is spent twice on the same campaign.
 */
function candidatesOf(space: Required<OptimiseSpace>): Racer[] {
  const out: Racer[] = [];
  const add = (s: PlanSettings, guide: boolean): void => {
    const settings: PlanSettings =
      s.passes === 1 ? { ...s, remainderGoal: PLAN_DEFAULTS.remainderGoal, repeat: 'full' } : s;
    const key = settingsKey(settings);
    const found = out.find((r) => r.key === key);
    if (found !== undefined) {
      if (guide) out[out.indexOf(found)] = { ...found, guide: true };
      return;
    }
    out.push({ index: out.length, settings, key, guide, runs: [] });
  };
  for (const maxHopsOverLayer of space.maxHopsOverLayer)
    for (const ttlS of space.ttlS)
      for (const spacingS of space.spacingS)
        for (const grouping of space.grouping)
          for (const passes of space.passes)
            for (const remainderGoal of space.remainderGoal)
              for (const repeat of space.repeat) {
                add({ maxHopsOverLayer, ttlS, spacingS, grouping, passes, remainderGoal, repeat }, false);
              }
  add({ ...PLAN_DEFAULTS, repeat: 'full' }, true);
  return out;
}

function settingsKey(s: PlanSettings): string {
  return JSON.stringify([s.maxHopsOverLayer, s.ttlS, s.spacingS, s.grouping, s.passes, s.remainderGoal, s.repeat]);
}

/**
 * Device-fields the release changes: per endpoint with a target for its model, each field whose
 * device truth is not the target now (HAN only for ZigBee-capable meters) — the same pairs the
 * campaign's `left` counts at the end.
 */
export function changedFieldsOf(headEnd: HeadEnd, release: Release): number {
  const mesh = headEnd.network;
  let n = 0;
  for (let v = 0; v < mesh.n; v++) {
    const kind = DEVICE_KINDS[mesh.kind[v]!]! as ReleaseKind;
    if (kind === ('collector' as never)) continue;
    const model = headEnd.records.modelOf(v);
    for (const field of ['module', 'dcw', 'metrology', 'han'] as const) {
      const target = releaseTarget(release, kind, model, field);
      if (target === undefined) continue;
      if (field === 'han' && (mesh.flags[v]! & FLAG_BITS.zigbeeCapable) === 0) continue;
      const now = headEnd.deviceVersion(v, field);
      if (now === null || compareVersions(now, target) !== 0) n++;
    }
  }
  return n;
}

/**
 * A run's numbers. Coverage = 1 − (changed device-fields left off target: failed, unreachable or
 * refused) / changed device-fields; a stale record counts as covered (the device runs the target).
 */
function runOf(r: CampaignResult, seed: Seed, changed: number): CandidateRun {
  const off = r.left.total - r.left.byReason['stale record'];
  return {
    seed,
    durationS: r.durationS,
    coverage: changed === 0 ? 1 : Math.max(0, 1 - off / changed),
    transmissions: r.transmissions,
    messages: r.messages,
    reconfigurations: r.reconfigurations,
  };
}

function feasible(r: Racer, goal: number): boolean {
  return r.runs.length > 0 && r.runs.every((x) => x.coverage >= goal);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, x) => a + x, 0) / xs.length;
}

/**
 * Feasible first, by mean duration, then mean RF frames (equal durations: the one that costs the
 * network less); the rest by mean coverage, highest first; remaining ties by grid order.
 */
function rank(racers: readonly Racer[], goal: number): Racer[] {
  const score = (r: Racer): [number, number, number] =>
    feasible(r, goal)
      ? [0, mean(r.runs.map((x) => x.durationS)), mean(r.runs.map((x) => x.transmissions))]
      : [1, -mean(r.runs.map((x) => x.coverage)), 0];
  const scores = new Map(racers.map((r) => [r, score(r)]));
  return [...racers].sort((a, b) => {
    const [fa, sa, ta] = scores.get(a)!;
    const [fb, sb, tb] = scores.get(b)!;
    return fa - fb || sa - sb || ta - tb || a.index - b.index;
  });
}

/** a − b on the seeds both ran (the first min(n) replications: the same seeds by construction). */
function paired(a: Racer, b: Racer): PairedDifference {
  const n = Math.min(a.runs.length, b.runs.length);
  const d = Array.from({ length: n }, (_, i) => a.runs[i]!.durationS - b.runs[i]!.durationS);
  const m = n === 0 ? NaN : mean(d);
  const sd = n > 1 ? Math.sqrt(d.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1)) : 0;
  const half = n > 1 ? (t975(n - 1) * sd) / Math.sqrt(n) : NaN;
  return { against: b.settings, n, meanS: m, sdS: sd, ci95: n > 1 ? [m - half, m + half] : null };
}

/** Whether b's runs equal a's on every seed b ran (b ran at least one, and no more than a). */
function tied(a: Racer, b: Racer): boolean {
  if (b.runs.length === 0 || b.runs.length > a.runs.length) return false;
  return b.runs.every((x, i) => {
    const y = a.runs[i]!;
    return x.durationS === y.durationS && x.transmissions === y.transmissions && x.coverage === y.coverage;
  });
}

/** Ranked racers without the ties of better ones (the guide's defaults always kept). */
function withoutTies(ranked: readonly Racer[]): Racer[] {
  const out: Racer[] = [];
  for (const r of ranked) if (r.guide || !out.some((d) => tied(d, r) || tied(r, d))) out.push(r);
  return out;
}

/** Whether a paired interval holds zero (or is not yet known). */
function straddles(d: PairedDifference): boolean {
  return d.ci95 === null || (d.ci95[0] <= 0 && d.ci95[1] >= 0 && d.sdS > 0);
}

function resultOf(r: Racer, goal: number): CandidateResult {
  const durations = r.runs.map((x) => x.durationS);
  const n = durations.length;
  const m = n === 0 ? NaN : mean(durations);
  const sd = n > 1 ? Math.sqrt(durations.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1)) : 0;
  const half = n > 1 ? (t975(n - 1) * sd) / Math.sqrt(n) : 0;
  return {
    settings: r.settings,
    guide: r.guide,
    runs: r.runs,
    meanDurationS: m,
    ci95: n > 1 ? [m - half, m + half] : null,
    meanCoverage: n === 0 ? NaN : mean(r.runs.map((x) => x.coverage)),
    minCoverage: n === 0 ? NaN : Math.min(...r.runs.map((x) => x.coverage)),
    meanTransmissions: n === 0 ? NaN : mean(r.runs.map((x) => x.transmissions)),
    feasible: feasible(r, goal),
  };
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
