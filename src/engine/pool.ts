import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';

/**
 * A pool of worker threads running meshcast's worker entry (`src/worker.ts`), which serves
 * every kind of parallel task (sweep runs, packet floods). From the built package the entry is
 * JavaScript; from the TypeScript sources (the test suite) a small shim registers tsx in each
 * worker first. Both are worker threads, so shared memory works in both.
 * @param threads - number of worker threads
 * @internal
 */
export function createWorkerPool(threads: number): Tinypool {
  const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');
  const entry = new URL(fromSource ? '../worker-source.mjs' : '../worker.js', import.meta.url);
  return new Tinypool({ filename: entry.href, runtime: 'worker_threads', minThreads: threads, maxThreads: threads });
}
