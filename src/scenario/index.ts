export { loadScenario, runScenario, SCENARIO_GENERATORS } from './scenario.js';
export type { LoadedScenario, ReadText, Scenario, ScenarioNetwork, ScenarioResult } from './scenario.js';
