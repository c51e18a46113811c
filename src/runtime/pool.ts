import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';

/**
 * A task for a worker thread: a function exported by a module, and its input (structured-cloned
 * to the worker, or in shared memory). The module is named by its URL, given by the module that
 * defines the task (`import.meta.url`), so the runtime knows no task kind and imports nothing
 * above it: a task is data, and the module that defines it owns it.
 * @internal
 */
export interface WorkerTask<I> {
  /** URL of the module exporting the task's function. */
  readonly module: string;
  /** Name of the exported function: `(input, workspace) => result`. */
  readonly fn: string;
  /** The function's input. */
  readonly input: I;
}

/**
 * What a worker thread keeps for the tasks it runs, as long as the thread lives: each task
 * function may keep its own reusable state here under a key of its own (a sweep keeps the
 * networks it built). Only a cache: a task's result never depends on what is in it.
 * @internal
 */
export type Workspace = Map<string, unknown>;

/**
 * A pool of worker threads, each running the generic entry (`runtime/worker.ts`) that imports
 * a task's module and calls its function. From the built package the entry is JavaScript; from
 * the TypeScript sources (the test suite) a small shim registers tsx in each worker first. Both
 * are worker threads, so shared memory works in both.
 * @internal
 */
export class WorkerPool {
  private readonly pool: Tinypool;

  /** @param threads - number of worker threads */
  constructor(threads: number) {
    const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');
    const entry = new URL(fromSource ? './worker-source.mjs' : './worker.js', import.meta.url);
    this.pool = new Tinypool({
      filename: entry.href,
      runtime: 'worker_threads',
      minThreads: threads,
      maxThreads: threads,
    });
  }

  /**
   * Runs a task on a free worker.
   * @param task - the module, function and input
   * @param signal - aborts the task (its worker is stopped)
   */
  run<I, R>(task: WorkerTask<I>, signal?: AbortSignal): Promise<R> {
    return this.pool.run(task, signal === undefined ? {} : { signal }) as Promise<R>;
  }

  /** Stops every worker. */
  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}
