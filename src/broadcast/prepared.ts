import type { QueueKind } from '../engine/queue.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { ResolvedRadio } from '../radio/radio.js';
import type { DelaySpec } from '../random/distributions.js';
import type { Seed } from '../random/stream.js';
import type { ResolvedTraffic } from '../traffic/traffic.js';
import type { ResolvedHandoff } from './handoff.js';
import type { PassSpec } from './spec.js';
import type { PassState } from './state.js';

/** What decides a pass's random draws and packet timing: enough to flood any of its packets anywhere. @internal */
export interface PassDraws {
  readonly seed: Seed;
  readonly replication: number;
  readonly pass: number;
  readonly delay: DelaySpec;
  readonly startS: number;
  readonly spacingS: number;
  readonly firstSegment: number;
}

/** A pass ready to run: its spec bound to the mesh, its resolved options and its starting state. @internal */
export interface PreparedPass {
  readonly mesh: CompiledMesh;
  readonly spec: PassSpec;
  readonly radio: ResolvedRadio;
  /** AMI traffic on the shared air (with contention on). */
  readonly traffic: ResolvedTraffic;
  readonly handoff: ResolvedHandoff;
  /** Event queue of the floods. */
  readonly queue: QueueKind;
  readonly state: PassState;
  /** 1 where a node forwards in this pass. */
  readonly forwards: Uint8Array;
  readonly draws: PassDraws;
}
