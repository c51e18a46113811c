/**
 * The two limits every broadcast packet carries (docs/model.md "One broadcast pass"), written once for
 * the contention-off flood (`flood.ts`) and for forwarding on the shared air (`air-flood.ts`).
 * Tiny pure functions: the JIT inlines them into both hot loops.
 * @module
 */

/**
 * The clock time after which a packet sent at `sendS` is dead: send time + Maximum TTL. Every
 * caller computes it with this one expression, so expiry comparisons never mix roundings.
 * @param sendS - head-end send time of the packet, seconds
 * @param ttlS - Maximum TTL, seconds
 */
export function packetExpiryS(sendS: number, ttlS: number): number {
  return sendS + ttlS;
}

/**
 * Maximum TTL: whether clock time `t` is past a packet's expiry. A copy arriving then is
 * dropped (counted as expired) and not forwarded; a frame still queued then is dropped unsent.
 * A copy arriving exactly at the expiry is in time.
 * @param expiryS - from {@link packetExpiryS}
 */
export function pastExpiry(t: number, expiryS: number): boolean {
  return t > expiryS;
}

/**
 * Maximum Hops: whether a node holding a copy with hop count `hop` (origins hold hop 1) must
 * not forward it. Such a node keeps the packet; a relay is counted as hop-limited.
 */
export function atHopLimit(hop: number, maxHops: number): boolean {
  return hop >= maxHops;
}
