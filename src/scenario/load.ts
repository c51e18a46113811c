import { bindSpec } from '../broadcast/pass.js';
import type { BroadcastSpec } from '../broadcast/spec.js';
import { reroot } from '../check.js';
import type { CompiledMesh } from '../network/mesh.js';
import { Network } from '../network/network.js';
import { planCampaign } from './campaign.js';
import { checkHeadendDay } from './headend.js';
import { buildMesh, buildNetwork, noFiles, type ReadText } from './network.js';
import { checkScenario, type ResolvedScenario, type Scenario } from './scenario.js';

/** A scenario checked, its network built: ready to run. */
export interface LoadedScenario {
  /** The scenario as given. */
  readonly scenario: Scenario;
  /** The scenario checked, with defaults applied: what runs take. */
  readonly resolved: ResolvedScenario;
  /**
   * The network built from it. Utility and grid generators build the compiled
   * {@link LoadedScenario.mesh} directly (a `Network` holds an object per device and link: GBs at
   * a million meters), so for them this `Network` is built on first access.
   */
  readonly network: Network;
  /** Its compiled mesh: what every run uses. */
  readonly mesh: CompiledMesh;
  /** The broadcast spec with origins resolved to collector ids (null in a head-end scenario). */
  readonly spec: BroadcastSpec | null;
  /** The concurrent broadcasts' specs with origins resolved (empty when none). */
  readonly concurrent: readonly BroadcastSpec[];
}

/**
 * Checks a parsed scenario, builds its network and binds its broadcasts to it. Every error is a
 * `ValidationError` whose path is rooted at the scenario (e.g. `broadcast.maxHops`,
 * `network.options.gasShare`).
 * @param data - parsed JSON
 * @param readText - reads files the scenario names (network files)
 */
export function loadScenario(data: unknown, readText: ReadText = noFiles): LoadedScenario {
  const resolved = checkScenario(data);
  return bindScenario(resolved, buildMesh(resolved.network, readText), readText);
}

/**
 * Binds a checked scenario to an already built network or mesh (sweeps reuse one for every cell
 * that shares it): the origins and filter collectors of its broadcasts must be in it.
 * @param readText - reads the scenario's network files, should its `Network` be asked for
 * @internal
 */
export function bindScenario(
  resolved: ResolvedScenario,
  built: Network | CompiledMesh,
  readText: ReadText = noFiles,
): LoadedScenario {
  const mesh = built instanceof Network ? reroot('network', /^/, () => built.compile()) : built;
  let network = built instanceof Network ? built : undefined;
  if (resolved.broadcast !== null) bindSpec(mesh, resolved.broadcast, 'broadcast');
  if (resolved.campaign !== null) planCampaign(resolved.campaign, resolved.headend!, mesh);
  else if (resolved.headend !== null) checkHeadendDay(resolved.headend, mesh);
  resolved.concurrent.forEach((b, i) => bindSpec(mesh, b, `concurrent[${i}]`));
  const s = resolved.source;
  const input = (b: NonNullable<Scenario['broadcast']>): BroadcastSpec => ({
    ...b,
    origins: b.origins === 'all' ? Array.from(mesh.collectors, (c) => mesh.id(c)) : b.origins,
  });
  return {
    scenario: s,
    resolved,
    get network(): Network {
      return (network ??= buildNetwork(resolved.network, readText));
    },
    mesh,
    spec: s.broadcast === undefined ? null : input(s.broadcast),
    concurrent: (s.concurrent ?? []).map(input),
  };
}
