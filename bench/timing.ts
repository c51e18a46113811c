/**
 * Timing for meshcast's benchmarks: tasks timed alternately, one run of each per round, the
 * order reversed every round, the minimum kept. On a shared, noisy machine a slow phase then
 * hits every task alike, and the minimum is each task's least disturbed run; ratios of minima
 * taken in one process are what the benchmarks compare (bench/RESULTS.md).
 * @module
 */

/**
 * Minimum milliseconds of each task over `rounds` alternating rounds (one warm-up run of each
 * first). Tasks may be async.
 * @param rounds - rounds (each runs every task once)
 * @param tasks - the tasks, by name
 */
export async function alternating(
  rounds: number,
  tasks: readonly (readonly [name: string, run: () => unknown])[],
): Promise<number[]> {
  for (const [, run] of tasks) await run();
  const best = tasks.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? tasks.map((_, i) => i) : tasks.map((_, i) => tasks.length - 1 - i);
    for (const i of order) {
      const run = tasks[i]![1];
      const t0 = performance.now();
      await run();
      best[i] = Math.min(best[i]!, performance.now() - t0);
    }
  }
  return best;
}
