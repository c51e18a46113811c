export {
  checkScenario,
  loadScenario,
  runScenario,
  runScenarioParallel,
  scenarioSize,
  SCENARIO_GENERATORS,
  SWEEP_ALIASES,
  sweepPath,
} from './scenario.js';
export type {
  LoadedScenario,
  ReadText,
  Scenario,
  ScenarioParallelOptions,
  ScenarioBroadcast,
  ScenarioGenerator,
  ScenarioNetwork,
  ScenarioResult,
  ScenarioSweep,
} from './scenario.js';
export { SCENARIO_SCHEMA } from './schema.js';
