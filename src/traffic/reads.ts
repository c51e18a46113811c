import { ValidationError } from '../errors.js';
import { KIND } from '../network/device.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { AirClock } from '../radio/air-clock.js';
import type { Rng } from '../random/stream.js';
import { readWindows, type ReadKpis } from './kpis.js';
import type { MessageLog } from './message-log.js';
import { nodeOnRoute, routeLength } from './round-trips.js';
import type { ResolvedReads } from './traffic.js';
import { READ_FRAME, REQUEST_FRAME, type Unicast } from './unicast.js';

/** Most reads, register reads and commands one run generates (each is an event chain of several hops). */
export const MAX_READS = 50_000_000;

/** A round trip's {@link MessageLog.tag}: register read. */
const REGISTER_READ = 0;
/** A round trip's {@link MessageLog.tag}: two-way command. */
const COMMAND = 1;

/**
 * Background reads: every reachable electric meter sends an interval read every `intervalS`
 * (first at a random phase) to its collector and, when configured, the collector requests
 * register reads and sends two-way commands (round trips) on their own intervals — from
 * `beforeS` before the first broadcast packet to `afterS` after the last packet's TTL.
 * @internal
 */
export class Reads {
  private readonly readEvent: number;
  private readonly registerEvent: number;
  private readonly commandEvent: number;
  private readonly startS: number;
  private readonly endS: number;

  /**
   * @param firstSendS - the first broadcast packet's send time
   * @param lastPacketEndS - the last broadcast packet's expiry
   * @param phase - draws each meter's first read and request times
   */
  constructor(
    private readonly reads: ResolvedReads,
    private readonly mesh: CompiledMesh,
    private readonly route: Int32Array,
    private readonly clock: AirClock,
    private readonly phase: Rng,
    private readonly unicast: Unicast,
    private readonly log: MessageLog,
    private readonly roundTrips: MessageLog,
    firstSendS: number,
    lastPacketEndS: number,
  ) {
    this.readEvent = clock.reserve();
    this.registerEvent = clock.reserve();
    this.commandEvent = clock.reserve();
    this.startS = firstSendS - reads.beforeS;
    this.endS = lastPacketEndS + reads.afterS;
  }

  /**
   * Schedules every meter's first read and requests. Throws a {@link ValidationError} (at
   * `options.traffic.reads`) when the run would make more than {@link MAX_READS} of them.
   */
  start(): void {
    const { mesh, route, reads, startS } = this;
    this.checkVolume();
    for (let v = 0; v < mesh.n; v++) {
      if (mesh.kind[v] !== KIND.meter || route[v]! < 0) continue;
      this.clock.schedule(startS + this.phase() * reads.intervalS, this.readEvent, v);
      if (reads.registerReadIntervalS > 0)
        this.clock.schedule(startS + this.phase() * reads.registerReadIntervalS, this.registerEvent, v);
      if (reads.commandIntervalS > 0)
        this.clock.schedule(startS + this.phase() * reads.commandIntervalS, this.commandEvent, v);
    }
  }

  /** Whether events of this type are reads' (interval reads, register reads, commands). */
  handles(type: number): boolean {
    return type === this.readEvent || type === this.registerEvent || type === this.commandEvent;
  }

  /** Meter `meter` makes a read (or the collector a request for it) at t; the next is scheduled. */
  handle(type: number, meter: number, t: number): void {
    const { reads, clock } = this;
    if (type === this.readEvent) {
      const id = this.log.add(t, meter);
      this.unicast.send(meter, READ_FRAME, id, t, t + reads.deadlineS);
      if (t + reads.intervalS <= this.endS) clock.schedule(t + reads.intervalS, type, meter);
      return;
    }
    const register = type === this.registerEvent;
    const id = this.roundTrips.add(t, meter, register ? REGISTER_READ : COMMAND);
    // The request leaves from the far end of the meter's route: its collector.
    const last = routeLength(this.route, meter) - 1;
    this.unicast.send(nodeOnRoute(this.route, meter, last), REQUEST_FRAME, id, t, t + reads.deadlineS, last);
    const every = register ? reads.registerReadIntervalS : reads.commandIntervalS;
    if (t + every <= this.endS) clock.schedule(t + every, type, meter);
  }

  /**
   * Success per window, by when the read or request was made.
   * @param firstSendS - the first broadcast packet's send time
   * @param broadcastEndS - when the last broadcast frame left the air
   */
  kpis(firstSendS: number, broadcastEndS: number): ReadKpis {
    const { reads, roundTrips } = this;
    const windows = (log: MessageLog, tag = -1) => readWindows(log, reads.deadlineS, firstSendS, broadcastEndS, tag);
    return {
      ...windows(this.log),
      registerReads: reads.registerReadIntervalS > 0 ? windows(roundTrips, REGISTER_READ) : null,
      commands: reads.commandIntervalS > 0 ? windows(roundTrips, COMMAND) : null,
    };
  }

  /**
   * Refuses read traffic no run could simulate — a meter population times the traffic's span
   * over the intervals beyond {@link MAX_READS} (e.g. packets paced years apart) — before
   * generating it.
   */
  private checkVolume(): void {
    const { mesh, route, reads } = this;
    const spanS = this.endS - this.startS;
    let meters = 0;
    for (let v = 0; v < mesh.n; v++) if (mesh.kind[v] === KIND.meter && route[v]! >= 0) meters++;
    const per = (intervalS: number): number => (intervalS > 0 ? Math.ceil(spanS / intervalS) + 1 : 0);
    const total = meters * (per(reads.intervalS) + per(reads.registerReadIntervalS) + per(reads.commandIntervalS));
    if (!(total <= MAX_READS)) {
      throw new ValidationError(
        'options.traffic.reads',
        {
          intervalS: reads.intervalS,
          registerReadIntervalS: reads.registerReadIntervalS,
          commandIntervalS: reads.commandIntervalS,
        },
        `intervals that make at most ${MAX_READS.toLocaleString('en-US')} reads and commands per run: ` +
          `${meters.toLocaleString('en-US')} meters over ${spanS.toPrecision(3)} s of traffic (the broadcasts' ` +
          `span with beforeS and afterS) would make ${total.toPrecision(3)}`,
      );
    }
  }
}
