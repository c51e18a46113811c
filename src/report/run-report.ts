import type { BroadcastResult } from '../broadcast/result.js';
import { endpointTable } from './endpoints.js';
import { mapSection } from './page/map-section.js';
import { MAP_SCRIPT } from './page/map-script.js';
import { chartFigure, escapeHtml, facts, htmlTable, page } from './page/shell.js';
import { statusTable } from './page/status-table.js';
import { passLabel, runCharts } from './run-charts.js';
import { runGroups, type RunInput } from './run-input.js';
import { formatDuration } from './text.js';
import { renderCharts, type RenderedChart } from './vega.js';

/** A report drawn: the HTML page and the charts in it (each also usable alone: SVG and Vega-Lite spec). */
export interface HtmlReport {
  /** The whole page: one self-contained HTML document. */
  readonly html: string;
  /** The page's charts, drawn. */
  readonly charts: readonly RenderedChart[];
}

/** Options of {@link renderRunReport}. */
export interface RunReportOptions {
  /** The page's heading. @defaultValue 'meshcast broadcast' */
  readonly title?: string;
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const time = (s: number | null): string => (s === null ? '-' : formatDuration(s));

/** Pass table: start, packets, duration, completions and coverage, completion percentiles. */
function passTable(groups: ReturnType<typeof runGroups>): string {
  const rows: string[][] = [];
  groups.forEach((g, gi) =>
    g.passes.forEach((p, pi) =>
      rows.push([
        passLabel(groups, gi, pi),
        formatDuration(p.firstPacketS),
        `${int(p.packetsSent)}/${int(p.packetsToSend)}`,
        formatDuration(p.durationS),
        int(p.completed),
        int(p.targets),
        pct(p.coverage),
        time(p.completion.p50S),
        time(p.completion.p90S),
      ]),
    ),
  );
  return htmlTable(
    ['pass', 'start', 'packets', 'duration', 'completed', 'targets', 'coverage', 'p50 done', 'p90 done'],
    rows,
  );
}

/** Traffic counters per pass, and the shared air's statistics when contention was on. */
function trafficTables(groups: ReturnType<typeof runGroups>): string {
  const all: [string, BroadcastResult][] = groups.flatMap((g, gi) =>
    g.passes.map((p, pi): [string, BroadcastResult] => [passLabel(groups, gi, pi), p]),
  );
  const traffic = htmlTable(
    ['pass', 'transmissions', 'receptions', 'duplicates', 'lost', 'expired', 'hop-limited', 'dup/tx', 'hand-offs'],
    all.map(([label, p]) => [
      label,
      int(p.stats.transmissions),
      int(p.stats.receptions),
      int(p.stats.duplicates),
      int(p.stats.lost),
      int(p.stats.expired),
      int(p.stats.hopLimited),
      p.stats.transmissions === 0 ? '-' : (p.stats.duplicates / p.stats.transmissions).toFixed(1),
      int(p.stats.handoffAttempts),
    ]),
  );
  const withAir = all.filter(([, p]) => p.air !== null);
  if (withAir.length === 0) return traffic;
  const air = htmlTable(
    [
      'pass',
      'frames',
      'collisions',
      'deferrals',
      'airtime',
      'mean queue delay',
      'max queue delay',
      'expired in queue',
      'mean utilisation',
      'max utilisation',
      'packets in flight (mean / max)',
    ],
    withAir.map(([label, p]) => {
      const a = p.air!;
      return [
        label,
        int(a.frames),
        int(a.collisions),
        int(a.deferrals),
        formatDuration(a.airtimeS),
        `${a.meanQueueDelayS.toFixed(3)}s`,
        `${a.maxQueueDelayS.toFixed(3)}s`,
        int(a.expiredInQueue),
        pct(a.meanUtilisation),
        pct(a.maxUtilisation),
        `${a.meanPacketsInFlight.toFixed(2)} / ${a.maxPacketsInFlight}`,
      ];
    }),
  );
  return `${traffic}\n<h3>Shared air</h3>\n${air}`;
}

/**
 * A run's report as one self-contained HTML page: key figures; a map of every device at its
 * position, coloured by status, layer, tank percentage or completion time, collectors marked,
 * links faint beneath, each device's id, model, layer, versions, tank and completion on hover
 * (drawn on a canvas by the page's own script: smooth at 100,000 devices); coverage by layer;
 * the completion-time distribution; packets sent over time; traffic and shared-air statistics;
 * and the endpoints by status. Charts are drawn with Vega-Lite (loaded on the first call).
 * @param run - a scenario's result or a campaign's passes
 * @param options - see {@link RunReportOptions}
 */
export async function renderRunReport(run: RunInput, options: RunReportOptions = {}): Promise<HtmlReport> {
  const title = options.title ?? 'meshcast broadcast';
  const groups = runGroups(run);
  const table = endpointTable(run);
  const charts = await renderCharts(runCharts(run));
  const first = groups[0]!.passes[0]!;
  const lasts = groups.map((g) => g.passes[g.passes.length - 1]!);
  const targets = lasts.reduce((a, p) => a + p.targets, 0);
  const completed = lasts.reduce((a, p) => a + p.completed, 0);
  const passes = groups.reduce((a, g) => a + g.passes.length, 0);
  const endS = Math.max(...lasts.map((p) => p.endS));
  const s = first.spec;
  const warnings = [...new Set(groups.flatMap((g) => g.passes.flatMap((p) => p.warnings.map((w) => w.message))))];
  const figure = (name: string): string => chartFigure(charts.find((c) => c.name === name)!);
  const body = `<h1>${escapeHtml(title)}</h1>
<p class="lede">${escapeHtml(
    `${int(first.mesh.n)} devices, ${int(first.mesh.neighbours.length / 2)} RF links; ${s.packets} packets every ` +
      `${s.spacingS}s, Maximum Hops ${s.maxHops}, Maximum TTL ${s.ttlS}s; ${groups.length} collector group(s), ` +
      `${passes} pass(es); seed ${String(first.meta.seed)}.`,
  )}</p>
${facts([
  [pct(targets === 0 ? 1 : completed / targets), 'coverage'],
  [`${int(completed)} / ${int(targets)}`, 'targets complete'],
  [String(passes), 'passes'],
  [formatDuration(endS - table.firstPacketS), 'first packet to last traffic'],
  [int(groups.reduce((a, g) => a + g.passes.reduce((b, p) => b + p.stats.transmissions, 0), 0)), 'RF frames'],
])}
${warnings.map((w) => `<p class="warning">${escapeHtml(w)}</p>`).join('\n')}
${mapSection(table)}
<h2>Passes</h2>
${passTable(groups)}
<h2>Coverage</h2>
${figure('coverage-by-layer')}
${figure('completion-cdf')}
<h2>Endpoints by status</h2>
${statusTable(table)}
<p class="note">The list of the targets that failed and why: <code>meshcast run … --failed failed.csv</code>; every
device: <code>--endpoints endpoints.csv</code> or <code>.geojson</code>.</p>
<h2>Head-end and traffic</h2>
${figure('packets-sent')}
${figure('traffic')}
${trafficTables(groups)}`;
  return { html: page(title, body, [MAP_SCRIPT]), charts };
}
