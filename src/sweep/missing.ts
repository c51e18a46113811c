/** A task of a sweep: one replication of one cell. */
export interface SweepTaskId {
  /** Cell index in grid order. */
  readonly cell: number;
  /** Replication index. */
  readonly replication: number;
}

/**
 * The shard that computes a task: tasks are numbered cell by cell, replication by replication
 * (t = cell × replications + replication), and task t goes to shard t mod count, as `sweep()`
 * deals them.
 * @param task - the task
 * @param replications - replications per cell
 * @param count - the shard count
 */
export function shardOfTask(task: SweepTaskId, replications: number, count: number): number {
  return (task.cell * replications + task.replication) % count;
}

/**
 * The tasks of a sweep of `cells` × `replications` that no record holds, in task order.
 * @param cells - cells of the grid
 * @param replications - replications per cell
 * @param done - the records (or any tasks) at hand; tasks outside the sweep are ignored
 */
export function missingTasks(cells: number, replications: number, done: Iterable<SweepTaskId>): SweepTaskId[] {
  const have = new Uint8Array(cells * replications);
  for (const t of done) {
    // A task outside the sweep must not stand in for another one.
    if (t.cell < cells && t.replication < replications) have[t.cell * replications + t.replication] = 1;
  }
  const missing: SweepTaskId[] = [];
  for (let t = 0; t < have.length; t++) {
    if (have[t] === 0) missing.push({ cell: Math.floor(t / replications), replication: t % replications });
  }
  return missing;
}
