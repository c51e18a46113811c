export { INSTALLATION_ORDERS, ORDER_STEPS, CHILD_STEPS } from './orders.js';
export type { InstallationOrder, OrderAction, OrderStep } from './orders.js';
export { RELEASE_KINDS, checkRelease, releaseTarget } from './release.js';
export type { Release, ReleaseKind, ReleaseTarget } from './release.js';
export { PLAN_DEFAULTS, PLAN_SETTING_KEYS, STEPPING_STONE, crcChange, planUpgrade } from './plan.js';
export type { Delivery, Plan, PlanAction, PlanOptions, PlanSettings, PlanStep } from './plan.js';
export { DEVIATION_RULES, checkPlan, fixPlan } from './rules.js';
export type { FixedPlan, PlanProblem } from './rules.js';
export { CampaignCancelled, campaignKey, packageType, runCampaign } from './campaign.js';
export type {
  BroadcastSeries,
  CampaignCheckpoint,
  CampaignCheckpointStore,
  CampaignKpiSample,
  CampaignKpis,
  CampaignOptions,
  CampaignProgress,
  CampaignResult,
  CampaignTiming,
  CampaignTimingOptions,
  LeftEndpoint,
  LeftReason,
  StepOutcome,
} from './campaign.js';
export { OPTIMISE_SPACE, OptimiseCancelled, changedFieldsOf, checkSpace, optimiseCampaign } from './optimise.js';
export type {
  CandidateResult,
  CandidateRun,
  OptimiseOptions,
  OptimiseProgress,
  OptimiseResult,
  OptimiseSpace,
  PairedDifference,
} from './optimise.js';
