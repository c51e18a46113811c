import { tracePass, type TraceState } from '../broadcast/trace.js';
import type { ScenarioResult } from '../scenario/run.js';

/**
 * A scenario's run followed copy by copy, as NDJSON lines (`tracePass` for each of its passes,
 * each group's passes continuing one another): one line per event,
 * `{"group":1,"pass":1,"t":70.2,"from":"C1","to":"M17","packet":3,"hops":2,"outcome":"first"}` —
 * `pass` counts the group's passes from 1, `from` is null for the head-end's injection at an
 * origin, `to` null for a node stopped at Maximum Hops, `packet` null for a hand-off, and
 * `message` names the origin whose copy it is when each collector sends its own
 * (`duplicates: 'per-origin'`). Outcomes are those of `TraceOutcome`. For networks of at most
 * `TRACE_MAX_DEVICES` devices, contention off; concurrent broadcasts are not traced.
 * @param result - what `runScenario` returned (the trace runs the same passes again, slowly)
 * @param onLine - called with each line (no line break)
 * @returns the number of lines
 */
export function traceScenario(result: ScenarioResult, onLine: (line: string) => void): number {
  let lines = 0;
  traceStates(result, (line) => {
    lines++;
    onLine(line);
  });
  return lines;
}

/**
 * {@link traceScenario}, returning the tanks each traced pass ended with, in the order of
 * `result.passes` (what tests compare with the fast path's).
 * @internal
 */
export function traceStates(result: ScenarioResult, onLine: (line: string) => void): TraceState[] {
  const { radio, handoff } = result.loaded.resolved;
  const states: TraceState[] = [];
  result.groups.forEach((g, gi) => {
    let previous: TraceState | null = null;
    g.passes.forEach((r, pi) => {
      const mesh = r.mesh;
      const id = (v: number): string | null => (v < 0 ? null : mesh.id(v));
      const origins = Array.from(r.spec.origins, (o) => mesh.id(o));
      const perOrigin = r.spec.duplicates === 'per-origin' && origins.length > 1;
      previous = tracePass(
        {
          mesh,
          spec: r.spec,
          seed: r.meta.seed,
          replication: r.meta.replication,
          pass: r.meta.pass,
          radio,
          handoff,
          previous,
        },
        (e) =>
          onLine(
            JSON.stringify({
              group: gi + 1,
              pass: pi + 1,
              t: e.t,
              from: id(e.from),
              to: id(e.to),
              packet: e.packet < 0 ? null : e.packet,
              hops: e.hops,
              outcome: e.outcome,
              ...(perOrigin && e.packet >= 0 ? { message: origins[e.message] } : {}),
            }),
          ),
      );
      states.push(previous);
    });
  });
  return states;
}
