import type { BroadcastOutcome } from '../headend/outcomes.js';
import type { HeadendDay } from '../scenario/headend.js';
import type { GroupOutcome } from '../workflow/grouped.js';
import { ENDPOINT_STATUS, endpointTable } from './endpoints.js';
import { headendDayReport } from './headend.js';
import { mapSection } from './page/map-section.js';
import { MAP_SCRIPT } from './page/map-script.js';
import { chartFigure, escapeHtml, facts, htmlTable, page } from './page/shell.js';
import { statusTable } from './page/status-table.js';
import type { Chart } from './chart.js';
import { runCharts, type PassLabel } from './run-charts.js';
import type { HtmlReport } from './run-report.js';
import { formatDuration } from './text.js';
import { renderCharts, type RenderedChart } from './vega.js';

/** Options of {@link renderHeadendReport}. */
export interface HeadendReportOptions {
  /** The page's heading. @defaultValue 'meshcast head-end day' */
  readonly title?: string;
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
/** A head-end date without milliseconds, as its screens show it. */
const date = (iso: string | null): string => (iso === null ? '-' : iso.replace(/\.\d{3}Z$/, 'Z'));

/** The broadcast commands of a head-end day, in order. */
function broadcastsOf(day: HeadendDay): BroadcastOutcome[] {
  return day.outcomes.filter((o): o is BroadcastOutcome => o.delivery === 'broadcast');
}

/** How the run charts name a broadcast command's pass. */
function commandLabel(broadcasts: readonly BroadcastOutcome[]): PassLabel {
  return (g) => `command ${broadcasts[g]!.id}`;
}

/**
 * A head-end day's broadcasts as a run the run reports read: each broadcast command one group
 * of one pass, in order (null when no broadcast ran).
 * @internal
 */
export function headendRun(day: HeadendDay): { readonly groups: readonly GroupOutcome[] } | null {
  const broadcasts = broadcastsOf(day);
  if (broadcasts.length === 0) return null;
  return {
    groups: broadcasts.map((o) => ({
      origins: Array.from(o.result.spec.origins, (v) => o.result.mesh.id(v)),
      passes: [o.result],
    })),
  };
}

/**
 * The charts of a head-end day's page (those of a run, a pass per broadcast command; none
 * without a broadcast).
 * @internal
 */
export function headendCharts(day: HeadendDay): Chart[] {
  const run = headendRun(day);
  return run === null ? [] : runCharts(run, commandLabel(broadcastsOf(day)));
}

/**
 * An operator's day on the head-end as one self-contained HTML page: key figures; Command History
 * (every command: delivery, issued, latest response, expected, total, successful, unsuccessful);
 * each broadcast's download statistics; a map of every device with its state after the day's
 * broadcasts (the last broadcast that targeted a device decides it; hover for its tank); coverage
 * by layer, completion times, packets sent and traffic per broadcast command; the endpoints by
 * status. Charts are drawn with Vega-Lite (loaded on the first call).
 * @param day - the day, as `runHeadendScenario` returns it
 * @param options - see {@link HeadendReportOptions}
 */
export async function renderHeadendReport(day: HeadendDay, options: HeadendReportOptions = {}): Promise<HtmlReport> {
  const title = options.title ?? 'meshcast head-end day';
  const report = headendDayReport(day, title);
  const broadcasts = broadcastsOf(day);
  const history = htmlTable(
    ['command', 'name', 'delivery', 'issued', 'latest response', 'expected', 'total', 'successful', 'unsuccessful'],
    report.commandHistory.map((row) => [
      String(row.id),
      row.command,
      row.delivery,
      date(row.issued),
      date(row.latestResponse),
      int(row.expected),
      int(row.total),
      int(row.successful),
      int(row.unsuccessful),
    ]),
  );
  const downloads = htmlTable(
    ['command', 'version', 'first packet', 'last packet', 'packets', 'targets', 'completed', 'coverage'],
    report.broadcasts.map((b) => [
      String(b.id),
      b.statistics.version,
      date(b.statistics.firstPacket),
      date(b.statistics.lastPacket),
      `${int(b.statistics.packetsSent)}/${int(b.statistics.packetsToSend)}`,
      int(b.targets),
      int(b.completed),
      pct(b.coverage),
    ]),
  );
  let charts: readonly RenderedChart[] = [];
  let network = '<p class="note">No broadcast command ran this day: nothing to map.</p>';
  let targets = 0;
  let completed = 0;
  const run = headendRun(day);
  if (run !== null) {
    const table = endpointTable(run);
    for (let v = 0; v < table.mesh.n; v++) {
      if (table.passOf[v]! >= 0) targets++;
      if (table.status[v] === ENDPOINT_STATUS.complete) completed++;
    }
    charts = await renderCharts(headendCharts(day));
    const figure = (name: string): string => chartFigure(charts.find((c) => c.name === name)!);
    network = `${mapSection(table)}
<h2>Broadcasts</h2>
${figure('coverage-by-layer')}
${figure('completion-cdf')}
${figure('packets-sent')}
${figure('traffic')}
<h2>Endpoints by status</h2>
${statusTable(table)}`;
  }
  const he = day.headEnd;
  const body = `<h1>${escapeHtml(title)}</h1>
<p class="lede">${escapeHtml(
    `${int(he.records.n)} devices; ${report.commandHistory.length} command(s), ${broadcasts.length} broadcast(s); ` +
      `head-end clock ${date(he.date(0))} to ${date(report.end)}.`,
  )}</p>
${facts([
  [targets === 0 ? '-' : pct(completed / targets), 'of broadcast targets complete'],
  [`${int(completed)} / ${int(targets)}`, 'targets complete'],
  [String(report.commandHistory.length), 'commands'],
  [formatDuration(report.endS), 'the day'],
  [int(report.unknownRecords), 'records of unknown firmware'],
])}
<h2>Command History</h2>
${history}
<h2>Firmware downloads</h2>
${downloads}
<p class="note">The map, the charts and the endpoints below show the devices as the day's broadcast commands left them
(the last broadcast that targeted a device decides it); group and point-to-point downloads count in Command History.</p>
${network}`;
  return { html: page(title, body, run === null ? [] : [MAP_SCRIPT]), charts };
}
