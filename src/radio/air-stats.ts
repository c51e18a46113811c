/** What the shared air did during a run (all broadcasts on it together, and any AMI traffic). */
export interface AirStats {
  /** Events handled by the shared-air engine. */
  readonly events: number;
  /** Frames sent. */
  readonly frames: number;
  /**
   * Receptions lost because another frame overlapped at the receiver on the same channel, or the
   * receiver was transmitting.
   */
  readonly collisions: number;
  /** Times a node found the air busy (carrier sense) and waited. */
  readonly deferrals: number;
  /** Mean seconds a frame waited in queues before going on air. */
  readonly meanQueueDelayS: number;
  /** Longest such wait. */
  readonly maxQueueDelayS: number;
  /** Seconds of airtime used, all frames. */
  readonly airtimeS: number;
  /** Broadcast frames dropped from a queue because their packet's TTL ran out before they could be sent. */
  readonly expiredInQueue: number;
  /** First clock time with traffic on the air (NaN when no frame was sent). */
  readonly firstS: number;
  /** Last clock time with traffic (NaN when no frame was sent). */
  readonly lastS: number;
  /** Time-average, over [firstS, lastS], of the number of broadcast packets with frames queued or on the air. */
  readonly meanPacketsInFlight: number;
  /** Most broadcast packets with frames queued or on the air at once. */
  readonly maxPacketsInFlight: number;
  /** Reception outcomes decided (one per receiver per frame): the events a per-receiver simulator schedules. */
  readonly receptionEvents: number;
  /** Mean over relaying nodes of the share of [firstS, lastS] each spent transmitting. */
  readonly meanUtilisation: number;
  /** Largest such share (the busiest node). */
  readonly maxUtilisation: number;
}

/**
 * The running sums behind {@link AirStats}, written by the air as frames come and go; read once,
 * by {@link AirTally.stats}, when the run ends.
 * @internal
 */
export class AirTally {
  /** Events handled. */
  events = 0;
  /** Frames sent. */
  frames = 0;
  /** Receptions lost to overlap or half duplex. */
  collisions = 0;
  /** Carrier-sense deferrals. */
  deferrals = 0;
  /** Sum of queue delays of the frames sent. */
  queueDelaySumS = 0;
  /** Longest queue delay. */
  queueDelayMaxS = 0;
  /** Airtime of every frame sent. */
  airtimeS = 0;
  /** Broadcast frames dropped from queues, expired. */
  expiredInQueue = 0;
  /** First frame start (Infinity: none yet). */
  firstS = Infinity;
  /** Last frame end (-Infinity: none yet). */
  lastS = -Infinity;
  /** Reception outcomes decided. */
  receptionEvents = 0;
  /** Seconds each node spent transmitting. */
  readonly nodeAirtimeS: Float64Array;
  // Packets in flight: frames queued or on the air per packet, how many packets have any, the
  // peak, and the integral over time of that number since the first change.
  private readonly outstanding: Int32Array;
  private inFlight = 0;
  private maxInFlight = 0;
  private inFlightAreaS = 0;
  private lastChangeS = NaN;

  /**
   * @param nodes - nodes on the air
   * @param packets - broadcast packets that may be in flight (numbered 0 .. packets − 1)
   */
  constructor(nodes: number, packets: number) {
    this.nodeAirtimeS = new Float64Array(nodes);
    this.outstanding = new Int32Array(packets);
  }

  /** A frame of broadcast packet k was queued at t. */
  packetFrameAdded(k: number, t: number): void {
    if (this.outstanding[k]!++ === 0) {
      this.inFlightChanged(t);
      if (++this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    }
  }

  /** A frame of broadcast packet k left the air or its queue at t. */
  packetFrameGone(k: number, t: number): void {
    if (--this.outstanding[k]! === 0) {
      this.inFlightChanged(t);
      this.inFlight--;
    }
  }

  private inFlightChanged(t: number): void {
    const last = this.lastChangeS;
    if (last === last) this.inFlightAreaS += this.inFlight * (t - last);
    this.lastChangeS = t;
  }

  /**
   * The statistics of the run.
   * @param relays - 1 where a node relays (utilisation is averaged over relays)
   */
  stats(relays: Uint8Array): AirStats {
    const { frames, firstS, lastS, nodeAirtimeS } = this;
    const span = lastS > firstS ? lastS - firstS : 0;
    let utilSum = 0;
    let utilMax = 0;
    let relaying = 0;
    for (let v = 0; v < relays.length; v++) {
      if (relays[v] === 0) continue;
      relaying++;
      const u = span > 0 ? nodeAirtimeS[v]! / span : 0;
      utilSum += u;
      if (u > utilMax) utilMax = u;
    }
    return {
      events: this.events,
      frames,
      collisions: this.collisions,
      deferrals: this.deferrals,
      meanQueueDelayS: frames === 0 ? 0 : this.queueDelaySumS / frames,
      maxQueueDelayS: this.queueDelayMaxS,
      airtimeS: this.airtimeS,
      expiredInQueue: this.expiredInQueue,
      firstS: frames === 0 ? NaN : firstS,
      lastS: frames === 0 ? NaN : lastS,
      meanPacketsInFlight: span > 0 ? this.inFlightAreaS / span : 0,
      maxPacketsInFlight: this.maxInFlight,
      receptionEvents: this.receptionEvents,
      meanUtilisation: relaying === 0 ? 0 : utilSum / relaying,
      maxUtilisation: utilMax,
    };
  }
}
