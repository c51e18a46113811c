import { createQueue, type EventQueue, type QueueKind } from '../engine/queue.js';
import { checkMesh } from '../network/compile.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { Network } from '../network/network.js';
import { delayMaxS, delayMinS } from '../random/distributions.js';
import type { Workspace } from '../runtime/pool.js';
import { SyncPool } from '../runtime/sync-pool.js';
import { checkWorkers, cores } from '../runtime/workers.js';
import { floodScratch, relayBits, type FloodState } from './flood.js';
import { checkRunOptions, RUN_OPTIONS, type RunOptions } from './options.js';
import { floodEach } from './packets.js';
import { finishPass, preparePass } from './pass.js';
import type { PassDraws, PreparedPass } from './prepared.js';
import type { BroadcastResult } from './result.js';
import { runPass } from './run.js';
import { checkSpec, type BroadcastSpec } from './spec.js';
import { COUNTERS, sharedCopy } from './state.js';
import { mergeTallies, type FloodTallies } from './tallies.js';

/**
 * The least flood work, in node visits (packets × origins flooded apart × devices), for which a
 * pass of two packets or more goes to the threads. A pass costs the pool about a millisecond
 * beyond its flood (the round trip, each thread's tallies set up, their merge: measured 0.4–1.5
 * ms from 750 to 15,000 devices), and this much work takes about 5 ms on one thread: below it
 * two threads save too little, above it the pool's share of the time only falls
 * (docs/decisions/0025-campaign-worker-pool.md).
 * @internal
 */
export const POOL_MIN_WORK = 25_000;

/** The mesh's links, in shared memory, with the key the threads know them by. */
interface Topology {
  readonly key: number;
  readonly offsets: Int32Array;
  readonly neighbours: Int32Array;
  readonly linkSuccess: Float32Array;
}

/** One thread's share of a pass: all shared memory or small. @internal */
export interface FloodShare {
  /** The mesh's links, when the thread does not hold them yet (else null: it has `key`'s). */
  readonly topology: Topology | null;
  readonly key: number;
  /** The thread's tallies, when they are new to it (else null: the ones it holds). */
  readonly tallies: FloodTallies | null;
  readonly heldStart: Int32Array;
  readonly heldTanks: Int32Array;
  readonly relays: Int32Array;
  readonly tanks: Uint8Array;
  readonly stride: number;
  /** The pass's missing counts and latest needed arrivals as it starts (first `tankCount`). */
  readonly startMissing: Int32Array;
  readonly startLastNeededS: Float64Array;
  readonly tankCount: number;
  readonly origins: Int32Array;
  readonly perOrigin: boolean;
  readonly maxHops: number;
  readonly ttlS: number;
  readonly airtimeS: number;
  readonly draws: PassDraws;
  readonly queue: QueueKind;
  /** The pass's packets, and the shared counter from which threads take the next one. */
  readonly segments: number;
  readonly next: Int32Array;
}

/** What a thread keeps between passes. */
interface ThreadFloods {
  readonly topology: Topology;
  readonly scratch: ReturnType<typeof floodScratch>;
  readonly queues: Map<QueueKind, EventQueue>;
  tallies: FloodTallies | null;
}

const WORKSPACE_KEY = 'broadcast/flood-pool';

/**
 * Floods packets of a pass on a pool thread (see {@link FloodPool}): takes the next packet from
 * the shared counter until none is left, tank bits cleared atomically in the shared tanks,
 * counts and times into this thread's tallies, for the merge.
 * @internal
 */
