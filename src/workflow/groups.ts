import type { CompiledMesh } from '../network/mesh.js';
import { TWO_MILES_M } from '../broadcast/warnings.js';

/**
 * Splits a broadcast's collectors into groups none of whose members are closer than
 * `minDistanceM` (the guide: collectors within about 2 miles of each other should not share a
 * broadcast) — as few groups as it can: a colouring of the graph joining collectors closer than
 * that, by DSatur (the collector with the most differently grouped close neighbours first, ties
 * to the most close neighbours, then the lower index), each into the first group it may join.
 * Collectors without a position are far from every other. Deterministic; groups in order of
 * their first collector.
 * @param origins - the collectors, as mesh indices
 * @param minDistanceM - the least distance between two collectors of one group @defaultValue 2 miles
 */
export function collectorGroups(mesh: CompiledMesh, origins: Int32Array, minDistanceM = TWO_MILES_M): Int32Array[] {
  const k = origins.length;
  const positions = Array.from(origins, (o) => mesh.device(o).position);
  const near: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const a = positions[i];
      const b = positions[j];
      if (a === undefined || b === undefined) continue;
      if (Math.hypot(a.xM - b.xM, a.yM - b.yM) < minDistanceM) {
        near[i]!.push(j);
        near[j]!.push(i);
      }
    }
  }
  const group = new Int32Array(k).fill(-1);
  for (let step = 0; step < k; step++) {
    let pick = -1;
    let pickSaturation = -1;
    for (let i = 0; i < k; i++) {
      if (group[i] !== -1) continue;
      const saturation = new Set(near[i]!.map((j) => group[j]!).filter((g) => g >= 0)).size;
      if (saturation > pickSaturation || (saturation === pickSaturation && near[i]!.length > near[pick]!.length)) {
        pick = i;
        pickSaturation = saturation;
      }
    }
    const taken = new Set(near[pick]!.map((j) => group[j]!));
    let g = 0;
    while (taken.has(g)) g++;
    group[pick] = g;
  }
  const count = Math.max(0, ...group) + 1;
  const groups = Array.from({ length: count }, (_, g) => origins.filter((_, i) => group[i] === g));
  return groups.sort((a, b) => a[0]! - b[0]!);
}
