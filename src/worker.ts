/**
 * The entry of meshcast's worker threads: one module serving every parallel task kind, so one
 * pool mechanism serves sweeps and packet floods. Its network cache only saves time; results
 * never depend on which worker ran what.
 * @internal
 */
import { runFloodTask, type FloodTask } from './broadcast/parallel.js';
import type { SweepRecord } from './sweep/record.js';
import { NetworkCache, runTask, type SweepTask } from './sweep/task.js';

const cache = new NetworkCache();

/** A task for a meshcast worker. */
export type WorkerTask =
  { readonly kind: 'sweep'; readonly task: SweepTask } | { readonly kind: 'flood'; readonly task: FloodTask };

/**
 * Runs one task: a sweep run returns its record; a flood task leaves its tallies in the shared
 * memory it was given and returns null.
 */
export default function run(message: WorkerTask): SweepRecord | null {
  if (message.kind === 'sweep') return runTask(message.task, cache);
  runFloodTask(message.task); // its tallies are in the task's shared memory
  return null;
}