export function floodShare(t: FloodShare, workspace: Workspace): void {
  let w = workspace.get(WORKSPACE_KEY) as ThreadFloods | undefined;
  if (t.topology !== null) {
    w = {
      topology: t.topology,
      scratch: floodScratch(t.topology.offsets),
      queues: new Map(),
      tallies: w?.tallies ?? null,
    };
    workspace.set(WORKSPACE_KEY, w);
  }
  if (w === undefined || w.topology.key !== t.key) throw new Error('a flood share for links this thread does not hold');
  if (t.tallies !== null) w.tallies = t.tallies;
  const held = w.tallies!;
  const { offsets, neighbours, linkSuccess } = w.topology;
  const n = offsets.length - 1;
  const missing = held.missing.subarray(0, t.tankCount);
  const lastNeededS = held.lastNeededS.subarray(0, t.tankCount);
  missing.set(t.startMissing.subarray(0, t.tankCount));
  lastNeededS.set(t.startLastNeededS.subarray(0, t.tankCount));
  const lastHeardS = held.lastHeardS.subarray(0, n).fill(NaN);
  const counters = held.counters.fill(0);
  let queue = w.queues.get(t.queue);
  if (queue === undefined) w.queues.set(t.queue, (queue = createQueue(t.queue, 1024)));
  const flood: FloodState = {
    offsets,
    neighbours,
    linkSuccess,
    heldStart: t.heldStart,
    heldTanks: t.heldTanks,
    relays: t.relays,
    tanks: t.tanks,
    stride: t.stride,
    sharedTanks: true,
    missing,
    lastNeededS,
    lastHeardS,
    counters,
    ...w.scratch,
    queue,
    origins: t.origins,
    perOrigin: t.perOrigin,
    maxHops: t.maxHops,
    ttlS: t.ttlS,
    airtimeS: t.airtimeS,
    minDelayS: delayMinS(t.draws.delay),
    maxDelayS: delayMaxS(t.draws.delay),
  };
  const { next, segments } = t;
  floodEach(flood, t.draws, () => {
    const j = Atomics.add(next, 0, 1);
    return j < segments ? j : -1;
  });
  // Keep a batch that had to grow for the next pass.
  w.scratch.batch = flood.batch;
  w.scratch.batchSpare = flood.batchSpare;
}

/** Shared arrays that grow to the largest length asked for and are reused below it. */
function grownShared<T extends Int32Array | Float64Array>(
  have: T | null,
  length: number,
  make: (b: SharedArrayBuffer) => T,
  bytes: number,
): T {
  if (have !== null && have.length >= length) return have;
  return make(new SharedArrayBuffer(bytes * Math.max(length, Math.ceil((have?.length ?? 0) * 1.5))));
}

/**
 * Worker threads that flood broadcast passes, kept for many passes: a campaign opens one, runs
 * its broadcasts through it and closes it. Each thread receives the mesh's links once (shared
 * memory, no copy) and keeps its flood scratch; each pass then sends only its small spec and
 * the shared arrays of its state, the threads take its packets from a shared counter as they
 * get free, and the calling thread waits (synchronously) and merges their tallies. Packets'
 * draws are counter-based (docs/decisions/0010-counter-based-flood-draws.md) and the merge does
 * not depend on order, so a pass's result is the one of `runBroadcast`, bit for bit, on any
 * number of threads. Passes too small to pay back ({@link POOL_MIN_WORK}), and passes with
 * contention on (their packets share the air), run on the calling thread.
 * @internal
 */
export class FloodPool {
  /** Number of threads. */
  readonly threads: number;
  /** The threads, started by the first pass worth them. */
  private pool: SyncPool | null = null;
  private closed = false;
  private topology: Topology | null = null;
  /** The links key each thread holds (-1: none). */
  private readonly held: number[];
  /** Each thread's tallies, and whether it holds the current ones. */
  private readonly tallies: (FloodTallies | null)[];
  private readonly talliesSent: boolean[];
  private startMissing: Int32Array | null = null;
  private startLastNeededS: Float64Array | null = null;
  private relays: Int32Array | null = null;
  /** The target selection last copied to shared memory, and its copies. */
  private selection: {
    readonly of: Int32Array;
    readonly heldStart: Int32Array;
    readonly heldTanks: Int32Array;
  } | null = null;
  private readonly next = new Int32Array(new SharedArrayBuffer(4));

