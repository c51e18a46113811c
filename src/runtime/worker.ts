/**
 * The entry of meshcast's worker threads: imports the module a task names and calls the
 * function it names with the task's input and the thread's workspace. It knows no task kind, so
 * any layer can define tasks without the runtime importing it.
 * @internal
 * @module
 */
import type { WorkerTask, Workspace } from './pool.js';

// The thread's own workspace: one per worker thread, handed to every task it runs.
const workspace: Workspace = new Map();

/** Runs one task; its result goes back to the caller. */
export default async function run(task: WorkerTask<unknown>): Promise<unknown> {
  const module = (await import(task.module)) as Record<string, unknown>;
  const fn = module[task.fn];
  if (typeof fn !== 'function') throw new Error(`${task.module} exports no function ${task.fn}`);
  return (fn as (input: unknown, workspace: Workspace) => unknown)(task.input, workspace);
}
