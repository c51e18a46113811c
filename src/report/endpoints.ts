import type { BroadcastResult } from '../broadcast/result.js';
import type { CompiledMesh } from '../network/mesh.js';
import { lastPasses, runGroups, type RunInput } from './run-input.js';

/**
 * Where an endpoint stands at the end of a run: `complete`; a target that is not, because its
 * radio `refused` broadcast images (Disable Broadcasts, Encrypt FW Download, module firmware
 * 4.2x), is `unreachable` from the broadcast's collectors, or is still `incomplete` (packets
 * missing, or a gas / water module whose parent holds the image but whose hand-off failed);
 * `not-target` for every other device.
 */
export const ENDPOINT_STATUSES = ['complete', 'incomplete', 'refused', 'unreachable', 'not-target'] as const;

/** One of {@link ENDPOINT_STATUSES}. */
export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

/** The code of each status in {@link EndpointTable.status}: its index in {@link ENDPOINT_STATUSES}. */
export const ENDPOINT_STATUS: Readonly<Record<EndpointStatus, number>> = Object.freeze(
  Object.fromEntries(ENDPOINT_STATUSES.map((s, i) => [s, i])) as Record<EndpointStatus, number>,
);

/**
 * Every device of a run as columns, by dense index (the mesh's): what the map, the endpoint
 * files and the list of failed endpoints are made of. A target's state is its group's latest
 * pass's (groups target disjoint endpoints).
 */
export interface EndpointTable {
  /** The network the run was on. */
  readonly mesh: CompiledMesh;
  /** The latest pass of each collector group. */
  readonly passes: readonly BroadcastResult[];
  /** Image size in packets. */
  readonly packets: number;
  /** Clock time of the run's first packet. */
  readonly firstPacketS: number;
  /** Status of each device: its code in {@link ENDPOINT_STATUS}. */
  readonly status: Uint8Array;
  /** Clock time each target's image became complete (NaN: not complete, or not a target). */
  readonly completedS: Float64Array;
  /** Packets each target's tank still misses (-1: not a target). */
  readonly missing: Int32Array;
  /** Clock time each target's radio (its parent's for a module) last heard a broadcast copy (NaN: never). */
  readonly lastHeardS: Float64Array;
  /** Index in {@link EndpointTable.passes} of the pass each target's state comes from (-1: not a target). */
  readonly passOf: Int32Array;
  /**
   * The tank bytes of device v (bit k of byte k >> 3 set while packet k is missing, as
   * `Tank.hex` prints them), or null for a device that is no target. A view: do not modify.
   */
  tankBytes(v: number): Uint8Array | null;
}

/**
 * The state of every device at the end of a run.
 * @param run - a scenario's result or a campaign's passes
 */
export function endpointTable(run: RunInput): EndpointTable {
  const passes = lastPasses(runGroups(run));
  const first = passes[0]!;
  const mesh = first.mesh;
  const n = mesh.n;
  const status = new Uint8Array(n).fill(ENDPOINT_STATUS['not-target']);
  const completedS = new Float64Array(n).fill(NaN);
  const missing = new Int32Array(n).fill(-1);
  const lastHeardS = new Float64Array(n).fill(NaN);
  const passOf = new Int32Array(n).fill(-1);
  let firstPacketS = Infinity;
  for (const g of runGroups(run)) firstPacketS = Math.min(firstPacketS, g.passes[0]!.firstPacketS);
  passes.forEach((r, i) => {
    const { targetNodes } = r.state;
    for (let t = 0; t < targetNodes.length; t++) {
      const v = targetNodes[t]!;
      const id = mesh.id(v);
      const e = r.endpoint(id);
      passOf[v] = i;
      missing[v] = e.tank!.missing;
      if (e.lastHeardS !== null) lastHeardS[v] = e.lastHeardS;
      if (e.completedS !== null) {
        completedS[v] = e.completedS;
        status[v] = ENDPOINT_STATUS.complete;
      } else
        status[v] = e.refused
          ? ENDPOINT_STATUS.refused
          : !r.reachable(id)
            ? ENDPOINT_STATUS.unreachable
            : ENDPOINT_STATUS.incomplete;
    }
  });
  return {
    mesh,
    passes,
    packets: first.packetsToSend,
    firstPacketS,
    status,
    completedS,
    missing,
    lastHeardS,
    passOf,
    tankBytes: (v) => {
      const p = passOf[v]!;
      if (p < 0) return null;
      // The pass's own tank rows (a result's state is immutable once made).
      const { state } = passes[p]!;
      const t = state.targetOfNode[v]!;
      return state.tanks.subarray(t * state.stride, (t + 1) * state.stride);
    },
  };
}
