import { grown } from '../engine/grow.js';
import type { AirClock } from '../radio/air-clock.js';
import type { Rng } from '../random/stream.js';
import type { ReportKpis } from './kpis.js';
import type { MessageLog } from './message-log.js';
import type { ResolvedReports } from './traffic.js';
import { REPORT_FRAME, type Unicast } from './unicast.js';

/**
 * Uplink "download complete" reports: an endpoint that completes the image queues a report to
 * its collector after a uniform wait in [0, `spreadS`); a report that fails all its retries is
 * missed by the head-end.
 * @internal
 */
export class Reports {
  private readonly reportEvent: number;
  /** The broadcast each report is of (its tank is the log's tag). */
  private pass = new Int32Array(0);

  /** @param spread - draws each report's wait */
  constructor(
    private readonly reports: ResolvedReports,
    private readonly route: Int32Array,
    private readonly clock: AirClock,
    private readonly spread: Rng,
    private readonly unicast: Unicast,
    private readonly log: MessageLog,
  ) {
    this.reportEvent = clock.reserve();
  }

  /** Whether events of this type are reports'. */
  handles(type: number): boolean {
    return type === this.reportEvent;
  }

  /**
   * Node u completed tank `tank` of broadcast `pass` at t: its report goes up after its spread
   * (if u has a route).
   */
  completed(u: number, t: number, pass: number, tank: number): void {
    if (this.route[u]! < 0) return;
    const id = this.log.add(t, u, tank);
    if (id >= this.pass.length) this.pass = grown(this.pass, 2 * id + 2);
    this.pass[id] = pass;
    this.clock.schedule(t + this.spread() * this.reports.spreadS, this.reportEvent, id);
  }

  /**
   * When each report reached the collector, by broadcast and tank (NaN: missed or never sent).
   * @param tanks - tanks of each broadcast
   */
  heardS(tanks: readonly number[]): Float64Array[] {
    const heard = tanks.map((count) => new Float64Array(count).fill(NaN));
    const { log } = this;
    for (let i = 0; i < log.count; i++) heard[this.pass[i]!]![log.tag[i]!] = log.done[i]!;
    return heard;
  }

  /** Report `id`'s wait is over at t: it is sent. */
  send(id: number, t: number): void {
    this.unicast.send(this.log.node[id]!, REPORT_FRAME, id, t, Infinity);
  }

  /** Reports sent, delivered and missed. */
  kpis(): ReportKpis {
    const { log } = this;
    let delivered = 0;
    for (let i = 0; i < log.count; i++) if (log.done[i] === log.done[i]) delivered++;
    return { sent: log.count, delivered, missed: log.count - delivered };
  }
}
