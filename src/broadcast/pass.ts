import { join } from '../check.js';
import { ValidationError } from '../errors.js';
import { derive, type CompiledMesh } from '../network/mesh.js';
import { handoffPath } from '../random/purposes.js';
import { createStream } from '../random/stream.js';
import { checkMemory } from '../runtime/memory.js';
import { VERSION } from '../version.js';
import { handOff } from './handoff.js';
import type { PassDraws, PreparedPass } from './prepared.js';
import type { ResolvedRunOptions } from './options.js';
import { BroadcastResult, type SharedAirStats } from './result.js';
import { MAX_CLOCK_S, resolveMaxHops, type PassSpec, type ResolvedSpec } from './spec.js';
import { carriedState, copyState, freshState, stateBytes } from './state.js';
import { checkCollectors, collectorOf } from './collectors.js';
import { nearbyCollectors, type BroadcastWarning } from './warnings.js';
import { selectTargets, type TargetSelection } from './targets.js';

/**
 * Binds a resolved spec to a mesh and sets up the pass's state: fresh, or continued from
 * `options.previous`. Checks only what needs the network (the origins are its collectors, a
 * continued pass ran on it with the same image); everything else was checked when resolved.
 * @param at - where the spec was given, for errors
 * @internal
 */
export function preparePass(
  mesh: CompiledMesh,
  spec: ResolvedSpec,
  options: ResolvedRunOptions,
  at = 'spec',
): PreparedPass {
  const previous = options.previous;
  if (previous !== null && previous.mesh !== mesh) {
    throw new ValidationError(
      'options.previous',
      'a pass on another network',
      'a pass on this same network (and revision)',
    );
  }
  if (previous !== null && previous.spec.packets !== spec.packets) {
    throw new ValidationError(
      join(at, 'packets'),
      spec.packets,
      `the image size of the pass continued (${previous.spec.packets} packets)`,
    );
  }
  checkCollectors(spec, collectorOf(mesh), at);
  const origins = bindOrigins(mesh, spec.origins);
  const startS = spec.startS ?? (previous === null ? 0 : previous.endS);
  const maxHops = resolveMaxHops(
    spec,
    Array.from(origins, (o) => mesh.maxLayer.get(mesh.id(o)) ?? 0),
    at,
  );
  // The whole pass must run on the clock's range: its last packet sent and expired within it.
  const lastS = startS + (spec.segments - 1) * spec.spacingS + (spec.ttlS === Infinity ? 0 : spec.ttlS);
  if (!(Math.abs(startS) <= MAX_CLOCK_S && lastS <= MAX_CLOCK_S)) {
    throw new ValidationError(
      join(at, spec.startS === null ? 'spacingS' : 'startS'),
      spec.startS ?? spec.spacingS,
      `a pass whose packets are sent and expire by ${MAX_CLOCK_S} s on the clock ` +
        `(this one: first packet at ${startS.toPrecision(3)} s, last expiring at ${lastS.toPrecision(3)} s)`,
    );
  }
  const bound: PassSpec = { ...spec, origins, startS, maxHops };
  const pass = previous === null ? 0 : previous.meta.pass + 1;
  const selection = selectTargets(mesh, spec.targets);
  // A continued pass of the same targets keeps its predecessor's tanks: a repeat broadcast fills
  // the gaps. Other targets start from the tanks of those that were targets before.
  const same = previous !== null && previous.state.targetNodes === selection.targetNodes;
  if (!same) {
    const tanks = selection.targetNodes.length;
    checkMemory(
      join(at, 'packets'),
      spec.packets,
      stateBytes(mesh.n, tanks, spec.packets),
      `${tanks.toLocaleString('en-US')} tanks of ${spec.packets.toLocaleString('en-US')} packets`,
    );
  }
  const state =
    previous === null
      ? freshState(mesh, selection, spec.packets)
      : same
        ? copyState(previous.state)
        : carriedState(mesh, selection, spec.packets, previous.state);
  // Which nodes forward in this pass: every mesh relay except collectors not selected.
  const forwards = mesh.relays.slice();
  for (const c of mesh.collectors) forwards[c] = 0;
  for (const o of origins) forwards[o] = 1;
  const { seed, replication, radio, traffic, handoff, queue } = options;
  const draws: PassDraws = {
    seed,
    replication,
    pass,
    delay: radio.delay,
    startS,
    spacingS: spec.spacingS,
    firstSegment: spec.firstSegment,
  };
  return { mesh, spec: bound, radio, traffic, handoff, queue, state, forwards, draws };
}

