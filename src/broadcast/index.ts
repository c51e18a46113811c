export { runBroadcast, runBroadcasts } from './run.js';
export { runBroadcastParallel } from './parallel.js';
export type { ParallelRunOptions } from './parallel.js';
export { checkRunOptions, RUN_OPTIONS } from './options.js';
export type { ResolvedRunOptions, RunOptions } from './options.js';
export { BroadcastResult } from './result.js';
export type {
  CompletionSummary,
  EndpointState,
  LayerRow,
  PassStats,
  PassSummary,
  RunMeta,
  SharedAirStats,
  Tank,
} from './result.js';
export { checkSpec, SPEC_FIELDS } from './spec.js';
export type {
  Activation,
  BroadcastSpec,
  Duplicates,
  Limits,
  PassSpec,
  RelativeHops,
  ResolvedSpec,
  TargetFilter,
  TargetSelector,
} from './spec.js';
export { checkTargets } from './targets.js';
export type { ResolvedTargets } from './targets.js';
export { checkHandoff } from './handoff.js';
export type { HandoffOptions, ResolvedHandoff } from './handoff.js';
export { nearbyCollectors, PARALLEL_BROADCASTS, TWO_MILES_M } from './warnings.js';
export { TRACE_MAX_DEVICES } from './trace.js';
export type { TraceOutcome } from './trace.js';
export type { BroadcastWarning } from './warnings.js';
