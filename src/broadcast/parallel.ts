import { setMaxListeners } from 'node:events';
import { checkFunction } from '../check.js';
import { ValidationError } from '../errors.js';
import { createQueue, type QueueKind } from '../engine/queue.js';
import { checkMesh } from '../network/compile.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { Network } from '../network/network.js';
import { delayMaxS, delayMinS } from '../random/distributions.js';
import { WorkerPool } from '../runtime/pool.js';
import { checkWorkers, type Workers } from '../runtime/workers.js';
import { floodScratch, relayBits, type FloodState } from './flood.js';
import { checkRunOptions, RUN_OPTIONS, type RunOptions } from './options.js';
import { floodSegments } from './packets.js';
import { finishPass, preparePass } from './pass.js';
import type { PassDraws, PreparedPass } from './prepared.js';
import type { BroadcastResult } from './result.js';
import { runPass } from './run.js';
import { checkSpec, type BroadcastSpec } from './spec.js';
import { sharedCopy } from './state.js';
import { mergeTallies, type FloodTallies } from './tallies.js';

/** Options of {@link runBroadcastParallel}: those of `runBroadcast`, the worker count, progress and cancellation. */
export interface ParallelRunOptions extends RunOptions {
  /** Worker threads flooding packets. @defaultValue 'auto' (one per core) */
  readonly workers?: Workers;
  /**
   * Called while the pass runs, about twice a second, and once when every packet is flooded,
   * with the packets flooded so far and the packets of the pass: the progress of a long pass.
   * If it throws, the pass stops and rejects with that error.
   */
  readonly onProgress?: (flooded: number, packets: number) => void;
  /**
   * Cancels the pass: its workers stop, the promise rejects with an `AbortError` and no result
   * is made (a pass given as `previous` is left as it was). A pass with contention on runs on
   * the calling thread and is only checked before it starts.
   */
  readonly signal?: AbortSignal;
}

/** One worker's share of a pass: everything is shared memory or small. @internal */
export interface FloodTask {
  readonly offsets: Int32Array;
  readonly neighbours: Int32Array;
  readonly linkSuccess: Float32Array;
  readonly heldStart: Int32Array;
  readonly heldTanks: Int32Array;
  readonly relays: Int32Array;
  readonly tanks: Uint8Array;
  readonly stride: number;
  readonly origins: Int32Array;
  readonly perOrigin: boolean;
  readonly maxHops: number;
  readonly ttlS: number;
  readonly airtimeS: number;
  readonly draws: PassDraws;
  readonly js: Int32Array;
  readonly queue: QueueKind;
  /** Packets flooded so far, over all workers (one shared counter). */
  readonly progress: Int32Array;
  /** Where the worker leaves its partial tallies, in shared memory (no copies back): merged by the pass. */
  readonly out: FloodTallies;
}

/**
 * Runs one worker's packets. Tank bits go straight into the shared tanks, cleared atomically
 * (a tank byte holds the bits of 8 packets, which other workers may be taking); counts and
 * times go to the worker's own shared tallies, for the merge.
 * @internal
 */
export function runFloodTask(t: FloodTask): void {
  const out: FloodState = {
    offsets: t.offsets,
    neighbours: t.neighbours,
    linkSuccess: t.linkSuccess,
    heldStart: t.heldStart,
    heldTanks: t.heldTanks,
    relays: t.relays,
    tanks: t.tanks,
    stride: t.stride,
    sharedTanks: true,
    missing: t.out.missing,
    lastNeededS: t.out.lastNeededS,
    lastHeardS: t.out.lastHeardS,
    counters: t.out.counters,
    ...floodScratch(t.offsets),
    queue: createQueue(t.queue, 1024),
    origins: t.origins,
    perOrigin: t.perOrigin,
    maxHops: t.maxHops,
    ttlS: t.ttlS,
    airtimeS: t.airtimeS,
    minDelayS: delayMinS(t.draws.delay),
    maxDelayS: delayMaxS(t.draws.delay),
  };
  floodSegments(out, t.draws, t.js, () => Atomics.add(t.progress, 0, 1));
}

/**
 * A worker's tallies before its floods, in shared memory: the pass's missing counts and latest needed
 * arrivals, nothing heard, no counts.
 */
function sharedTallies(missing: Int32Array, lastNeededS: Float64Array, n: number): FloodTallies {
  return {
    missing: sharedCopy(missing),
    lastNeededS: sharedCopy(lastNeededS),
    lastHeardS: new Float64Array(new SharedArrayBuffer(8 * n)).fill(NaN),
    counters: new Float64Array(new SharedArrayBuffer(8 * 8)),
  };
}

/**
 * {@link runBroadcast} with the packets of the pass flooded on several worker threads:
 * contention off, packets are independent, and every merge (tank bits, missing counts, latest
 * times, counters) does not depend on order, so the result is identical to `runBroadcast`'s —
 * on any number of workers. Worth it for large meshes and images (a utility of a million
 * endpoints); for small ones the threads cost more than they save. With contention on
 * (`radio.contention`), packets share the air and cannot be split: the pass runs on the
 * calling thread, exactly as `runBroadcast` runs it.
 */
