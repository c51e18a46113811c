import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { WorkerTask } from './pool.js';

/** What a thread of a {@link SyncPool} is started with. @internal */
export interface SyncWorkerData {
  /** Where tasks arrive and replies go back. */
  readonly port: MessagePort;
  /** Shared counter of tasks not finished yet: each thread takes one off and wakes the caller. */
  readonly pending: Int32Array;
}

/** A task's reply from a {@link SyncPool} thread. @internal */
export type SyncReply =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/**
 * Worker threads the calling thread waits for: {@link SyncPool.runAll} gives each thread a task
 * and blocks (`Atomics.wait`) until every one is done, then returns their results — a parallel
 * step inside synchronous code, with no event loop turn. The threads live until
 * {@link SyncPool.close}, so what a task keeps in its thread's workspace (a mesh, its scratch)
 * serves the next task. Like {@link WorkerPool}, a task is a module URL and a function name: the
 * runtime knows no task kind.
 *
 * A task's error (thrown or rejected) comes back as the error of `runAll`. A thread killed from
 * outside (out of memory) cannot tell the caller; every thread the pool starts runs only its
 * task functions, which catch.
 * @internal
 */
export class SyncPool {
  /** Number of threads. */
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly pending = new Int32Array(new SharedArrayBuffer(4));
  private closed = false;

  /** @param threads - number of worker threads (≥ 1) */
  constructor(threads: number) {
    this.threads = threads;
    const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');
    const entry = new URL(fromSource ? './sync-worker-source.mjs' : './sync-worker.js', import.meta.url);
    for (let i = 0; i < threads; i++) {
      const { port1, port2 } = new MessageChannel();
      const data: SyncWorkerData = { port: port2, pending: this.pending };
      const worker = new Worker(entry, { workerData: data, transferList: [port2] });
      // The pool never keeps the process alive; close() stops the threads.
      worker.unref();
      port1.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  /**
   * Runs task i on thread i (at most one task per thread) and waits for all of them.
   * @returns their results, in task order
   * @throws the first failed task's error (after every task has finished)
   */
  runAll<I, R>(tasks: readonly WorkerTask<I>[]): R[] {
    if (this.closed) throw new Error('this pool of worker threads is closed');
    if (tasks.length > this.threads) throw new Error(`${tasks.length} tasks for ${this.threads} threads`);
    Atomics.store(this.pending, 0, tasks.length);
    tasks.forEach((task, i) => this.ports[i]!.postMessage(task));
    for (;;) {
      const left = Atomics.load(this.pending, 0);
      if (left === 0) break;
      Atomics.wait(this.pending, 0, left);
    }
    // Each thread posts its reply before it counts itself done, so every reply is there.
    const replies = tasks.map((_, i) => (receiveMessageOnPort(this.ports[i]!)?.message ?? null) as SyncReply | null);
    const failed = replies.find((r) => r === null || !r.ok);
    if (failed !== undefined) {
      if (failed === null) throw new Error('a worker thread finished a task without a reply');
      if (failed.ok) throw new Error('unreachable');
      throw failed.error instanceof Error ? failed.error : new Error(String(failed.error));
    }
    return replies.map((r) => (r as { value: R }).value);
  }

  /** Stops every thread (at once; they are gone a moment later). Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const port of this.ports) port.close();
    for (const worker of this.workers) void worker.terminate();
  }
}
