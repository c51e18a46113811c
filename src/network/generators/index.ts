export { line, star } from './line.js';
export type { LineOptions, StarOptions } from './line.js';
export { grid, gridMesh } from './grid.js';
export type { GridOptions } from './grid.js';
export { randomGeometric } from './random-geometric.js';
export type { RandomGeometricOptions } from './random-geometric.js';
export { utility, utilityMesh, UTILITY_MODEL_DEFAULTS, UTILITY_RADIO_DEFAULTS } from './utility.js';
export type { ModelShare, RadioBudget, UtilityFirmwareKind, UtilityOptions } from './utility.js';
