import { BroadcastResult } from '../broadcast/result.js';
import { ValidationError } from '../errors.js';
import type { ScenarioResult } from '../scenario/run.js';
import type { GroupOutcome } from '../workflow/grouped.js';

/**
 * What the run reports read: a scenario's run (`runScenario`), the passes of one campaign in
 * order (`runBroadcast` results, each continuing the one before), or passes by group (`{ groups }`:
 * broadcasts one after another on one network, each with its passes — a head-end's day, say).
 */
export type RunInput = Pick<ScenarioResult, 'groups'> | readonly BroadcastResult[];

/**
 * A run's passes by collector group (one group for a run that is not grouped), checked: at least
 * one pass, all on one mesh.
 * @param run - a scenario's result or a campaign's passes
 * @param at - where the run was given, for errors
 * @internal
 */
export function runGroups(run: RunInput, at = 'run'): readonly GroupOutcome[] {
  let groups: readonly GroupOutcome[];
  if (Array.isArray(run)) {
    const passes = run as readonly unknown[];
    passes.forEach((p, i) => {
      if (!(p instanceof BroadcastResult)) throw new ValidationError(`${at}[${i}]`, p, 'a BroadcastResult');
    });
    const first = passes[0] as BroadcastResult | undefined;
    if (first === undefined) throw new ValidationError(at, run, 'at least one pass');
    groups = [{ origins: Array.from(first.spec.origins, (o) => first.mesh.id(o)), passes: run as BroadcastResult[] }];
  } else if (typeof run === 'object' && run !== null && Array.isArray((run as ScenarioResult).groups)) {
    groups = (run as ScenarioResult).groups;
  } else {
    throw new ValidationError(at, run, 'a scenario result (runScenario) or a list of BroadcastResults');
  }
  const mesh = groups[0]?.passes[0]?.mesh;
  groups.forEach((g, i) => {
    if (g.passes.length === 0) throw new ValidationError(`${at}.groups[${i}].passes`, g.passes, 'at least one pass');
    if (g.passes.some((p) => p.mesh !== mesh)) {
      throw new ValidationError(`${at}.groups[${i}].passes`, 'passes on another network', 'passes on one network');
    }
  });
  return groups;
}

/** The latest pass of each group: what the endpoints ended the run with. @internal */
export function lastPasses(groups: readonly GroupOutcome[]): BroadcastResult[] {
  return groups.map((g) => g.passes[g.passes.length - 1]!);
}
