export { grid, gridMesh, line, randomGeometric, star } from './simple.js';
export type { GridOptions, LineOptions, RandomGeometricOptions, StarOptions } from './simple.js';
export { utility, utilityMesh, UTILITY_MODEL_DEFAULTS, UTILITY_RADIO_DEFAULTS } from './utility.js';
export type { ModelShare, RadioBudget, UtilityOptions } from './utility.js';
