import { ValidationError } from '../errors.js';
import { nearestRank } from '../stats.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { AirStats } from '../radio/air-stats.js';
import type { Seed } from '../random/stream.js';
import type { TrafficKpis } from '../traffic/kpis.js';
import { COUNTER } from './counters.js';
import type { PassSpec } from './spec.js';
import { targetCompletionS, type PassState } from './state.js';
import type { BroadcastWarning } from './warnings.js';

/**
 * What the shared air did ({@link AirStats}) and what the AMI traffic on it achieved
 * ({@link TrafficKpis}): `result.air` with contention on, the same object for broadcasts run
 * together.
 */
export interface SharedAirStats extends AirStats, TrafficKpis {}

/** Traffic and drop counters of a pass (summed over its packets). */
export interface PassStats {
  /** RF frames put on the air: one per forwarding node per packet. */
  readonly transmissions: number;
  /** RF copies received (link trial succeeded), duplicates and late copies included. */
  readonly receptions: number;
  /** RF copies lost to the link trial. */
  readonly lost: number;
  /** In-time copies at a node that already had, or got earlier, the packet. */
  readonly duplicates: number;
  /** Copies that arrived after the packet's TTL (dropped). */
  readonly expired: number;
  /** Relaying nodes that got a packet at hop count = Maximum Hops and did not forward it. */
  readonly hopLimited: number;
  /** Node-packet pairs reached (origins included). */
  readonly reached: number;
  /** Parent-to-child transfer attempts. */
  readonly handoffAttempts: number;
  /** Child modules whose every attempt in this pass failed. */
  readonly handoffFailures: number;
}

/** Coverage of targets at one layer. */
export interface LayerRow {
  /** Layer (hops of the holder's route to its collector); -1 for targets without a route. */
  readonly layer: number;
  /** Targets at this layer. */
  readonly targets: number;
  /** Of which complete. */
  readonly completed: number;
  /** completed / targets. */
  readonly coverage: number;
  /** Mean completion time of the completed ones (clock seconds), or null. */
  readonly meanCompletionS: number | null;
}

/** Distribution of completion times (clock seconds) over completed targets. */
export interface CompletionSummary {
  /** Completed targets. */
  readonly count: number;
  /** Mean, or null when none completed. */
  readonly meanS: number | null;
  /** Earliest. */
  readonly minS: number | null;
  /** Median. */
  readonly p50S: number | null;
  /** 90th percentile. */
  readonly p90S: number | null;
  /** 99th percentile. */
  readonly p99S: number | null;
  /** Latest. */
  readonly maxS: number | null;
}

/** A read-only view of one endpoint's tank (bit k = 1 while packet k is missing). */
export interface Tank {
  /** Image size in packets. */
  readonly packets: number;
  /** Packets still missing. */
  readonly missing: number;
  /** Percentage complete, 0–100. */
  readonly percent: number;
  /** Whether packet `k` (0-based) has been received. */
  has(k: number): boolean;
  /** The tank bytes as hex, least significant bit = lowest packet, e.g. `"00 04 00"`. */
  hex(): string;
}

/** What one endpoint ended the pass with. */
export interface EndpointState {
  /** Device id. */
  readonly id: string;
  /** Layer (the tank holder's for a gas / water module); -1 unreachable. */
  readonly layer: number;
  /** Whether the endpoint was a target of the broadcast. */
  readonly target: boolean;
  /** Id of the device whose radio collects the image (the electric parent for a child module). */
  readonly holder: string;
  /** True when the holder does not take broadcast images (Disable Broadcasts / Encrypt FW Download). */
  readonly refused: boolean;
  /** The tank (of the holder), or null for a non-target. */
  readonly tank: Tank | null;
  /** Clock time the image became complete on this endpoint, or null. */
  readonly completedS: number | null;
  /** Clock time the image is activated, or null. */
  readonly activationS: number | null;
  /** Clock time the endpoint runs the new image (activation + reboot), or null. */
  readonly runningS: number | null;
  /** The version pending activation once complete, or null. */
  readonly pendingVersion: string | null;
  /** Clock time the endpoint's radio (its parent's for a child) last heard a broadcast copy, or null. */
  readonly lastHeardS: number | null;
}

