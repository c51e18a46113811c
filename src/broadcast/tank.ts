/**
 * Tanks: one row of the pass's flat tank bitmap per target (bit = 1 while the packet is
 * missing), and the one rule by which a holder takes a packet into one, which both engines call.
 * @module
 */

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
