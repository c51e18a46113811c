import { checkMesh } from '../network/compile.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { Network } from '../network/network.js';
import { passPath, sharedAirPath } from '../random/purposes.js';
import { ValidationError } from '../errors.js';
import { runContended } from './contention.js';
import { checkRunOptions, RUN_OPTIONS, type ResolvedRunOptions, type RunOptions } from './options.js';
import { floodPass } from './packets.js';
import { finishPass, preparePass } from './pass.js';
import type { PreparedPass } from './prepared.js';
import { PARALLEL_BROADCASTS } from './warnings.js';
import type { BroadcastResult } from './result.js';
import { checkSpec, type BroadcastSpec, type ResolvedSpec } from './spec.js';

/**
 * Runs one broadcast pass and returns its result.
 *
 * @param network - the network, or a mesh already compiled from it
 * @param spec - what the head-end sends: origins, image size, pacing, Maximum Hops / TTL, targets
 * @param options - seed, radio model, hand-off model, and the pass to continue from
 * @example
 * ```ts
 * const net = generators.line({ meters: 5, success: 0.9 });
 * const spec = { origins: ['C1'], packets: 24, maxHops: 6, ttlS: 60 };
 * const pass1 = runBroadcast(net, spec, { seed: 1 });
 * const pass2 = runBroadcast(net, spec, { seed: 1, previous: pass1 });
 * pass2.coverage >= pass1.coverage; // true
 * ```
 */
export function runBroadcast(
  network: Network | CompiledMesh,
  spec: BroadcastSpec,
  options: RunOptions = {},
): BroadcastResult {
  const mesh = checkMesh(network);
  const resolved = checkRunOptions(options);
  return runPass(preparePass(mesh, checkSpec(spec), resolved));
}

/**
 * Runs a prepared pass on this thread: its packets flooded one after another (contention off),
 * or together on the shared air (contention on).
 * @param flooded - called after each packet is flooded (contention off; progress of a long pass)
 * @internal
 */
export function runPass(p: PreparedPass, flooded?: () => void): BroadcastResult {
  if (p.radio.contention === 'none') {
    floodPass(p, flooded);
    return finishPass(p);
  }
  const air = runContended([p], p.radio.contention, p.traffic, passPath(p.draws.replication, p.draws.pass));
  return finishPass(p, air.stats, air.nodeAirtimeS, [], air.reportsHeardS?.[0] ?? null);
}

/**
 * Runs several broadcasts at once on one network. With contention on they share the air (one
 * clock: their frames defer to and collide with each other's); with contention off they do not
 * interact and this equals running each alone. Each gets its own result; with contention on,
 * all carry the same `air` statistics.
 * @param network - the network, or a mesh already compiled from it
 * @param specs - the broadcasts (origins, image, pacing, limits, targets)
 * @param options - seed, radio, hand-off (as for {@link runBroadcast}; no `previous`)
 */
export function runBroadcasts(
  network: Network | CompiledMesh,
  specs: readonly BroadcastSpec[],
  options: Omit<RunOptions, 'previous'> = {},
): BroadcastResult[] {
  const mesh = checkMesh(network);
  const resolved = checkRunOptions(
    options,
    RUN_OPTIONS.filter((k) => k !== 'previous'),
  );
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new ValidationError('specs', specs, 'a non-empty list of broadcast specs');
  }
  return runTogether(
    mesh,
    specs.map((spec, i) => checkSpec(spec, `specs[${i}]`)),
    resolved,
  );
}

/** Whether each pass's time on the air (first packet to last packet's expiry) overlaps another's. */
function overlapping(passes: readonly PreparedPass[]): boolean[] {
  const window = (p: PreparedPass): [number, number] => [
    p.spec.startS,
    p.spec.startS + (p.spec.segments - 1) * p.spec.spacingS + p.spec.ttlS,
  ];
  return passes.map((p, i) => {
    const [a0, a1] = window(p);
    return passes.some((q, j) => {
      if (i === j) return false;
      const [b0, b1] = window(q);
      return a0 <= b1 && b0 <= a1;
    });
  });
}

/**
 * Runs resolved broadcasts at once on one mesh (see {@link runBroadcasts}).
 * @param at - where the specs were given, for errors (`specs`, `broadcasts`)
 * @internal
 */
export function runTogether(
  mesh: CompiledMesh,
  specs: readonly ResolvedSpec[],
  options: ResolvedRunOptions,
  at: (i: number) => string = (i) => `specs[${i}]`,
): BroadcastResult[] {
  const prepared = specs.map((spec, i) => preparePass(mesh, spec, options, at(i)));
  const first = prepared[0]!;
  if (first.radio.contention === 'none') {
    // Without shared air they run as if alone: say so when they overlap in time.
    const overlap = overlapping(prepared);
    return prepared.map((p, i) => {
      if (!overlap[i]) return runPass(p);
      floodPass(p);
      return finishPass(p, null, null, [PARALLEL_BROADCASTS]);
    });
  }
  const air = runContended(
    prepared,
    first.radio.contention,
    first.traffic,
    sharedAirPath(first.draws.replication, first.draws.pass, specs.length),
  );
  return prepared.map((p, i) => finishPass(p, air.stats, air.nodeAirtimeS, [], air.reportsHeardS?.[i] ?? null));
}
