import { KIND } from '../network/device.js';
import type { Air } from '../radio/air.js';
import { grown } from '../engine/grow.js';
import type { MessageLog } from './message-log.js';
import { nodeOnRoute } from './round-trips.js';

/** A frame kind of {@link Unicast}: an interval read going up to the collector. */
export const READ_FRAME = 1;
/** A frame kind of {@link Unicast}: a completion report going up to the collector. */
export const REPORT_FRAME = 2;
/** A frame kind of {@link Unicast}: a round trip's request going down to its meter. */
export const REQUEST_FRAME = 3;
/** A frame kind of {@link Unicast}: a round trip's response going back up. */
export const RESPONSE_FRAME = 4;

/** The message logs unicast frames report delivery to, by kind. */
export interface UnicastLogs {
  /** Interval reads ({@link READ_FRAME}). */
  readonly reads: MessageLog;
  /** Round trips ({@link REQUEST_FRAME} then {@link RESPONSE_FRAME}); `node` is the meter. */
  readonly roundTrips: MessageLog;
  /** Completion reports ({@link REPORT_FRAME}). */
  readonly reports: MessageLog;
}

/**
 * AMI messages on the air, hop by hop along fixed routes (docs/model.md "Background reads and
 * uplink reports"): each hop is a unicast frame; the sender learns at once whether the next hop
 * took it (implicit acknowledgement, no ack airtime) and retries up to its kind's limit, then
 * gives up. A message reaching its collector is logged as done. Per frame it keeps the message
 * number, the failed tries at this hop and, for a round trip, its position on the meter's route
 * (columns beside the air's {@link FramePool}, indexed by frame).
 * @internal
 */
export class Unicast {
  private message = new Int32Array(0);
  private tries = new Int32Array(0);
  private position = new Int32Array(0);

  /**
   * @param air - the shared air
   * @param route - next hop of each node towards its collector
   * @param kind - device kind of each node (collectors end a message's way up)
   * @param logs - where deliveries are logged
   * @param readRetries - retries per hop of reads and round trips
   * @param reportRetries - retries per hop of reports
   */
  constructor(
    private readonly air: Air,
    private readonly route: Int32Array,
    private readonly kind: Uint8Array,
    private readonly logs: UnicastLogs,
    private readonly readRetries: number,
    private readonly reportRetries: number,
  ) {}

  /**
   * Queues a message's first frame at node v at t.
   * @param kind - {@link READ_FRAME}, {@link REPORT_FRAME} or {@link REQUEST_FRAME}
   * @param message - its number in its kind's log
   * @param expiresS - dropped from queues after this (the read deadline; Infinity for reports)
   * @param position - a request's position on its meter's route (the route's end: its length − 1)
   */
  send(v: number, kind: number, message: number, t: number, expiresS: number, position = 0): void {
    const f = this.air.frames.alloc(kind, t, expiresS, -1);
    if (f >= this.message.length) this.grow();
    this.message[f] = message;
    this.tries[f] = 0;
    this.position[f] = position;
    this.air.enqueue(v, f, t);
  }

  /**
   * Node v's unicast frame f leaves the air at t: the next hop takes it or not; then it moves
   * on, is done, is retried from v's queue head, or is given up.
   */
  frameEnd(v: number, f: number, t: number): void {
    const air = this.air;
    const frames = air.frames;
    const kind = frames.kind[f]!;
    const message = this.message[f]!;
    const to =
      kind === REQUEST_FRAME
        ? nodeOnRoute(this.route, this.logs.roundTrips.node[message]!, this.position[f]! - 1)
        : this.route[v]!;
    if (air.hearUnicast(v, to, t)) {
      this.tries[f] = 0;
      if (kind === REQUEST_FRAME) {
        // Down one hop; at the meter the request turns into its response, going back up.
        if (--this.position[f]! === 0) frames.kind[f] = RESPONSE_FRAME;
        air.enqueue(to, f, t);
      } else if (this.kind[to] === KIND.collector) {
        const log =
          kind === READ_FRAME ? this.logs.reads : kind === REPORT_FRAME ? this.logs.reports : this.logs.roundTrips;
        log.done[message] = t;
        air.release(f, t);
      } else air.enqueue(to, f, t);
    } else if (++this.tries[f]! <= (kind === REPORT_FRAME ? this.reportRetries : this.readRetries)) {
      air.requeue(v, f);
    } else air.release(f, t);
    air.resume(v, t);
  }

  private grow(): void {
    const cap = this.air.frames.capacity;
    this.message = grown(this.message, cap);
    this.tries = grown(this.tries, cap);
    this.position = grown(this.position, cap);
  }
}
