/**
 * Tanks: one row of the pass's flat tank bitmap per holder (bit = 1 while the packet is
 * missing), and the one rule by which a holder takes a packet into it, which both engines call.
 * @module
 */

/**
 * Per node, one more than the tank it takes packets into, 0 where it holds none or its tank
 * refuses broadcasts (Disable Broadcasts / Encrypt FW Download): one load per node reached
 * instead of two.
 * @param tankOfNode - tank held by each node (-1: none)
 * @param tankAccepts - 1 where the tank takes the image
 * @param out - where to write them (n entries)
 * @internal
 */
export function intoTanks(
  tankOfNode: Int32Array,
  tankAccepts: Uint8Array,
  out: Int32Array = new Int32Array(tankOfNode.length),
): Int32Array {
  for (let v = 0; v < tankOfNode.length; v++) {
    const tank = tankOfNode[v]!;
    out[v] = tank >= 0 && tankAccepts[tank] === 1 ? tank + 1 : 0;
  }
  return out;
}

/**
 * A holder takes image segment `segment` at time `t` into tank `tank`: a packet already held is
 * ignored; a missing one clears its bit, and the tank completes, at the latest arrival among
 * the packets it needed, when none is missing.
 * @param shared - the tanks are shared with threads taking other packets: the bit is cleared
 *   atomically (this thread alone takes this packet, so it alone writes this bit, but other
 *   bits of the byte may change meanwhile)
 * @returns true when this packet completed the tank
 * @internal
 */
export function takePacket(
  tanks: Uint8Array,
  stride: number,
  missing: Int32Array,
  lastNeededS: Float64Array,
  tank: number,
  segment: number,
  t: number,
  shared = false,
): boolean {
  const at = tank * stride + (segment >> 3);
  const mask = 1 << (segment & 7);
  if ((tanks[at]! & mask) === 0) return false;
  if (shared) Atomics.and(tanks, at, ~mask);
  else tanks[at] = tanks[at]! & ~mask;
  if (t > lastNeededS[tank]!) lastNeededS[tank] = t;
  return --missing[tank]! === 0;
}
