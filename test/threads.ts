import dc from 'node:diagnostics_channel';
import type { Worker } from 'node:worker_threads';

/** What `run` returned or threw, and the worker threads it started (Node's `worker_threads` diagnostics channel). */
export interface Started<T> {
  readonly value: T | undefined;
  readonly error: unknown;
  readonly workers: Worker[];
}

/** Runs `run` (synchronously) and lists the worker threads started meanwhile. */
export function startedBy<T>(run: () => T): Started<T> {
  const workers: Worker[] = [];
  const seen = (m: unknown): void => void workers.push((m as { worker: Worker }).worker);
  dc.subscribe('worker_threads', seen);
  try {
    return { value: run(), error: undefined, workers };
  } catch (error) {
    return { value: undefined, error, workers };
  } finally {
    dc.unsubscribe('worker_threads', seen);
  }
}
