import { checkParallelOptions, type ParallelRunOptions, type ResolvedParallel } from '../broadcast/parallel.js';
import type { BroadcastResult } from '../broadcast/result.js';
import { checkFunction, checkInteger, checkObject, checkSeed } from '../check.js';
import { ValidationError } from '../errors.js';
import type { Seed } from '../random/stream.js';
import type { Workers } from '../runtime/workers.js';
import { groupPlan, groupsOf, runGrouped, type GroupOutcome } from '../workflow/grouped.js';
import { runRepeated, runRepeatedParallel, type PassProgress, type RepeatPlan } from '../workflow/repeat.js';
import {
  planCampaign,
  runCampaignSection,
  type CampaignRun,
  type CampaignRunOptions,
  type PlannedCampaign,
  type ResolvedCampaignSection,
} from './campaign.js';
import { runHeadendDay, type HeadendDay, type ResolvedHeadendSection } from './headend.js';
import type { LoadedScenario } from './load.js';

/** The outcome of a scenario: its passes in order, by collector group. */
export interface ScenarioResult {
  /** The loaded scenario. */
  readonly loaded: LoadedScenario;
  /** Results of the passes run (at least one), every group's in order. */
  readonly passes: readonly BroadcastResult[];
  /** The collector groups that broadcast one after another, each with its passes (one group when not grouped). */
  readonly groups: readonly GroupOutcome[];
  /** Results of the concurrent broadcasts (run with the first pass; empty when none). */
  readonly concurrent: readonly BroadcastResult[];
}

/** The repeated broadcast a loaded scenario runs, with this seed and replication. */
function repeatPlan(loaded: LoadedScenario, seed: Seed | undefined, replication: number): RepeatPlan {
  if (typeof loaded !== 'object' || loaded === null || !('resolved' in loaded) || !('mesh' in loaded)) {
    throw new ValidationError('loaded', loaded, 'a LoadedScenario (from loadScenario)');
  }
  const r = loaded.resolved;
  if (r.broadcast === null) {
    throw new ValidationError(
      'broadcast',
      undefined,
      'a broadcast section (a head-end scenario runs with runHeadendScenario)',
    );
  }
  return {
    mesh: loaded.mesh,
    spec: r.broadcast,
    concurrent: r.concurrent,
    options: {
      seed: seed === undefined ? r.seed : checkSeed('seed', seed),
      replication: checkInteger('replication', replication, 0, 2 ** 31 - 1),
      radio: r.radio,
      traffic: r.traffic,
      handoff: r.handoff,
      previous: null,
      queue: 'ladder',
    },
    passes: r.passes,
    stopAtCoverage: r.stopAtCoverage,
  };
}

/**
 * Runs a loaded scenario: the first pass, then repeat passes from the earlier tanks until
 * `passes` have run or coverage reaches `stopAtCoverage`.
 * @param loaded - from `loadScenario`
 * @param seed - overrides the scenario's seed
 * @param replication - replication index (Monte Carlo studies). @defaultValue 0
 * @param onProgress - called after each packet a pass floods without contention, with the pass
 *   (1 for the first), the packets flooded so far and the packets of the pass: the progress of a
 *   long run (a pass on the shared air reports nothing until it ends)
 */
export function runScenario(
  loaded: LoadedScenario,
  seed?: Seed,
  replication = 0,
  onProgress?: (pass: number, flooded: number, packets: number) => void,
): ScenarioResult {
  const plan = repeatPlan(loaded, seed, replication);
  const progress =
    onProgress === undefined
      ? undefined
      : checkFunction<PassProgress>('onProgress', onProgress, '(pass, flooded, packets) => void');
  const grouping = loaded.resolved.groups;
  if (grouping === null) {
    const outcome = runRepeated(plan, undefined, progress);
    return { loaded, ...outcome, groups: [{ origins: originIds(loaded, plan), passes: outcome.passes }] };
  }
  const groups = runGrouped(plan, grouping, progress);
  return { loaded, passes: groups.flatMap((g) => g.passes), groups, concurrent: [] };
}

/** The collector ids a broadcast's origins name. */
function originIds(loaded: LoadedScenario, plan: RepeatPlan): string[] {
  const { mesh } = loaded;
  return plan.spec.origins === 'all' ? Array.from(mesh.collectors, (c) => mesh.id(c)) : [...plan.spec.origins];
}

/** Options of {@link runScenarioParallel}. */
export interface ScenarioParallelOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: Seed;
  /** Replication index (Monte Carlo studies). @defaultValue 0 */
  readonly replication?: number;
  /** Worker threads. @defaultValue 'auto' (one per core) */
  readonly workers?: Workers;
  /**
   * Progress of the pass running: its number (1 for the first), the packets flooded so far and
   * the packets it sends (about twice a second, and when it ends).
   */
  readonly onProgress?: (pass: number, flooded: number, packets: number) => void;
  /** Cancels the run: the promise rejects with an `AbortError`. */
  readonly signal?: AbortSignal;
}

