import type { BroadcastResult } from '../broadcast/result.js';
import type { ResolvedRunOptions } from '../broadcast/options.js';
import { runPassParallel, type ResolvedParallel } from '../broadcast/parallel.js';
import { preparePass } from '../broadcast/pass.js';
import { runPass, runTogether } from '../broadcast/run.js';
import type { ResolvedSpec } from '../broadcast/spec.js';
import type { CompiledMesh } from '../network/mesh.js';

/**
 * A broadcast repeated until a coverage goal: the first pass (possibly sharing the air with
 * concurrent broadcasts), then repeat passes that fill only the gaps — the head-end operator's
 * "repeat broadcasts until a manageable remainder is left".
 */
export interface RepeatPlan {
  /** The mesh it runs on. */
  readonly mesh: CompiledMesh;
  /** The broadcast, resolved. */
  readonly spec: ResolvedSpec;
  /** Broadcasts run at the same time as the first pass (empty when none). */
  readonly concurrent: readonly ResolvedSpec[];
  /** Seed, replication, radio, hand-off and queue (no `previous`). */
  readonly options: ResolvedRunOptions;
  /** Passes to run at most. */
  readonly passes: number;
  /** Stop once coverage reaches this share. */
  readonly stopAtCoverage: number;
}

/** What a repeated broadcast did: its passes in order, and the concurrent broadcasts' results. */
export interface RepeatOutcome {
  /** Results of the passes run (at least one). */
  readonly passes: readonly BroadcastResult[];
  /** Results of the concurrent broadcasts (run with the first pass; empty when none). */
  readonly concurrent: readonly BroadcastResult[];
}

/** The spec of a repeat pass: the broadcast again, starting when the pass before has died out. */
function repeatSpec(spec: ResolvedSpec): ResolvedSpec {
  return { ...spec, startS: null };
}

/** Whether another pass runs after these. */
function more(plan: RepeatPlan, passes: readonly BroadcastResult[]): boolean {
  return passes.length < plan.passes && passes[passes.length - 1]!.coverage < plan.stopAtCoverage;
}

/**
 * Progress of a run on the calling thread: the pass running (1 for the first of a campaign),
 * packets flooded so far, and the packets of that pass; called after each packet is flooded.
 */
export type PassProgress = (pass: number, flooded: number, packets: number) => void;

/** The per-packet callback of pass number `pass`, or undefined without progress. */
export function packetProgress(
  onProgress: PassProgress | undefined,
  pass: number,
  packets: number,
): (() => void) | undefined {
  if (onProgress === undefined) return undefined;
  let flooded = 0;
  return () => onProgress(pass, ++flooded, packets);
}

/**
 * Runs a repeated broadcast on this thread.
 * @param at - where the broadcast and concurrent specs were given, for errors
 * @param onProgress - progress of each pass flooded without contention
 * @param passesBefore - passes run before this broadcast (earlier collector groups), for numbering progress
 */
export function runRepeated(
  plan: RepeatPlan,
  at = { broadcast: 'broadcast', concurrent: 'concurrent' },
  onProgress?: PassProgress,
  passesBefore = 0,
): RepeatOutcome {
  const { mesh, options } = plan;
  const run = (spec: ResolvedSpec, previous: BroadcastResult | null, pass: number): BroadcastResult => {
    const p = preparePass(mesh, spec, previous === null ? options : { ...options, previous }, at.broadcast);
    return runPass(p, packetProgress(onProgress, passesBefore + pass, p.spec.segments));
  };
  const [first, ...concurrent] =
    plan.concurrent.length === 0
      ? [run(plan.spec, null, 1)]
      : runTogether(mesh, [plan.spec, ...plan.concurrent], options, (i) =>
          i === 0 ? at.broadcast : `${at.concurrent}[${i - 1}]`,
        );
  const passes = [first!];
  const again = repeatSpec(plan.spec);
  while (more(plan, passes)) passes.push(run(again, passes[passes.length - 1]!, passes.length + 1));
  return { passes, concurrent };
}

/**
 * {@link runRepeated} with each pass's packets flooded on worker threads: the same outcome. A
 * first pass that shares the air with concurrent broadcasts runs on the calling thread.
 * @param progress - the parallel options of each pass, by its number (1 for the first)
 */
export async function runRepeatedParallel(
  plan: RepeatPlan,
  progress: (pass: number) => ResolvedParallel,
  at = { broadcast: 'broadcast', concurrent: 'concurrent' },
): Promise<RepeatOutcome> {
  const { mesh, options } = plan;
  const [first, ...concurrent] =
    plan.concurrent.length === 0
      ? [await runPassParallel(preparePass(mesh, plan.spec, options, at.broadcast), progress(1))]
      : runTogether(mesh, [plan.spec, ...plan.concurrent], options, (i) =>
          i === 0 ? at.broadcast : `${at.concurrent}[${i - 1}]`,
        );
  const passes = [first!];
  const again = repeatSpec(plan.spec);
  while (more(plan, passes)) {
    const previous = passes[passes.length - 1]!;
    const p = preparePass(mesh, again, { ...options, previous }, at.broadcast);
    passes.push(await runPassParallel(p, progress(passes.length + 1)));
  }
  return { passes, concurrent };
}
