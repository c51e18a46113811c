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

  /** Node u completed the image at t: its report goes up after its spread (if u has a route). */
  completed(u: number, t: number): void {
    if (this.route[u]! < 0) return;
    const id = this.log.add(t, u);
    this.clock.schedule(t + this.spread() * this.reports.spreadS, this.reportEvent, id);
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
