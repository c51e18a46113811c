/**
 * Worker-thread entry of the sweep pool: runs tasks, keeping the networks it built for the
 * next tasks of the same cells.
 * @internal
 */
import { NetworkCache, runTask, type SweepTask } from './task.js';
import type { SweepRecord } from './record.js';

const cache = new NetworkCache();

export default function run(task: SweepTask): SweepRecord {
  return runTask(task, cache);
}
