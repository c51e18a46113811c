export { checkScenario, SCENARIO_FIELDS, SCENARIO_GENERATORS } from './scenario.js';
export type {
  ResolvedNetworkSection,
  ResolvedScenario,
  Scenario,
  ScenarioBroadcast,
  ScenarioGenerator,
  ScenarioNetwork,
  ScenarioSweep,
} from './scenario.js';
export { loadScenario } from './load.js';
export type { LoadedScenario } from './load.js';
export { networkSize, scenarioSize } from './network.js';
export type { ReadText } from './network.js';
export {
  planCampaignScenario,
  runCampaignScenario,
  runHeadendScenario,
  runScenario,
  runScenarioParallel,
} from './run.js';
export type {
  CampaignRun,
  CampaignRunOptions,
  PlannedCampaign,
  ResolvedCampaignSection,
  ScenarioCampaign,
} from './campaign.js';
export type { HeadendDay, ResolvedHeadendSection, ScenarioHeadend, ScenarioHeadendStep } from './headend.js';
export type { CampaignScenarioOptions, ScenarioParallelOptions, ScenarioResult } from './run.js';
export { SCENARIO_SCHEMA } from './schema.js';
