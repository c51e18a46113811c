/**
 * The entry of the threads of a `SyncPool`: each task that arrives names a module and a
 * function; the thread imports the one, calls the other with the task's input and its
 * workspace, posts the result (or the error) back, then counts the task done and wakes the
 * waiting caller. Nothing a task does can leave the caller waiting: every failure is a reply.
 * @internal
 * @module
 */
import { workerData } from 'node:worker_threads';
import type { WorkerTask, Workspace } from './pool.js';
import type { SyncReply, SyncWorkerData } from './sync-pool.js';

const { port, pending } = workerData as SyncWorkerData;
// The thread's own workspace: one per worker thread, handed to every task it runs.
const workspace: Workspace = new Map();

port.on('message', (task: WorkerTask<unknown>) => {
  void run(task).then((reply) => {
    try {
      port.postMessage(reply);
    } catch (error) {
      port.postMessage({ ok: false, error: new Error(`a task's reply could not be sent: ${String(error)}`) });
    }
    // The reply is posted before the count falls: the caller reads it as soon as it wakes.
    Atomics.sub(pending, 0, 1);
    Atomics.notify(pending, 0);
  });
});

async function run(task: WorkerTask<unknown>): Promise<SyncReply> {
  try {
    const module = (await import(task.module)) as Record<string, unknown>;
    const fn = module[task.fn];
    if (typeof fn !== 'function') throw new Error(`${task.module} exports no function ${task.fn}`);
    return { ok: true, value: await (fn as (input: unknown, workspace: Workspace) => unknown)(task.input, workspace) };
  } catch (error) {
    return { ok: false, error };
  }
}
