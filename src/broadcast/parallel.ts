import { availableParallelism } from 'node:os';
import { WorkerPool } from '../runtime/pool.js';
import { createQueue } from '../engine/simulator.js';
import type { QueueKind } from '../engine/queue.js';
import { checkObject } from '../check.js';
import { ValidationError } from '../errors.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { Network } from '../network/network.js';
import { delayMaxS, delayMinS } from '../random/distributions.js';
import { floodScratch, relayBits, takerRows, type FloodState } from './flood.js';
import type { BroadcastResult } from './result.js';
import {
  finishPass,
  floodSegments,
  preparePass,
  RUN_OPTIONS,
  runContendedPass,
  sharedCopy,
  type PassDraws,
  type RunOptions,
} from './run.js';
import type { BroadcastSpec } from './spec.js';

/** Options of {@link runBroadcastParallel}: those of `runBroadcast`, the worker count, progress and cancellation. */
export interface ParallelRunOptions extends RunOptions {
  /** Worker threads flooding packets. @defaultValue 'auto' (one per core) */
  readonly workers?: number | 'auto';
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
  readonly rowOf: Int32Array;
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
 * A worker's partial tallies, in shared memory: missing counts and latest needed arrivals per
 * row (starting from the pass's), last-heard times per node (starting NaN), counters (from 0).
 * @internal
 */
export interface FloodTallies {
  readonly missing: Int32Array;
  readonly lastNeededS: Float64Array;
  readonly lastHeardS: Float64Array;
  readonly counters: Float64Array;
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
    rowOf: t.rowOf,
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

/** A worker's tallies before its floods, in shared memory: the pass's missing counts and latest needed arrivals, nothing heard, no counts. */
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
  checkObject('options', options, [...RUN_OPTIONS, 'workers', 'onProgress', 'signal'], 'run options');
  const p = preparePass(network, spec, options);
  const workers =
    options.workers === undefined || options.workers === 'auto' ? availableParallelism() : options.workers;
  if (!Number.isInteger(workers) || workers < 1 || workers > 1024)
    throw new ValidationError('options.workers', options.workers, "'auto' or an integer >= 1");
  const { onProgress, signal } = options;
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw new ValidationError('options.onProgress', onProgress, 'a function (flooded, packets) => void');
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new ValidationError('options.signal', signal, 'an AbortSignal');
  signal?.throwIfAborted();
  const { s, state } = p;
  if (p.radio.contention !== 'none') {
    const result = runContendedPass(p);
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
    rowOf: takerRows(state.holderRow, state.accepts, new Int32Array(new SharedArrayBuffer(4 * p.mesh.n))),
    relays: relayBits(p.forwards, new Int32Array(new SharedArrayBuffer(4 * ((p.mesh.n + 31) >> 5)))),
    tanks: state.tanks,
    stride: state.stride,
    origins: s.origins,
    perOrigin: s.duplicates === 'per-origin',
    maxHops: s.maxHops,
    ttlS: s.ttlS,
    airtimeS: p.radio.airtimeS,
    draws: p.draws,
    queue: options.queue ?? 'ladder',
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
  // Merge: missing counts fall by what each worker delivered; times take the latest.
  const before = state.missing.slice();
  for (const r of tallies) {
    for (let row = 0; row < before.length; row++) state.missing[row]! -= before[row]! - r.missing[row]!;
    for (let row = 0; row < before.length; row++)
      if (r.lastNeededS[row]! > state.lastNeededS[row]!) state.lastNeededS[row] = r.lastNeededS[row]!;
    for (let v = 0; v < r.lastHeardS.length; v++) {
      const heard = r.lastHeardS[v]!; // NaN: this worker's packets never reached v
      if (heard === heard && !(state.lastHeardS[v]! >= heard)) state.lastHeardS[v] = heard;
    }
    for (let c = 0; c < r.counters.length; c++) state.counters[c]! += r.counters[c]!;
  }
  return finishPass(p);
}