  /**
   * @param threads - number of worker threads (≥ 1), started when a pass first needs them
   * @param minWork - the least flood work a pass takes to the threads @defaultValue {@link POOL_MIN_WORK}
   */
  constructor(
    threads: number,
    private readonly minWork = POOL_MIN_WORK,
  ) {
    this.threads = threads;
    this.held = new Array<number>(threads).fill(-1);
    this.tallies = new Array<FloodTallies | null>(threads).fill(null);
    this.talliesSent = new Array<boolean>(threads).fill(false);
  }

  /**
   * `runBroadcast` with the pass's packets flooded on the pool's threads (when the pass is
   * worth it): the same checks, the same result.
   */
  run(network: Network | CompiledMesh, spec: BroadcastSpec, options: RunOptions = {}): BroadcastResult {
    const mesh = checkMesh(network);
    const p = preparePass(mesh, checkSpec(spec), checkRunOptions(options, RUN_OPTIONS));
    if (!this.flood(p)) return runPass(p);
    return finishPass(p);
  }

  /**
   * Floods a prepared pass's packets (contention off) on the threads, into its state.
   * @returns false, having done nothing, when the pass is better flooded on the calling
   *   thread: contention on, a single packet, or less work than {@link POOL_MIN_WORK}
   */
  flood(p: PreparedPass): boolean {
    const { spec, state, mesh } = p;
    if (p.radio.contention !== 'none') return false;
    const apart = spec.duplicates === 'per-origin' ? spec.origins.length : 1;
    // One packet cannot be split; too little work does not pay the round trip back.
    if (spec.segments < 2 || spec.segments * apart * mesh.n < this.minWork) return false;
    if (!(state.tanks.buffer instanceof SharedArrayBuffer)) throw new Error('tanks must be in shared memory');
    const topology = this.topologyOf(mesh);
    const tankCount = state.missing.length;
    const n = mesh.n;
    this.startMissing = grownShared(this.startMissing, tankCount, (b) => new Int32Array(b), 4);
    this.startLastNeededS = grownShared(this.startLastNeededS, tankCount, (b) => new Float64Array(b), 8);
    this.startMissing.set(state.missing);
    this.startLastNeededS.set(state.lastNeededS);
    this.relays = relayBits(
      p.forwards,
      grownShared(this.relays, (n + 31) >> 5, (b) => new Int32Array(b), 4).subarray(0, (n + 31) >> 5),
    );
    const selection = this.selectionOf(state.heldStart, state.heldTanks);
    Atomics.store(this.next, 0, 0);
    // No more threads than packets: a thread with none would only cost its merge.
    const threads = Math.min(this.threads, spec.segments);
    const tasks = Array.from({ length: threads }, (_, i) => {
      const tallies = this.talliesOf(i, tankCount, n);
      const share: FloodShare = {
        topology: this.held[i] === topology.key ? null : topology,
        key: topology.key,
        tallies: this.talliesSent[i] ? null : tallies,
        heldStart: selection.heldStart,
        heldTanks: selection.heldTanks,
        relays: this.relays!,
        tanks: state.tanks,
        stride: state.stride,
        startMissing: this.startMissing!,
        startLastNeededS: this.startLastNeededS!,
        tankCount,
        origins: spec.origins,
        perOrigin: spec.duplicates === 'per-origin',
        maxHops: spec.maxHops,
        ttlS: spec.ttlS,
        airtimeS: p.radio.airtimeS,
        draws: p.draws,
        queue: p.queue,
        segments: spec.segments,
        next: this.next,
      };
      return { module: import.meta.url, fn: 'floodShare', input: share };
    });
    if (this.closed) throw new Error('this flood pool is closed');
    this.pool ??= new SyncPool(this.threads);
    try {
      this.pool.runAll<FloodShare, void>(tasks);
    } catch (error) {
      // A thread may have stopped half way: what every thread holds is unknown now.
      this.held.fill(-1);
      this.talliesSent.fill(false);
      throw error;
    }
    for (let i = 0; i < threads; i++) {
      this.held[i] = topology.key;
      this.talliesSent[i] = true;
    }
    mergeTallies(
      state,
      this.tallies.slice(0, threads).map((t) => t!),
    );
    return true;
  }

