export { sweep, sweepIdOf } from './sweep.js';
export type { Shard, SweepOptions, SweepOutcome } from './sweep.js';
export { applyCell, canonicalJSON, gridCells } from './grid.js';
export type { SweepCell, SweepGrid } from './grid.js';
export { isSweepRecord, mergeRecords, parseResults } from './record.js';
export type { SweepRecord } from './record.js';
export { estimate, summarise, t975 } from './summary.js';
export type { CellSummary, Estimate } from './summary.js';
export { cellSeed } from './task.js';
