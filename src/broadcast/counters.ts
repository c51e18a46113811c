/**
 * The counters of a pass, as indices into its `counters` array (a Float64Array both engines add
 * to): what `BroadcastResult.stats` reports.
 */
export const COUNTER = {
  /** RF frames put on the air: one per forwarding node per packet. */
  transmissions: 0,
  /** RF copies received (link trial succeeded), duplicates and late copies included. */
  receptions: 1,
  /** RF copies lost to the link trial. */
  lost: 2,
  /** Copies that arrived in time at a node that already had (or got earlier) the packet. */
  duplicates: 3,
  /** Copies that arrived after the packet's TTL expired (dropped, not forwarded). */
  expired: 4,
  /** Relaying nodes that got a packet with hop count = Maximum Hops and so did not forward it. */
  hopLimited: 5,
  /** Nodes that got the packet (origins included), summed over packets. */
  reached: 6,
} as const;
