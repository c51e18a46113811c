import { MeshcastError } from '../errors.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { Air } from '../radio/air.js';
import type { AirClock } from '../radio/air-clock.js';
import { airPath, type StreamPath } from '../random/purposes.js';
import { createStream, type Seed } from '../random/stream.js';
import type { TrafficKpis } from './kpis.js';
import { MessageLog } from './message-log.js';
import { Reads } from './reads.js';
import { Reports } from './reports.js';
import type { ResolvedTraffic } from './traffic.js';
import { Unicast } from './unicast.js';

/** When the broadcasts on the air send: the span AMI traffic is generated around. */
export interface BroadcastSpan {
  /** The first packet's send time. */
  readonly firstSendS: number;
  /** The last packet's expiry (send time + Maximum TTL). */
  readonly lastPacketEndS: number;
}

/**
 * All AMI traffic on one shared air ({@link ResolvedTraffic}): interval reads and round trips,
 * completion reports, and their frames hop by hop. Routes are computed once per run, only when
 * some traffic is on. Draws (read phases, report spreads) come from one stream, `…, 'air',
 * 'traffic'`, in event order.
 * @internal
 */
export class AirTraffic {
  private readonly reads: Reads | null = null;
  private readonly reports: Reports | null = null;
  private readonly unicast: Unicast | null = null;

  /**
   * @param traffic - what to generate (nothing: the traffic stays idle and computes no routes)
   * @param streamRoot - the run's stream path: draws come from `…, 'air', 'traffic'`
   * @param span - when the broadcasts send, which the reads are generated around
   */
  constructor(
    traffic: ResolvedTraffic,
    mesh: CompiledMesh,
    air: Air,
    clock: AirClock,
    seed: Seed,
    streamRoot: StreamPath,
    span: BroadcastSpan,
  ) {
    if (traffic.reads === null && traffic.reports === null) return;
    const route = mesh.route;
    const rng = createStream(seed, ...airPath(streamRoot, 'traffic'));
    const logs = { reads: new MessageLog(), roundTrips: new MessageLog(), reports: new MessageLog() };
    const unicast = new Unicast(
      air,
      route,
      mesh.kind,
      logs,
      traffic.reads?.retries ?? 0,
      traffic.reports?.retries ?? 0,
    );
    this.unicast = unicast;
    if (traffic.reads !== null) {
      const { firstSendS, lastPacketEndS } = span;
      this.reads = new Reads(
        traffic.reads,
        mesh,
        route,
        clock,
        rng,
        unicast,
        logs.reads,
        logs.roundTrips,
        firstSendS,
        lastPacketEndS,
      );
    }
    if (traffic.reports !== null) this.reports = new Reports(traffic.reports, route, clock, rng, unicast, logs.reports);
  }

  /** Schedules the first reads and requests (after the broadcasts' own first events). */
  start(): void {
    this.reads?.start();
  }

  /** Handles an event of one of the types the traffic reserved. */
  handle(type: number, subject: number, t: number): void {
    if (this.reads !== null && this.reads.handles(type)) this.reads.handle(type, subject, t);
    else if (this.reports !== null && this.reports.handles(type)) this.reports.send(subject, t);
    else throw new MeshcastError(`no AMI traffic handles event type ${type}`);
  }

  /** Node v's unicast frame f leaves the air at t. */
  frameEnd(v: number, f: number, t: number): void {
    this.unicast!.frameEnd(v, f, t);
  }

  /**
   * Node u completed tank `tank` of broadcast `pass` at t (it reports it, when reports are on).
   */
  completed(u: number, t: number, pass: number, tank: number): void {
    this.reports?.completed(u, t, pass, tank);
  }

  /**
   * When the head-end heard each tank's completion report, per broadcast (NaN: missed, or the
   * tank never completed); null without report traffic.
   * @param tanks - tanks of each broadcast
   */
  reportsHeardS(tanks: readonly number[]): Float64Array[] | null {
    return this.reports === null ? null : this.reports.heardS(tanks);
  }

  /**
   * What the traffic achieved.
   * @param broadcastEndS - when the last broadcast frame left the air (the end of "during")
   */
  kpis(firstSendS: number, broadcastEndS: number): TrafficKpis {
    return {
      reads: this.reads === null ? null : this.reads.kpis(firstSendS, broadcastEndS),
      reports: this.reports === null ? null : this.reports.kpis(),
    };
  }
}
