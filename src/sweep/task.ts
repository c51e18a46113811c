import { ValidationError } from '../errors.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { Network } from '../network/network.js';
import { cellPath } from '../random/purposes.js';
import { deriveSeed, type Seed } from '../random/stream.js';
import type { Workspace } from '../runtime/pool.js';
import { bindScenario } from '../scenario/load.js';
import { buildMesh, type ReadText } from '../scenario/network.js';
import { runScenario } from '../scenario/run.js';
import type { ResolvedNetworkSection, ResolvedScenario } from '../scenario/scenario.js';
import { canonicalJSON } from './grid.js';
import type { SweepFile } from './plan.js';
import { toRecord, type SweepRecord } from './record.js';

/** What a worker (or the main thread) needs to run one (cell, replication). @internal */
export interface SweepTask {
  /** The cell's scenario, resolved (plain data: it crosses to worker threads as it is). */
  readonly scenario: ResolvedScenario;
  readonly params: Readonly<Record<string, unknown>>;
  readonly cell: number;
  readonly cellKey: string;
  readonly replication: number;
  readonly rootSeed: Seed;
  readonly sweepId: string;
  /** The network files the sweep read, by path (in shared memory: not copied per task). */
  readonly files: ReadonlyMap<string, SweepFile>;
}

/**
 * Networks built by this thread, by their section's JSON. Only a cache: a cell's result does
 * not depend on whether its network came from here (networks are deterministic in their
 * options), so keeping it per thread changes nothing but speed. Two entries: sweeps over
 * network options move from one network to the next.
 */
class NetworkCache {
  private readonly entries: { key: string; network: Network | CompiledMesh }[] = [];

  /** The network (or, where its generator builds one directly, the compiled mesh) of a section, built once. */
  get(section: ResolvedNetworkSection, readText: ReadText): Network | CompiledMesh {
    const key = canonicalJSON(section);
    const hit = this.entries.find((e) => e.key === key);
    if (hit !== undefined) return hit.network;
    const network = buildMesh(section, readText);
    this.entries.unshift({ key, network });
    if (this.entries.length > 2) this.entries.pop();
    return network;
  }
}

/** Reads the network files a sweep read before it started (never the disk). */
const readerOf =
  (files: ReadonlyMap<string, SweepFile>): ReadText =>
  (p) => {
    const file = files.get(p);
    if (file === undefined) throw new Error(`${p} was not read when the sweep started`);
    return Buffer.from(file.bytes).toString('utf8');
  };

/** The seed of a cell: from the root seed and the cell's parameters, never its position. */
export function cellSeed(rootSeed: Seed, cellKey: string): string {
  return deriveSeed(rootSeed, ...cellPath(cellKey));
}

/** This module, whose {@link runSweepTask} worker threads run. @internal */
export const SWEEP_TASK_MODULE = import.meta.url;

/**
 * A task's input refused where it ran: a worker thread's errors reach the caller as plain
 * errors, so a refusal comes back as data and is thrown again, whole, on the calling thread.
 * @internal
 */
export interface TaskRefusal {
  readonly refused: { readonly path: string; readonly value: unknown; readonly allowed: string };
}

/** Runs one task on a worker thread: its record, or its refusal as data (see {@link TaskRefusal}). @internal */
export function runSweepTaskInWorker(task: SweepTask, workspace: Workspace): SweepRecord | TaskRefusal {
  try {
    return runSweepTask(task, workspace);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    let value: unknown;
    try {
      value = structuredClone(e.value);
    } catch {
      value = String(e.value);
    }
    return { refused: { path: e.path, value, allowed: e.allowed } };
  }
}

/** Runs one (cell, replication), on a worker thread or the calling one. @internal */
export function runSweepTask(task: SweepTask, workspace: Workspace): SweepRecord {
  let cache = workspace.get('sweep/networks') as NetworkCache | undefined;
  if (cache === undefined) workspace.set('sweep/networks', (cache = new NetworkCache()));
  const readText = readerOf(task.files);
  const built = cache.get(task.scenario.network, readText);
  const loaded = bindScenario(task.scenario, built, readText);
  const seed = cellSeed(task.rootSeed, task.cellKey);
  const result = runScenario(loaded, seed, task.replication);
  return toRecord(result, {
    sweepId: task.sweepId,
    cell: task.cell,
    params: task.params,
    replication: task.replication,
    seed,
  });
}