/** Identification of a run: enough to reproduce it. */
export interface RunMeta {
  /** Root seed. */
  readonly seed: Seed;
  /** Replication index. */
  readonly replication: number;
  /** Pass index (0 for a first pass, then 1, 2, … when continuing). */
  readonly pass: number;
  /** meshcast version that produced the result. */
  readonly version: string;
  /** Contention model. */
  readonly contention: string;
}

/** A compact, JSON-ready summary of a pass (what the CLI prints and sweeps record). */
export interface PassSummary {
  /** Seed, replication, pass and version. */
  readonly meta: RunMeta;
  /** Origin collector ids. */
  readonly origins: readonly string[];
  /** Image size in packets. */
  readonly packets: number;
  /** Packets sent in this pass. */
  readonly packetsSent: number;
  /** Seconds between packets. */
  readonly spacingS: number;
  /** Maximum Hops. */
  readonly maxHops: number;
  /** Maximum TTL in seconds. */
  readonly ttlS: number;
  /** Targets. */
  readonly targets: number;
  /** Targets complete. */
  readonly completed: number;
  /** completed / targets. */
  readonly coverage: number;
  /** Targets that refuse broadcast images. */
  readonly refused: number;
  /** Targets no origin can reach. */
  readonly unreachable: number;
  /** Clock time of the first packet sent. */
  readonly firstPacketS: number;
  /** Clock time of the last packet sent. */
  readonly lastPacketS: number;
  /** lastPacketS − firstPacketS. */
  readonly durationS: number;
  /** Clock time by which the pass's traffic has died out. */
  readonly endS: number;
  /** Completion-time distribution. */
  readonly completion: CompletionSummary;
  /** Coverage by layer. */
  readonly layers: readonly LayerRow[];
  /** Traffic counters. */
  readonly stats: PassStats;
  /** Shared-air statistics with contention on, else null. */
  readonly air: SharedAirStats | null;
  /** What the guide advises against that this pass did. */
  readonly warnings: readonly BroadcastWarning[];
}

const HEX = '0123456789ABCDEF';

/**
 * The outcome of one broadcast pass: coverage, per-layer table, completion times, traffic, and
 * every endpoint's tank and times. Immutable; pass it as `previous` to continue with a repeat
 * pass that fills only the gaps.
 */
export class BroadcastResult {
  /** The mesh the pass ran on. */
  readonly mesh: CompiledMesh;
  /** The resolved spec. */
  readonly spec: PassSpec;
  /** Seed, replication, pass and version. */
  readonly meta: RunMeta;
  /** Number of targets. */
  readonly targets: number;
  /** Targets whose image is complete. */
  readonly completed: number;
  /** Targets whose image is not complete. */
  readonly incomplete: number;
  /** Share of targets complete (1 when there are no targets). */
  readonly coverage: number;
  /** Targets whose holder refuses broadcast images. */
  readonly refused: number;
  /** Targets no origin can reach through the mesh at all. */
  readonly unreachable: number;
  /** Clock time of the first packet sent in this pass. */
  readonly firstPacketS: number;
  /** Clock time of the last packet sent in this pass. */
  readonly lastPacketS: number;
  /** lastPacketS − firstPacketS (the head-end's "duration"). */
  readonly durationS: number;
  /** Clock time by which no copy of this pass is left in the air. */
  readonly endS: number;
  /** Packets sent in this pass. */
  readonly packetsSent: number;
  /** Packets the image has ("packets that should be sent"). */
  readonly packetsToSend: number;
  /** Traffic counters. */
  readonly stats: PassStats;
  /** Coverage by layer, ascending, unreachable (-1) first. */
  readonly layers: readonly LayerRow[];
  /** @internal */
  readonly state: PassState;

  /**
   * What the shared air did (collisions, deferrals, queue delays, airtime, utilisation), with
   * contention on; null with contention off. Broadcasts run together share one.
   */
  readonly air: SharedAirStats | null;

  /** What the guide advises against that this pass did (collectors within 2 miles, broadcasts in parallel). */
  readonly warnings: readonly BroadcastWarning[];

