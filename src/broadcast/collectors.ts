import { join } from '../check.js';
import { ValidationError } from '../errors.js';
import { KIND } from '../network/device.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { ResolvedSpec } from './spec.js';

/**
 * Checks that a spec's origins, and its target filter's collectors, are collectors of the
 * network — the one check of that rule, whether the network is built (a pass) or only known by
 * its collectors' ids (a sweep checking every cell before it starts).
 * @param isCollector - whether an id is a collector's in the network
 * @param at - where the spec was given, for errors
 */
export function checkCollectors(spec: ResolvedSpec, isCollector: (id: string) => boolean, at: string): void {
  if (spec.origins !== 'all') {
    spec.origins.forEach((id, i) => {
      if (!isCollector(id))
        throw new ValidationError(join(join(at, 'origins'), i), id, 'the id of a collector in the network');
    });
  }
  if (spec.targets.kind === 'filter' && spec.targets.collectors !== null) {
    for (const id of spec.targets.collectors) {
      if (!isCollector(id))
        throw new ValidationError(join(at, 'targets.collectors'), id, 'collector ids in the network');
    }
  }
}

/** Whether an id is a collector's in a mesh. */
export function collectorOf(mesh: CompiledMesh): (id: string) => boolean {
  return (id) => {
    const v = mesh.index(id);
    return v >= 0 && mesh.kind[v] === KIND.collector;
  };
}
