import type { BroadcastResult } from '../broadcast/result.js';
import type { ResolvedSpec } from '../broadcast/spec.js';
import type { ResolvedTargets } from '../broadcast/targets.js';
import { ValidationError } from '../errors.js';
import { groupPath } from '../random/purposes.js';
import { deriveSeed } from '../random/stream.js';
import { collectorGroups } from './groups.js';
import { runRepeated, type PassProgress, type RepeatPlan } from './repeat.js';

/** How a broadcast's collectors are split into groups that broadcast one after another. */
export type Grouping = 'two-mile' | readonly (readonly string[])[];

/** One group's broadcast: its collectors and its passes. */
export interface GroupOutcome {
  /** The group's collectors. */
  readonly origins: readonly string[];
  /** Its passes, in order (at least one). */
  readonly passes: readonly BroadcastResult[];
}

/**
 * The collectors of each group of a grouped broadcast: none within 2 miles of another
 * (`'two-mile'`, see {@link collectorGroups}), or the groups given.
 */
export function groupsOf(plan: RepeatPlan, grouping: Grouping): string[][] {
  const { mesh } = plan;
  if (plan.concurrent.length > 0) {
    throw new ValidationError('concurrent', plan.concurrent.length, 'no concurrent broadcasts in a grouped broadcast');
  }
  const all = plan.spec.origins === 'all' ? Array.from(mesh.collectors, (c) => mesh.id(c)) : plan.spec.origins;
  return grouping === 'two-mile'
    ? collectorGroups(
        mesh,
        Int32Array.from(all, (id) => mesh.index(id)),
      ).map((g) => Array.from(g, (c) => mesh.id(c)))
    : grouping.map((g) => [...g]);
}

/**
 * The plan of group g of a grouped broadcast: the broadcast from the group's collectors to the
 * endpoints registered to them, starting at `startS` (null: as the broadcast does). Group g > 0
 * draws from streams of its own; group 0 draws as the broadcast alone would.
 */
export function groupPlan(plan: RepeatPlan, origins: readonly string[], g: number, startS: number | null): RepeatPlan {
  const spec: ResolvedSpec = { ...plan.spec, origins, startS, targets: restrict(plan.spec.targets, origins) };
  const seed = g === 0 ? plan.options.seed : deriveSeed(plan.options.seed, ...groupPath(g));
  return { ...plan, spec, options: { ...plan.options, seed } };
}

/**
 * The broadcast as the guide runs it over many collectors: in groups of collectors none within
 * 2 miles of another (or the groups given), one group after another, each group's broadcast
 * repeated until the coverage goal for the endpoints registered to its collectors, the next
 * group starting when the last pass of the one before has died out.
 * @param onProgress - progress of each pass flooded without contention, passes numbered over the groups
 */
export function runGrouped(plan: RepeatPlan, grouping: Grouping, onProgress?: PassProgress): GroupOutcome[] {
  const outcomes: GroupOutcome[] = [];
  let startS = plan.spec.startS;
  let passesBefore = 0;
  groupsOf(plan, grouping).forEach((origins, g) => {
    const { passes } = runRepeated(groupPlan(plan, origins, g, startS), undefined, onProgress, passesBefore);
    passesBefore += passes.length;
    outcomes.push({ origins, passes });
    startS = passes[passes.length - 1]!.endS;
  });
  return outcomes;
}

/** A group's targets: the filter's, registered to the group's collectors. */
function restrict(targets: ResolvedTargets, origins: readonly string[]): ResolvedTargets {
  if (targets.kind !== 'filter') {
    throw new ValidationError(
      'broadcast.targets',
      'a predicate',
      'a filter (a grouped broadcast restricts it to each group)',
    );
  }
  const mine = targets.collectors === null ? origins : origins.filter((o) => targets.collectors!.has(o));
  return { ...targets, collectors: new Set(mine), key: `${targets.key} registered to ${mine.join(',')}` };
}