  /** @internal Built by runBroadcast. */
  constructor(
    mesh: CompiledMesh,
    spec: PassSpec,
    meta: RunMeta,
    state: PassState,
    reachable: Uint8Array,
    air: SharedAirStats | null = null,
    nodeAirtimeS: Float64Array | null = null,
    warnings: readonly BroadcastWarning[] = [],
    reportsHeardS: Float64Array | null = null,
  ) {
    this.mesh = mesh;
    this.reportsHeardS = reportsHeardS;
    this.reachableNodes = reachable;
    this.warnings = warnings;
    this.air = air;
    this.nodeAirtimeS = nodeAirtimeS;
    this.spec = spec;
    this.meta = meta;
    this.state = state;
    const { targetNodes, holderOfTarget, tankAccepts, handoffCompletedS } = state;
    this.targets = targetNodes.length;
    // Per-layer tallies in typed arrays indexed by layer + 1 (slot 0: unreachable, layer -1).
    let maxLayer = 0;
    for (let t = 0; t < targetNodes.length; t++) maxLayer = Math.max(maxLayer, mesh.layer[holderOfTarget[t]!]!);
    const layerTargets = new Float64Array(maxLayer + 2);
    const layerDone = new Float64Array(maxLayer + 2);
    const layerSumS = new Float64Array(maxLayer + 2);
    let completed = 0;
    let refused = 0;
    let unreachable = 0;
    for (let t = 0; t < targetNodes.length; t++) {
      const holder = holderOfTarget[t]!;
      if (tankAccepts[t] === 0) refused++;
      if (reachable[holder] === 0) unreachable++;
      const slot = mesh.layer[holder]! + 1;
      layerTargets[slot]!++;
      const done = targetCompletionS(state, t);
      if (done === done) {
        completed++;
        layerDone[slot]!++;
        layerSumS[slot]! += done;
      }
    }
    this.completed = completed;
    this.incomplete = targetNodes.length - completed;
    this.coverage = targetNodes.length === 0 ? 1 : completed / targetNodes.length;
    this.refused = refused;
    this.unreachable = unreachable;
    const layers: LayerRow[] = [];
    for (let slot = 0; slot < layerTargets.length; slot++) {
      const count = layerTargets[slot]!;
      if (count === 0) continue;
      const done = layerDone[slot]!;
      layers.push({
        layer: slot - 1,
        targets: count,
        completed: done,
        coverage: done / count,
        meanCompletionS: done === 0 ? null : layerSumS[slot]! / done,
      });
    }
    this.layers = layers;
    this.packetsSent = spec.segments;
    this.packetsToSend = spec.packets;
    this.firstPacketS = spec.startS;
    this.lastPacketS = spec.startS + (spec.segments - 1) * spec.spacingS;
    this.durationS = this.lastPacketS - this.firstPacketS;
    let lastHeard = this.lastPacketS;
    for (let v = 0; v < mesh.n; v++) {
      const h = state.lastHeardS[v]!;
      if (h > lastHeard) lastHeard = h;
    }
    // A tank completes at an arrival its holder heard, so only hand-offs can end later.
    for (let t = 0; t < handoffCompletedS.length; t++) {
      const done = handoffCompletedS[t]!;
      if (done > lastHeard) lastHeard = done;
    }
    this.endS = lastHeard;
    const c = state.counters;
    this.stats = {
      transmissions: c[COUNTER.transmissions]!,
      receptions: c[COUNTER.receptions]!,
      lost: c[COUNTER.lost]!,
      duplicates: c[COUNTER.duplicates]!,
      expired: c[COUNTER.expired]!,
      hopLimited: c[COUNTER.hopLimited]!,
      reached: c[COUNTER.reached]!,
      handoffAttempts: state.handoffAttempts,
      handoffFailures: state.handoffFailures,
    };
  }

  /**
   * With report traffic on the shared air (`traffic.reports`): when each target's "download
   * complete" report reached its collector, indexed like {@link BroadcastResult.targetIds}
   * (NaN: its tank did not complete in this pass, or every retry of its report failed). Null
   * without report traffic. A gas / water module's report is its parent's, sent when the
   * parent's copy of the child's tank completes.
   */
  readonly reportsHeardS: Float64Array | null;

