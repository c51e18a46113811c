export { runBroadcast, runBroadcasts } from './run.js';
export type { AirStats, ReadKpis, ReadWindow } from './contention.js';
export { runBroadcastParallel } from './parallel.js';
export type { ParallelRunOptions } from './parallel.js';
export type { RunOptions } from './run.js';
export { BroadcastResult } from './result.js';
export type { CompletionSummary, EndpointState, LayerRow, PassStats, PassSummary, RunMeta, Tank } from './result.js';
export type { Activation, BroadcastSpec, Limits, ResolvedSpec, TargetFilter, TargetSelector } from './spec.js';
export type { HandoffOptions } from './handoff.js';