/**
 * Checks what a resolved spec asks of a mesh — its origins are collectors of it, its filter's
 * collectors too — and returns the origins' indices and the target selection (kept with the
 * mesh, so a pass prepared later finds it made).
 * @param at - where the spec was given, for errors
 * @internal
 */
export function bindSpec(
  mesh: CompiledMesh,
  spec: ResolvedSpec,
  at: string,
): { readonly origins: Int32Array; readonly selection: TargetSelection } {
  checkCollectors(spec, collectorOf(mesh), at);
  return { origins: bindOrigins(mesh, spec.origins), selection: selectTargets(mesh, spec.targets) };
}

/** Origin collector indices of the ids given (or of every collector). */
function bindOrigins(mesh: CompiledMesh, origins: ResolvedSpec['origins']): Int32Array {
  return origins === 'all' ? mesh.collectors.slice() : Int32Array.from(origins, (id) => mesh.index(id));
}

/**
 * Ends a pass: hands completed images from electric parents to their gas / water modules, then
 * makes the result.
 * @param air - what the shared air did, with contention on
 * @param nodeAirtimeS - seconds each node transmitted, with contention on
 * @param reportsHeardS - when each tank's completion report reached its collector, with report traffic
 * @internal
 */
export function finishPass(
  p: PreparedPass,
  air: SharedAirStats | null = null,
  nodeAirtimeS: Float64Array | null = null,
  warnings: readonly BroadcastWarning[] = [],
  reportsHeardS: Float64Array | null = null,
): BroadcastResult {
  const { mesh, spec, state, draws } = p;
  const { seed, replication, pass } = draws;
  // Targets complete when their holder's tank completes — at once for mesh endpoints (see
  // targetCompletionS), after a hand-off for gas / water modules.
  let handoffAttempts = 0;
  let handoffFailures = 0;
  const { targetNodes, holderOfTarget, missing, lastNeededS, handoffCompletedS } = state;
  for (let t = 0; t < handoffCompletedS.length; t++) {
    const v = targetNodes[t]!;
    if (holderOfTarget[t] === v || !Number.isNaN(handoffCompletedS[t]!)) continue;
    if (missing[t] !== 0) continue; // the parent does not hold the child's whole image yet
    const tankDone = lastNeededS[t]!; // a complete tank's last needed packet completed it
    const rng = createStream(seed, ...handoffPath(replication, pass, v));
    const result = handOff(p.handoff, Math.max(tankDone, spec.startS), rng);
    handoffAttempts += result.attempts;
    if (Number.isNaN(result.completedS)) handoffFailures++;
    else handoffCompletedS[t] = result.completedS;
  }
  const reachable = reachableFrom(mesh, spec.origins, p.forwards);
  return new BroadcastResult(
    mesh,
    spec,
    { seed, replication, pass, version: VERSION, contention: p.radio.contention === 'none' ? 'none' : 'csma' },
    { ...state, handoffAttempts, handoffFailures },
    reachable,
    air,
    nodeAirtimeS,
    [...nearbyCollectors(mesh, spec.origins), ...warnings],
    reportsHeardS,
  );
}

/**
 * Nodes a packet could reach at all (no loss, hop or TTL limit) from the origins: derived once
 * per mesh and origin set, as it depends on nothing else.
 */
function reachableFrom(mesh: CompiledMesh, origins: Int32Array, forwards: Uint8Array): Uint8Array {
  return derive(mesh, `broadcast/reachable/${origins.join(',')}`, () => searchReachable(mesh, origins, forwards));
}

function searchReachable(mesh: CompiledMesh, origins: Int32Array, forwards: Uint8Array): Uint8Array {
  const seen = new Uint8Array(mesh.n);
  const queue = new Int32Array(mesh.n);
  let head = 0;
  let tail = 0;
  for (const o of origins) {
    seen[o] = 1;
    queue[tail++] = o;
  }
  while (head < tail) {
    const v = queue[head++]!;
    if (forwards[v] === 0) continue;
    for (let e = mesh.offsets[v]!; e < mesh.offsets[v + 1]!; e++) {
      const u = mesh.neighbours[e]!;
      if (seen[u] === 0 && mesh.linkSuccess[e]! > 0) {
        seen[u] = 1;
        queue[tail++] = u;
      }
    }
  }
  return seen;
}
