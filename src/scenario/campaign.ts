import { checkObject, checkOneOf, reroot } from '../check.js';
import type { RunOptions } from '../broadcast/options.js';
import { ValidationError } from '../errors.js';
import { checkVersion } from '../headend/catalogue.js';
import type { HeadEnd } from '../headend/headend.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { Seed } from '../random/stream.js';
import type { Workers } from '../runtime/workers.js';
import {
  checkCampaignTiming,
  runCampaign,
  type CampaignCheckpointStore,
  type CampaignProgress,
  type CampaignResult,
  type CampaignTimingOptions,
} from '../workflow/campaign.js';
import { INSTALLATION_ORDERS, type InstallationOrder } from '../workflow/orders.js';
import { checkPlanSettings, planUpgrade, PLAN_SETTING_KEYS, type Plan, type PlanSettings } from '../workflow/plan.js';
import { checkRelease, type Release } from '../workflow/release.js';
import { checkPlan, type PlanProblem } from '../workflow/rules.js';
import { newHeadEnd, type ResolvedHeadendSection } from './headend.js';

/**
 * A scenario's campaign: a release planned in one of the guide's installation orders and run
 * through the scenario's head-end (`meshcast plan`, `meshcast campaign`).
 */
export interface ScenarioCampaign {
  /** Installation order. @defaultValue 'single-headend' */
  readonly order?: InstallationOrder;
  /** The release: versions per device class and the packages it imports. */
  readonly release: Release;
  /** How broadcasts run: Maximum Hops over Max. Layer, TTL, grouping, passes, remainder goal, pacing. */
  readonly settings?: Partial<PlanSettings>;
  /** Where gas and water module steps go. @defaultValue 'after-meters' */
  readonly childModules?: 'after-meters' | 'before-meters';
  /** Seed meters before CRC-changing module firmware. @defaultValue true */
  readonly seeding?: boolean;
  /** How long the operator's own steps take. */
  readonly timing?: CampaignTimingOptions;
  /** The concentrators' firmware now (the live-upgrade tool's; the head-end does not record it). */
  readonly concentratorFirmware?: string;
}

/** A campaign section checked for shape (the release is planned against the network when bound). */
export interface ResolvedCampaignSection {
  /** Installation order (default `'single-headend'`). */
  readonly order: InstallationOrder;
  /** The release, checked for shape. */
  readonly release: Release;
  /** Plan settings with the guide's defaults applied ({@link PLAN_DEFAULTS}). */
  readonly settings: PlanSettings;
  /** Where gas and water module steps go (default `'after-meters'`). */
  readonly childModules: 'after-meters' | 'before-meters';
  /**
   * Whether one seed meter per program goes first, point to point, before CRC-changing module
   * firmware (default true).
   */
  readonly seeding: boolean;
  /** The operator's own steps' timing as given, checked (defaults are applied when the campaign runs). */
  readonly timing: CampaignTimingOptions;
  /** The concentrators' firmware now (null: unknown, taken as older than 6.0). */
  readonly concentratorFirmware: string | null;
}

/** Checks the shape of a campaign section. */
export function checkCampaignSection(v: unknown): ResolvedCampaignSection {
  const o = checkObject(
    'campaign',
    v,
    ['order', 'release', 'settings', 'childModules', 'seeding', 'timing', 'concentratorFirmware'],
    'a campaign',
  );
  const settings = checkObject('campaign.settings', o['settings'] ?? {}, PLAN_SETTING_KEYS, 'plan settings');
  const seeding = o['seeding'] ?? true;
  if (typeof seeding !== 'boolean') throw new ValidationError('campaign.seeding', seeding, 'true or false');
  const timing = (o['timing'] ?? {}) as CampaignTimingOptions;
  checkCampaignTiming(timing, 'campaign.timing');
  return {
    order: checkOneOf('campaign.order', o['order'] ?? 'single-headend', INSTALLATION_ORDERS),
    release: checkRelease(o['release'], 'campaign.release'),
    settings: checkPlanSettings(settings, 'campaign.settings'),
    childModules: checkOneOf('campaign.childModules', o['childModules'] ?? 'after-meters', [
      'after-meters',
      'before-meters',
    ] as const),
    seeding,
    timing,
    concentratorFirmware:
      o['concentratorFirmware'] === undefined
        ? null
        : checkVersion('campaign.concentratorFirmware', o['concentratorFirmware']),
  };
}

