import { counterKey, counterUniform, linkDelays, type CompiledMesh, type DelaySpec } from '../src/index.js';

/**
 * The lower bound every flood is measured against: a plain breadth-first walk over the same
 * compiled mesh that makes the same kind and number of random draws as a flood with no hop or
 * TTL limit (per reached node, a success draw per out-link and a delay draw per success), but
 * keeps no clock, no queue and no tanks. Returns the nodes reached and the draws made.
 */
export function bfsSameDraws(
  mesh: CompiledMesh,
  origin: number,
  seed: number,
  delay: DelaySpec,
  packet = 0,
): { reached: number; receptions: number; checksum: number } {
  const { k0, k1 } = counterKey(seed, 'rep', 0, 'pass', 0, 'packet', packet);
  const draw = linkDelays(delay, counterKey(seed, 'rep', 0, 'pass', 0, 'delay', packet));
  const { offsets, neighbours, linkSuccess } = mesh;
  const seen = new Uint8Array(mesh.n);
  const queue = new Int32Array(mesh.n);
  let head = 0;
  let tail = 0;
  let receptions = 0;
  let checksum = 0;
  seen[origin] = 1;
  queue[tail++] = origin;
  while (head < tail) {
    const v = queue[head++]!;
    const end = offsets[v + 1]!;
    for (let e = offsets[v]!; e < end; e++) {
      if (counterUniform(k0, k1, e) >= linkSuccess[e]!) continue;
      receptions++;
      checksum += draw.at(e);
      const u = neighbours[e]!;
      if (seen[u] === 0) {
        seen[u] = 1;
        queue[tail++] = u;
      }
    }
  }
  return { reached: tail, receptions, checksum };
}