  /** Stops the threads (at once). Safe to call twice; the pool cannot be used after. */
  close(): void {
    this.closed = true;
    this.pool?.close();
  }

  /** The mesh's links as the threads know them: sent again only when they are other arrays. */
  private topologyOf(mesh: CompiledMesh): Topology {
    const t = this.topology;
    if (
      t !== null &&
      t.offsets === mesh.offsets &&
      t.neighbours === mesh.neighbours &&
      t.linkSuccess === mesh.linkSuccess
    )
      return t;
    // A compiled mesh keeps its links in shared memory: the threads read the very arrays.
    this.topology = {
      key: (t?.key ?? -1) + 1,
      offsets: mesh.offsets,
      neighbours: mesh.neighbours,
      linkSuccess: mesh.linkSuccess,
    };
    if (!(mesh.offsets.buffer instanceof SharedArrayBuffer)) {
      this.topology = {
        ...this.topology,
        offsets: sharedCopy(mesh.offsets),
        neighbours: sharedCopy(mesh.neighbours),
        linkSuccess: sharedCopy(mesh.linkSuccess),
      };
    }
    return this.topology;
  }

  /** The target selection's tank lists in shared memory: copied once per selection. */
  private selectionOf(heldStart: Int32Array, heldTanks: Int32Array): { heldStart: Int32Array; heldTanks: Int32Array } {
    if (this.selection === null || this.selection.of !== heldStart) {
      this.selection = {
        of: heldStart,
        heldStart: sharedCopy(heldStart, false),
        heldTanks: sharedCopy(heldTanks, false),
      };
    }
    return this.selection;
  }

  /** Thread i's tallies, long enough for `tanks` tanks and `n` nodes (new ones are sent to it). */
  private talliesOf(i: number, tanks: number, n: number): FloodTallies {
    const t = this.tallies[i] ?? null;
    if (t !== null && t.missing.length >= tanks && t.lastHeardS.length >= n) return t;
    const fresh: FloodTallies = {
      missing: grownShared(t?.missing ?? null, tanks, (b) => new Int32Array(b), 4),
      lastNeededS: grownShared(t?.lastNeededS ?? null, tanks, (b) => new Float64Array(b), 8),
      lastHeardS: grownShared(t?.lastHeardS ?? null, n, (b) => new Float64Array(b), 8),
      counters: t?.counters ?? new Float64Array(new SharedArrayBuffer(8 * COUNTERS)),
    };
    this.tallies[i] = fresh;
    this.talliesSent[i] = false;
    return fresh;
  }
}

/**
 * The most threads `'auto'` starts: each holds its own heap and about 40 bytes per device of
 * flood scratch and tallies (60 MB at a million meters), and adds its tallies to the merge of
 * every pass, while a pass of 200 packets leaves little for a ninth thread to share.
 */
export const AUTO_FLOOD_THREADS = 8;

/**
 * Checks a flood worker count: a number of threads (0: flood on the calling thread), or `'auto'`
 * — one per core, at most {@link AUTO_FLOOD_THREADS}, and none on a single core (one thread
 * beside a waiting caller only adds the round trips).
 * @param at - where the count was given, for errors
 * @returns the number of threads (0: the calling thread)
 * @internal
 */
export function checkFloodWorkers(at: string, value: unknown): number {
  if (value === 'auto') {
    const n = Math.min(cores(), AUTO_FLOOD_THREADS);
    return n < 2 ? 0 : n;
  }
  return checkWorkers(at, value, 0);
}