  private completionCache: CompletionSummary | undefined;
  private readonly nodeAirtimeS: Float64Array | null;
  /** 1 where a node can be reached from the origins at all (see {@link BroadcastResult.reachable}). */
  private readonly reachableNodes: Uint8Array;

  /**
   * Bytes of the arrays that keeping this result keeps alive — tanks, per-target and per-device
   * times, and the target selection of a predicate (made for this pass and dropped with it) —
   * beyond the mesh and what the mesh keeps for every pass on it (reachable sets, the selections
   * of declarative filters): what keeping it costs.
   * @internal
   */
  retainedBytes(): number {
    const s = this.state;
    const own =
      s.tanks.byteLength +
      s.missing.byteLength +
      s.lastNeededS.byteLength +
      s.handoffCompletedS.byteLength +
      s.lastHeardS.byteLength +
      (this.reportsHeardS?.byteLength ?? 0) +
      (this.nodeAirtimeS?.byteLength ?? 0);
    if (this.spec.targets.kind !== 'predicate') return own;
    return (
      own +
      s.targetNodes.byteLength +
      s.targetOfNode.byteLength +
      s.holderOfTarget.byteLength +
      s.tankAccepts.byteLength +
      s.heldStart.byteLength +
      s.heldTanks.byteLength
    );
  }

  /**
   * Share of the air's active span (`air.firstS` … `air.lastS`) a device spent transmitting,
   * with contention on; null with contention off.
   * @param id - device id
   */
  utilisation(id: string): number | null {
    const v = this.mesh.index(id);
    if (v < 0) throw new ValidationError('id', id, 'the id of a device in the network');
    if (this.nodeAirtimeS === null || this.air === null) return null;
    const span = this.air.lastS - this.air.firstS;
    return span > 0 ? this.nodeAirtimeS[v]! / span : 0;
  }

  /** Completion-time distribution (computed on first use). */
  get completion(): CompletionSummary {
    if (this.completionCache === undefined) {
      const sorted = this.completionTimesS();
      let sum = 0;
      for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
      this.completionCache = {
        count: sorted.length,
        meanS: sorted.length === 0 ? null : sum / sorted.length,
        minS: nearestRank(sorted, 0),
        p50S: nearestRank(sorted, 0.5),
        p90S: nearestRank(sorted, 0.9),
        p99S: nearestRank(sorted, 0.99),
        maxS: nearestRank(sorted, 1),
      };
    }
    return this.completionCache;
  }

  /** Ids of the targets, in device order. */
  targetIds(): string[] {
    return Array.from(this.state.targetNodes, (v) => this.mesh.id(v));
  }

  /** Device index of each target, ascending: target t is device `targetIndices()[t]` (a copy). */
  targetIndices(): Int32Array {
    return this.state.targetNodes.slice();
  }

  /** When each target completed, indexed like {@link BroadcastResult.targetIndices} (NaN: not complete). */
  targetCompletionS(): Float64Array {
    return Float64Array.from(this.state.targetNodes, (_, t) => targetCompletionS(this.state, t));
  }

  /** Completion times (clock seconds) of completed targets, ascending. */
  completionTimesS(): Float64Array {
    return Float64Array.from(this.state.targetNodes, (_, t) => targetCompletionS(this.state, t))
      .filter((x) => !Number.isNaN(x))
      .sort();
  }

  /**
   * The tank of a target (its holder's tank for a gas / water module).
   * @param id - device id of a target
   */
  tank(id: string): Tank {
    const t = this.targetIndex(id);
    if (t < 0) throw new ValidationError('id', id, 'the id of a target of this broadcast');
    return this.tankView(t);
  }

  /**
   * The tank of a target as hex bytes (see {@link Tank.hex}).
   * @param id - device id of a target
   */
  tankHex(id: string): string {
    return this.tank(id).hex();
  }