/**
 * {@link runScenario} with each pass's packets flooded on worker threads
 * (`runBroadcastParallel`): the same result, sooner on a large network. A first pass that
 * shares the air with concurrent broadcasts runs on the calling thread, as in `runScenario`.
 * @param loaded - from `loadScenario`
 * @param options - seed, replication, workers, progress and cancellation
 */
export async function runScenarioParallel(
  loaded: LoadedScenario,
  options: ScenarioParallelOptions = {},
): Promise<ScenarioResult> {
  const o = checkObject(
    'options',
    options,
    ['seed', 'replication', 'workers', 'onProgress', 'signal'],
    'scenario run options',
  );
  const onProgress =
    o['onProgress'] === undefined
      ? undefined
      : checkFunction<NonNullable<ScenarioParallelOptions['onProgress']>>(
          'options.onProgress',
          o['onProgress'],
          '(pass, flooded, packets) => void',
        );
  const parallel = checkParallelOptions(options as Pick<ParallelRunOptions, 'workers' | 'signal'>);
  const plan = repeatPlan(loaded, options.seed, options.replication ?? 0);
  let passesBefore = 0;
  const progress = (pass: number): ResolvedParallel => ({
    ...parallel,
    onProgress:
      onProgress === undefined ? undefined : (flooded, packets) => onProgress(passesBefore + pass, flooded, packets),
  });
  const grouping = loaded.resolved.groups;
  if (grouping === null) {
    const outcome = await runRepeatedParallel(plan, progress);
    return { loaded, ...outcome, groups: [{ origins: originIds(loaded, plan), passes: outcome.passes }] };
  }
  const groups: GroupOutcome[] = [];
  let startS = plan.spec.startS;
  for (const [g, origins] of groupsOf(plan, grouping).entries()) {
    const { passes } = await runRepeatedParallel(groupPlan(plan, origins, g, startS), progress);
    groups.push({ origins, passes });
    passesBefore += passes.length;
    startS = passes[passes.length - 1]!.endS;
  }
  return { loaded, passes: groups.flatMap((g) => g.passes), groups, concurrent: [] };
}

/**
 * Runs a head-end scenario: an operator's day on the head-end (its `headend` section), each
 * command with the scenario's radio, traffic and hand-off.
 * @param loaded - from `loadScenario`, of a scenario with a `headend` section
 * @param seed - overrides the scenario's seed
 */
export function runHeadendScenario(loaded: LoadedScenario, seed?: Seed): HeadendDay {
  if (typeof loaded !== 'object' || loaded === null || !('resolved' in loaded) || !('mesh' in loaded)) {
    throw new ValidationError('loaded', loaded, 'a LoadedScenario (from loadScenario)');
  }
  const r = loaded.resolved;
  if (r.headend === null)
    throw new ValidationError('headend', undefined, 'a head-end section (this scenario runs with runScenario)');
  if (r.campaign !== null)
    throw new ValidationError('campaign', 'a campaign', 'no campaign (this scenario runs with runCampaignScenario)');
  const { radio, traffic, handoff } = r.source;
  return runHeadendDay(r.headend, loaded.mesh, seed === undefined ? r.seed : checkSeed('seed', seed), {
    ...(radio === undefined ? {} : { radio }),
    ...(traffic === undefined ? {} : { traffic }),
    ...(handoff === undefined ? {} : { handoff }),
  });
}

/** The loaded scenario's campaign section, checked to be there. */
function campaignOf(loaded: LoadedScenario): {
  campaign: ResolvedCampaignSection;
  headend: ResolvedHeadendSection;
} {
  if (typeof loaded !== 'object' || loaded === null || !('resolved' in loaded) || !('mesh' in loaded)) {
    throw new ValidationError('loaded', loaded, 'a LoadedScenario (from loadScenario)');
  }
  const { campaign, headend } = loaded.resolved;
  if (campaign === null || headend === null) {
    throw new ValidationError('campaign', undefined, 'a campaign section (with the head-end it runs through)');
  }
  return { campaign, headend };
}

/**
 * Plans a campaign scenario: its head-end set up, the plan in the scenario's installation order,
 * and what the guide's rules find in it (`meshcast plan`).
 */
export function planCampaignScenario(loaded: LoadedScenario): PlannedCampaign {
  const { campaign, headend } = campaignOf(loaded);
  return planCampaign(campaign, headend, loaded.mesh);
}

/** Options of {@link runCampaignScenario}. */
export type CampaignScenarioOptions = Partial<CampaignRunOptions>;

/**
 * Plans and runs a campaign scenario through its head-end, with the scenario's radio, traffic
 * and hand-off (`meshcast campaign`). A plan the guide's rules find problems in is refused.
 */
export function runCampaignScenario(loaded: LoadedScenario, options: CampaignScenarioOptions = {}): CampaignRun {
  const { campaign, headend } = campaignOf(loaded);
  const { radio, traffic, handoff } = loaded.resolved.source;
  return runCampaignSection(
    campaign,
    headend,
    loaded.mesh,
    {
      ...(radio === undefined ? {} : { radio }),
      ...(traffic === undefined ? {} : { traffic }),
      ...(handoff === undefined ? {} : { handoff }),
    },
    { ...options, seed: options.seed === undefined ? loaded.resolved.seed : checkSeed('seed', options.seed) },
  );
}