/** A campaign scenario's head-end and plan, and what the guide's rules find in it. */
export interface PlannedCampaign {
  /** The head-end, set up as the scenario says (nothing run yet). */
  readonly headEnd: HeadEnd;
  /** The plan. */
  readonly plan: Plan;
  /** Problems {@link checkPlan} finds (none but packages missing from the catalogue, for a plan meshcast made). */
  readonly problems: readonly PlanProblem[];
}

/** Plans a campaign section on a mesh with the scenario's head-end set-up. */
export function planCampaign(
  campaign: ResolvedCampaignSection,
  headend: ResolvedHeadendSection,
  mesh: CompiledMesh,
): PlannedCampaign {
  const headEnd = newHeadEnd(headend, mesh);
  const plan = reroot('campaign.release', /^release/, () =>
    planUpgrade(headEnd, campaign.release, {
      order: campaign.order,
      childModules: campaign.childModules,
      seeding: campaign.seeding,
      ...(campaign.concentratorFirmware === null ? {} : { concentratorFirmware: campaign.concentratorFirmware }),
      ...campaign.settings,
    }),
  );
  return { headEnd, plan, problems: checkPlan(headEnd, plan) };
}

/**
 * Options of a campaign scenario's run (`runCampaignSection`); {@link runCampaignScenario} takes
 * them with every field optional ({@link CampaignScenarioOptions}).
 */
export interface CampaignRunOptions {
  /** Root seed of every command ({@link runCampaignScenario}: the scenario's seed when omitted). */
  readonly seed: Seed;
  /** Where to keep a checkpoint after each step, and resume from (`meshcast campaign --out`). */
  readonly checkpoint?: CampaignCheckpointStore;
  /** Called after each command. */
  readonly onProgress?: (progress: CampaignProgress) => void;
  /** Stops the campaign between commands (a `CampaignCancelled`; the last checkpoint keeps the finished steps). */
  readonly signal?: AbortSignal;
  /** Worker threads flooding its broadcast passes (see `CampaignOptions.workers`). @defaultValue 0 */
  readonly workers?: Workers;
}

/** A campaign scenario run: its plan, the problems found before it started, and what it did. */
export interface CampaignRun extends PlannedCampaign {
  /** What the campaign did: its timeline, duration, traffic, final versions and what is left. */
  readonly result: CampaignResult;
}

/**
 * Plans and runs a campaign section. A plan with problems is refused (a `ValidationError`
 * listing them): the campaign runs only what the guide's rules allow.
 */
export function runCampaignSection(
  campaign: ResolvedCampaignSection,
  headend: ResolvedHeadendSection,
  mesh: CompiledMesh,
  models: Pick<RunOptions, 'radio' | 'traffic' | 'handoff'>,
  options: CampaignRunOptions,
): CampaignRun {
  const planned = planCampaign(campaign, headend, mesh);
  if (planned.problems.length > 0) {
    throw new ValidationError(
      'campaign',
      planned.problems.map((p) => p.rule),
      `a plan the guide's rules allow: ${planned.problems.map((p) => `${p.rule} (${p.fix})`).join('; ')}`,
    );
  }
  const result = runCampaign(planned.headEnd, planned.plan, {
    ...models,
    seed: options.seed,
    timing: campaign.timing,
    ...(options.checkpoint === undefined ? {} : { checkpoint: options.checkpoint }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
  });
  return { ...planned, result };
}