  /**
   * Everything about one endpoint at the end of the pass.
   * @param id - any device id
   */
  endpoint(id: string): EndpointState {
    const v = this.mesh.index(id);
    if (v < 0) throw new ValidationError('id', id, 'the id of a device in the network');
    const t = this.state.targetOfNode[v]!;
    const parent = this.mesh.parent[v]!;
    const holder = t >= 0 ? this.state.holderOfTarget[t]! : parent >= 0 ? parent : v;
    const completedS = t >= 0 ? targetCompletionS(this.state, t) : NaN;
    const heard = this.state.lastHeardS[holder]!;
    const done = !Number.isNaN(completedS);
    const activationS = done ? Math.max(completedS, this.spec.activationAtS) : NaN;
    return {
      id,
      layer: this.mesh.layer[holder]!,
      target: t >= 0,
      holder: this.mesh.id(holder),
      refused: t >= 0 && this.state.tankAccepts[t] === 0,
      tank: t >= 0 ? this.tankView(t) : null,
      completedS: done ? completedS : null,
      activationS: done ? activationS : null,
      runningS: done ? activationS + this.spec.rebootS : null,
      pendingVersion: done ? this.spec.version : null,
      lastHeardS: Number.isNaN(heard) ? null : heard,
    };
  }

  /**
   * Whether any path of links that can succeed joins the broadcast's origins to the device's
   * radio (its parent's for a gas / water module), through nodes that forward in this pass: a
   * target no such path reaches is counted under {@link BroadcastResult.unreachable}, and no
   * pass from these collectors completes it.
   * @param id - any device id
   */
  reachable(id: string): boolean {
    const v = this.mesh.index(id);
    if (v < 0) throw new ValidationError('id', id, 'the id of a device in the network');
    const t = this.state.targetOfNode[v]!;
    const parent = this.mesh.parent[v]!;
    const holder = t >= 0 ? this.state.holderOfTarget[t]! : parent >= 0 ? parent : v;
    return this.reachableNodes[holder] === 1;
  }

  /** A compact JSON-ready summary. */
  summary(): PassSummary {
    return {
      meta: this.meta,
      origins: Array.from(this.spec.origins, (o) => this.mesh.id(o)),
      packets: this.packetsToSend,
      packetsSent: this.packetsSent,
      spacingS: this.spec.spacingS,
      maxHops: this.spec.maxHops,
      ttlS: this.spec.ttlS,
      targets: this.targets,
      completed: this.completed,
      coverage: this.coverage,
      refused: this.refused,
      unreachable: this.unreachable,
      firstPacketS: this.firstPacketS,
      lastPacketS: this.lastPacketS,
      durationS: this.durationS,
      endS: this.endS,
      completion: this.completion,
      layers: this.layers,
      stats: this.stats,
      air: this.air,
      warnings: this.warnings,
    };
  }

  /**
   * Packets device v's tank still misses (its holder's for a gas / water module), or -1 where
   * v is no target of this broadcast: {@link BroadcastResult.tank}'s count, by device index.
   * @param v - device index in this result's mesh
   * @internal
   */
  missingOf(v: number): number {
    const t = this.targetOf(v);
    return t < 0 ? -1 : this.state.missing[t]!;
  }

  private targetIndex(id: string): number {
    return this.targetOf(this.mesh.index(id));
  }

  /** Target number of device v, or -1 where v is no target (or no device of the mesh). */
  private targetOf(v: number): number {
    return v >= 0 && v < this.mesh.n ? this.state.targetOfNode[v]! : -1;
  }

  private tankView(tank: number): Tank {
    const { tanks, stride, missing } = this.state;
    const packets = this.spec.packets;
    const base = tank * stride;
    const left = missing[tank]!;
    return {
      packets,
      missing: left,
      percent: (100 * (packets - left)) / packets,
      has: (k: number) => {
        if (!Number.isInteger(k) || k < 0 || k >= packets)
          throw new ValidationError('k', k, `a packet index in 0..${packets - 1}`);
        return (tanks[base + (k >> 3)]! & (1 << (k & 7))) === 0;
      },
      hex: () => {
        const parts: string[] = [];
        for (let b = 0; b < stride; b++) {
          const x = tanks[base + b]!;
          parts.push(HEX[x >> 4]! + HEX[x & 15]!);
        }
        return parts.join(' ');
      },
    };
  }
}
