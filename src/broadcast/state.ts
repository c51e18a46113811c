import type { CompiledMesh } from '../network/mesh.js';
import type { TargetSelection } from './targets.js';

/**
 * What a pass leaves behind: who its targets are and where their tanks live (see
 * {@link TargetSelection}), every tank's bits, and the times and counts the result is made
 * of. A continuing pass starts from a copy of its predecessor's.
 * @internal
 */
export interface PassState extends TargetSelection {
  /** Flat tank bitmap, `stride` bytes per tank; bit = 1 while the packet is missing. In shared memory. */
  readonly tanks: Uint8Array;
  /** Bytes per tank. */
  readonly stride: number;
  /** Packets still missing per tank. */
  readonly missing: Int32Array;
  /** Latest arrival among the packets each tank still needed: once none is missing, its completion time. */
  readonly lastNeededS: Float64Array;
  /**
   * Per target, when its hand-off completed (NaN: not yet) — only for selections with gas /
   * water module targets (else empty): a target holding its own tank completes with it, see
   * {@link targetCompletionS}.
   */
  readonly handoffCompletedS: Float64Array;
  /** Time each node last heard a broadcast copy (NaN: never). */
  readonly lastHeardS: Float64Array;
  /** Pass counters (see `COUNTER`). */
  readonly counters: Float64Array;
  /** Parent-to-child transfer attempts in this pass. */
  readonly handoffAttempts: number;
  /** Child modules whose every attempt in this pass failed. */
  readonly handoffFailures: number;
}

/**
 * Bytes a pass's state takes: its tanks (a bit per packet per holder) and ~40 bytes per device
 * of times, counts and flood scratch.
 * @param devices - devices in the mesh
 * @param targets - tanks (one per target); the devices, as an upper bound
 * @param packets - the image's packets
 * @internal
 */
export function stateBytes(devices: number, targets: number, packets: number): number {
  return targets * (Math.ceil(packets / 8) + 12) + devices * 40;
}

/** Counters a pass keeps (see `COUNTER`). */
export const COUNTERS = 8;

/**
 * Full tanks for a first pass over a target selection.
 * @internal
 */
export function freshState(mesh: CompiledMesh, selection: TargetSelection, packets: number): PassState {
  const tankCount = selection.targetNodes.length;
  const stride = (packets + 7) >> 3;
  // Tanks live in shared memory so parallel floods can fill them in place.
  const tanks = new Uint8Array(new SharedArrayBuffer(tankCount * stride)).fill(0xff);
  const spare = stride * 8 - packets; // bits past the image are never missing
  if (spare > 0 && stride === 1) tanks.fill(0xff >> spare);
  else if (spare > 0) for (let r = 1; r <= tankCount; r++) tanks[r * stride - 1] = 0xff >> spare;
  return {
    ...selection,
    tanks,
    stride,
    missing: new Int32Array(tankCount).fill(packets),
    lastNeededS: new Float64Array(tankCount).fill(-Infinity),
    handoffCompletedS: new Float64Array(selection.handsOff ? selection.targetNodes.length : 0).fill(NaN),
    lastHeardS: new Float64Array(mesh.n).fill(NaN),
    counters: new Float64Array(COUNTERS),
    handoffAttempts: 0,
    handoffFailures: 0,
  };
}

/**
 * A continuing pass's own copy of the earlier state (results stay immutable); counters restart.
 * @internal
 */
export function copyState(p: PassState): PassState {
  return {
    ...p,
    tanks: sharedCopy(p.tanks),
    missing: p.missing.slice(),
    lastNeededS: p.lastNeededS.slice(),
    handoffCompletedS: p.handoffCompletedS.slice(),
    lastHeardS: p.lastHeardS.slice(),
    counters: new Float64Array(COUNTERS),
    handoffAttempts: 0,
    handoffFailures: 0,
  };
}

/**
 * Fresh tanks for a pass whose targets differ from its predecessor's: a target that was one
 * before keeps its tank (the packets its holder took, and its completion); the others start full.
 * Counters restart.
 * @internal
 */
export function carriedState(
  mesh: CompiledMesh,
  selection: TargetSelection,
  packets: number,
  previous: PassState,
): PassState {
  const state = freshState(mesh, selection, packets);
  const { stride } = state;
  for (let t = 0; t < selection.targetNodes.length; t++) {
    const before = previous.targetOfNode[selection.targetNodes[t]!]!;
    if (before < 0) continue;
    state.tanks.set(previous.tanks.subarray(before * stride, (before + 1) * stride), t * stride);
    state.missing[t] = previous.missing[before]!;
    state.lastNeededS[t] = previous.lastNeededS[before]!;
    if (state.handoffCompletedS.length > 0 && previous.handoffCompletedS.length > 0) {
      state.handoffCompletedS[t] = previous.handoffCompletedS[before]!;
    }
  }
  state.lastHeardS.set(previous.lastHeardS);
  return state;
}

/**
 * The array itself if it lives in shared memory (and `always` is false), else a copy that does.
 * @internal
 */
export function sharedCopy<T extends Int32Array | Uint8Array | Float32Array | Float64Array>(a: T, always = true): T {
  if (!always && a.buffer instanceof SharedArrayBuffer) return a;
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a);
  return copy;
}

/**
 * When target `t` completed (NaN: not complete): a target holding its own tank, with the tank
 * (at its last needed arrival, once none is missing); a gas / water module, at the end of its
 * hand-off.
 * @internal
 */
export function targetCompletionS(state: PassState, t: number): number {
  if (state.holderOfTarget[t] !== state.targetNodes[t]) return state.handoffCompletedS[t]!;
  return state.missing[t] === 0 ? state.lastNeededS[t]! : NaN;
}