export async function runBroadcastParallel(
  network: Network | CompiledMesh,
  spec: BroadcastSpec,
  options: ParallelRunOptions = {},
): Promise<BroadcastResult> {
  const mesh = checkMesh(network);
  const resolved = checkRunOptions(options, PARALLEL_OPTIONS);
  const p = preparePass(mesh, checkSpec(spec), resolved);
  return runPassParallel(p, checkParallelOptions(options));
}

/** The fields of {@link ParallelRunOptions}. */
const PARALLEL_OPTIONS = [...RUN_OPTIONS, 'workers', 'onProgress', 'signal'] as const;

/** How a pass runs on worker threads: resolved. @internal */
export interface ResolvedParallel {
  readonly workers: number;
  readonly onProgress: ((flooded: number, packets: number) => void) | undefined;
  readonly signal: AbortSignal | undefined;
}

/**
 * Checks the worker count, progress callback and signal of parallel options.
 * @internal
 */
export function checkParallelOptions(
  options: Pick<ParallelRunOptions, 'workers' | 'onProgress' | 'signal'>,
  at = 'options',
): ResolvedParallel {
  const { onProgress, signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ValidationError(`${at}.signal`, signal, 'an AbortSignal');
  }
  return {
    workers: checkWorkers(`${at}.workers`, options.workers ?? 'auto', 1),
    onProgress:
      onProgress === undefined
        ? undefined
        : checkFunction<(flooded: number, packets: number) => void>(
            `${at}.onProgress`,
            onProgress,
            '(flooded, packets) => void',
          ),
    signal,
  };
}

/**
 * Runs a prepared pass with its packets flooded on worker threads (see
 * {@link runBroadcastParallel}); with contention on, on this thread.
 * @internal
 */
export async function runPassParallel(p: PreparedPass, options: ResolvedParallel): Promise<BroadcastResult> {
  const { workers, onProgress, signal } = options;
  signal?.throwIfAborted();
  const { spec: s, state } = p;
  if (p.radio.contention !== 'none') {
    const result = runPass(p);
    onProgress?.(s.segments, s.segments);
    return result;
  }
  // Deal packets out one by one (each worker clears its packets' tank bits atomically).
  const shares: number[][] = Array.from({ length: workers }, () => []);
  for (let j = 0; j < s.segments; j++) shares[j % workers]!.push(j);
  const base = {
    offsets: sharedCopy(p.mesh.offsets, false),
    neighbours: sharedCopy(p.mesh.neighbours, false),
    linkSuccess: sharedCopy(p.mesh.linkSuccess, false),
    heldStart: sharedCopy(state.heldStart, false),
    heldTanks: sharedCopy(state.heldTanks, false),
    relays: relayBits(p.forwards, new Int32Array(new SharedArrayBuffer(4 * ((p.mesh.n + 31) >> 5)))),
    tanks: state.tanks,
    stride: state.stride,
    origins: s.origins,
    perOrigin: s.duplicates === 'per-origin',
    maxHops: s.maxHops,
    ttlS: s.ttlS,
    airtimeS: p.radio.airtimeS,
    draws: p.draws,
    queue: p.queue,
    progress: new Int32Array(new SharedArrayBuffer(4)),
  };
  if (!(state.tanks.buffer instanceof SharedArrayBuffer)) throw new Error('tanks must be in shared memory');
  const active = shares.filter((js) => js.length > 0);
  const pool = new WorkerPool(Math.max(1, active.length));
  const tallies = active.map(() => sharedTallies(state.missing, state.lastNeededS, p.mesh.n));
  // The workers stop on the caller's signal, or when a progress report throws (its error is
  // then the reason the pass stopped).
  const stop = new AbortController();
  const report = (): void => {
    try {
      onProgress?.(Atomics.load(base.progress, 0), s.segments);
    } catch (error) {
      if (!stop.signal.aborted) stop.abort(error);
    }
  };
  const timer = onProgress === undefined ? undefined : setInterval(report, 500);
  try {
    const taskSignal = signal === undefined ? stop.signal : AbortSignal.any([signal, stop.signal]);
    // One listener per worker's task on the one signal: more than Node's default of 10 is expected.
    setMaxListeners(active.length + 10, taskSignal);
    await Promise.all(
      active.map((js, w) =>
        pool.run<FloodTask, void>(
          {
            module: import.meta.url,
            fn: 'runFloodTask',
            input: { ...base, js: Int32Array.from(js), out: tallies[w]! },
          },
          taskSignal,
        ),
      ),
    );
  } catch (error) {
    throw stop.signal.aborted ? stop.signal.reason : error;
  } finally {
    clearInterval(timer);
    await pool.destroy();
  }
  report();
  if (stop.signal.aborted) throw stop.signal.reason;
  mergeTallies(state, tallies);
  return finishPass(p);
}
