import type { CampaignKpis, CampaignKpiSample, CampaignResult, StepOutcome } from '../workflow/campaign.js';
import { CATEGORY_COLOURS, chartSpec, type Chart } from './chart.js';
import { chartFigure, escapeHtml, facts, htmlTable, page } from './page/shell.js';
import type { HtmlReport } from './run-report.js';
import { formatDuration } from './text.js';
import { renderCharts } from './vega.js';

/** Options of {@link renderCampaignReport}. */
export interface CampaignReportOptions {
  /** The page's heading. @defaultValue 'meshcast campaign' */
  readonly title?: string;
}

/** Most left endpoints the page lists (the counts by reason cover them all; `meshcast campaign --json` lists 1,000). */
const LEFT_ROWS = 200;

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** A step's label on the charts' step axis: its number and name, cut to fit. */
function stepLabel(st: StepOutcome, i: number): string {
  const name = st.name.length > 48 ? `${st.name.slice(0, 45)}...` : st.name;
  return `${i + 1}. ${name}`;
}

/** Targeted, updated and failed over a step's broadcast passes (targets of each series' first pass). */
function stepCounts(st: StepOutcome): { targeted: number; updated: number; failed: number } {
  let targeted = 0;
  let updated = 0;
  let failed = 0;
  for (const b of st.broadcasts) {
    targeted += b.passes[0]?.targeted ?? 0;
    for (const p of b.passes) updated += p.updated;
    failed += b.passes[b.passes.length - 1]?.failed ?? 0;
  }
  return { targeted, updated, failed };
}

/** The campaign's steps as bars over days, coloured by delivery. */
function timelineChart(result: CampaignResult): Chart {
  const rows = result.timeline.map((st, i) => {
    const c = stepCounts(st);
    return {
      step: stepLabel(st, i),
      delivery: st.delivery,
      startDays: (st.startS - result.startS) / 86_400,
      endDays: Math.max((st.endS - result.startS) / 86_400, (st.startS - result.startS) / 86_400 + 0.002),
      took: formatDuration(st.endS - st.startS),
      targeted: c.targeted,
      updated: c.updated,
      failed: c.failed,
      unicast: st.addressed === 0 ? '-' : `${int(st.succeeded)} of ${int(st.addressed)}`,
    };
  });
  const steps = rows.map((r) => r.step);
  return {
    name: 'campaign-timeline',
    title: 'Timeline',
    caption:
      'Each step of the campaign from its start to its end, in days since the first; hover for what it targeted, ' +
      'updated and left failed by broadcast, and the unicast commands that succeeded.',
    spec: chartSpec('Timeline', {
      width: 560,
      height: { step: 16 },
      data: { values: rows },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'step', type: 'nominal', sort: steps, title: null, axis: { labelLimit: 320 } },
        x: { field: 'startDays', type: 'quantitative', title: 'days since the campaign started' },
        x2: { field: 'endDays' },
        color: { field: 'delivery', type: 'nominal', title: 'delivery', scale: { range: CATEGORY_COLOURS } },
        tooltip: [
          { field: 'step', title: 'step' },
          { field: 'delivery', title: 'delivery' },
          { field: 'took', title: 'took' },
          { field: 'targeted', title: 'targeted', format: ',' },
          { field: 'updated', title: 'updated', format: ',' },
          { field: 'failed', title: 'failed', format: ',' },
          { field: 'unicast', title: 'unicast succeeded' },
        ],
      },
    }),
  };
}

/** Updated and failed endpoints after each broadcast pass, pass after pass through the campaign. */
function passesChart(result: CampaignResult): Chart {
  const rows: Record<string, unknown>[] = [];
  const passes: string[] = [];
  result.timeline.forEach((st, i) =>
    st.broadcasts.forEach((b, j) =>
      b.passes.forEach((p, k) => {
        const pass = `${i + 1}.${j + 1} pass ${k + 1}`;
        passes.push(pass);
        const what = `${b.model ?? 'every model'} ${b.from} → ${b.to}${b.zigbee ? ' (ZigBee)' : ''}`;
        const base = { pass, step: stepLabel(st, i), what, targeted: p.targeted };
        rows.push({ ...base, outcome: 'updated', count: p.updated });
        rows.push({ ...base, outcome: 'failed', count: p.failed });
      }),
    ),
  );
  return {
    name: 'campaign-passes',
    title: 'Broadcast passes',
    caption:
      'Endpoints each broadcast pass updated and those it left failed (a repeat pass targets what the pass before ' +
      'left), labelled step.broadcast pass; hover for the step and the image.',
    spec: chartSpec('Broadcast passes', {
      width: { step: Math.max(6, Math.min(28, Math.floor(560 / Math.max(1, passes.length)))) },
      height: 220,
      data: { values: rows },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: {
          field: 'pass',
          type: 'nominal',
          sort: passes,
          title: passes.length > 30 ? 'passes, in campaign order' : null,
          axis: passes.length > 30 ? { labels: false, ticks: false } : { labelAngle: -60 },
        },
        y: { field: 'count', type: 'quantitative', stack: 'zero', title: 'endpoints', axis: { format: '~s' } },
        color: {
          field: 'outcome',
          type: 'nominal',
          title: null,
          sort: ['updated', 'failed'],
          scale: { domain: ['updated', 'failed'], range: ['#59a14f', '#e15759'] },
        },
        tooltip: [
          { field: 'step', title: 'step' },
          { field: 'what', title: 'image' },
          { field: 'outcome', title: 'outcome' },
          { field: 'count', title: 'endpoints', format: ',' },
          { field: 'targeted', title: 'targeted', format: ',' },
        ],
      },
    }),
  };
}

/** A pass's label, as the passes chart writes it: step.broadcast pass k. */
function passLabel(k: Pick<CampaignKpiSample, 'step' | 'broadcast' | 'pass'>): string {
  return `${k.step + 1}.${k.broadcast + 1} pass ${k.pass}`;
}

/** The read windows of a sample, the colours they are drawn in and what they are called on hover. */
const WINDOWS = [
  { window: 'before', colour: CATEGORY_COLOURS[0], what: 'reads made before its first packet' },
  { window: 'during', colour: CATEGORY_COLOURS[2], what: 'reads made while its frames were on the air' },
  { window: 'after', colour: CATEGORY_COLOURS[4], what: 'reads made after its last frame' },
] as const;

/**
 * Interval-read success around each broadcast pass over the campaign's clock (days since it
 * started, as the timeline, or hours when it took less than two days): a line per window —
 * before a pass's first packet (drawn there), while its frames were on the air (drawn at its
 * middle, a bar over its span) and after (drawn at its end) — with every step's start (solid)
 * and every pass's first packet (dashed) marked. Windows without reads are left out.
 */
function readsChart(result: CampaignResult, kpis: CampaignKpis): Chart | null {
  // Hours for a campaign under two days (a day's axis would crowd its passes into a corner).
  const unit = result.durationS < 2 * 86_400 ? { s: 3600, name: 'hours' } : { s: 86_400, name: 'days' };
  const days = (s: number): number => (s - result.startS) / unit.s;
  const rows: Record<string, unknown>[] = [];
  for (const k of kpis.samples) {
    const st = result.timeline[k.step];
    const at = { before: k.firstPacketS, during: (k.firstPacketS + k.endS) / 2, after: k.endS };
    for (const { window, what } of WINDOWS) {
      const w = k[window];
      if (w.sent === 0) continue;
      rows.push({
        days: days(at[window]),
        window,
        what,
        rate: w.successRate,
        sent: w.sent,
        delivered: w.delivered,
        pass: passLabel(k),
        step: st === undefined ? String(k.step + 1) : stepLabel(st, k.step),
        start: formatDuration(k.firstPacketS - result.startS),
        took: formatDuration(k.endS - k.firstPacketS),
      });
    }
  }
  if (rows.length === 0) return null;
  const steps = result.timeline.map((st, i) => ({
    days: days(st.startS),
    step: stepLabel(st, i),
    start: formatDuration(st.startS - result.startS),
  }));
  const passes = kpis.samples.map((k) => ({ days: days(k.firstPacketS), end: days(k.endS), pass: passLabel(k) }));
  const spans = kpis.samples
    .filter((k) => k.during.sent > 0)
    .map((k) => ({ days: days(k.firstPacketS), end: days(k.endS), rate: k.during.successRate }));
  const x = {
    field: 'days',
    type: 'quantitative',
    title: `${unit.name} since the campaign started`,
    axis: { format: '.2~f' },
  };
  return {
    name: 'campaign-reads',
    title: 'Read success over the campaign',
    caption:
      'Interval reads delivered within their deadline around each broadcast pass, on the campaign\u2019s clock: ' +
      'before the pass\u2019s first packet, while its frames were on the air (a bar over the pass) and after. ' +
      'Solid grey lines mark where steps start, dashed ones where passes start; hover for the step, the pass ' +
      'and the reads. Each pass\u2019s air is simulated on its own, half an hour either side by default ' +
      '(traffic.reads.beforeS, afterS): between passes no reads are simulated.',
    spec: chartSpec('Read success over the campaign', {
      width: 560,
      height: 240,
      layer: [
        {
          data: { values: steps },
          mark: { type: 'rule', color: '#555', opacity: 0.7, strokeWidth: 1.5, tooltip: true },
          encoding: {
            x,
            tooltip: [
              { field: 'step', title: 'step' },
              { field: 'start', title: 'starts after' },
            ],
          },
        },
        {
          data: { values: passes },
          mark: { type: 'rule', color: '#bbb', strokeDash: [3, 3], tooltip: true },
          encoding: { x, tooltip: [{ field: 'pass', title: 'pass starts' }] },
        },
        {
          data: { values: spans },
          mark: { type: 'rule', color: WINDOWS[1].colour, strokeWidth: 3, opacity: 0.5 },
          encoding: { x, x2: { field: 'end' }, y: { field: 'rate', type: 'quantitative' } },
        },
        {
          data: { values: rows },
          mark: { type: 'line', point: true },
          encoding: {
            x,
            y: {
              field: 'rate',
              type: 'quantitative',
              title: 'interval reads delivered',
              scale: { zero: false },
              axis: { format: '.1%' },
            },
            color: {
              field: 'window',
              type: 'nominal',
              title: 'reads',
              sort: WINDOWS.map((w) => w.window),
              scale: { domain: WINDOWS.map((w) => w.window), range: WINDOWS.map((w) => w.colour) },
            },
            tooltip: [
              { field: 'step', title: 'step' },
              { field: 'pass', title: 'pass' },
              { field: 'start', title: 'first packet after' },
              { field: 'took', title: 'on the air' },
              { field: 'what', title: 'window' },
              { field: 'delivered', title: 'reads delivered', format: ',' },
              { field: 'sent', title: 'reads made', format: ',' },
            ],
          },
        },
      ],
    }),
  };
}

/**
 * The charts of a campaign's page: its timeline of steps, the endpoints each broadcast pass
 * updated and left failed, and (with shared air and reads) read success around each pass over the
 * campaign's clock — Vega-Lite specs with their data inline (draw them with {@link renderCharts}).
 * @param result - a campaign's result (`runCampaign`, `meshcast campaign`)
 */
export function campaignCharts(result: CampaignResult): Chart[] {
  const charts = [timelineChart(result)];
  if (result.timeline.some((st) => st.broadcasts.length > 0)) charts.push(passesChart(result));
  const reads = result.kpis === null ? null : readsChart(result, result.kpis);
  if (reads !== null) charts.push(reads);
  return charts;
}

/**
 * A campaign's report as one self-contained HTML page: key figures; the timeline of its steps
 * and passes (targeted, updated, failed); every step's numbers; read success around each
 * broadcast pass over the campaign's clock, and before and during the broadcasts in all; the
 * versions devices run at the end; the endpoints left, by reason and one by one (the first 200).
 * Charts are drawn with Vega-Lite (loaded on the first call).
 * @param result - a campaign's result (`runCampaign`, `meshcast campaign`)
 * @param options - see {@link CampaignReportOptions}
 */
export async function renderCampaignReport(
  result: CampaignResult,
  options: CampaignReportOptions = {},
): Promise<HtmlReport> {
  const title = options.title ?? 'meshcast campaign';
  const charts = await renderCharts(campaignCharts(result));
  const figures = charts
    .filter((c) => c.name !== 'campaign-reads')
    .map(chartFigure)
    .join('\n');
  const readsFigure = charts.find((c) => c.name === 'campaign-reads');
  const steps = htmlTable(
    ['step', 'delivery', 'rule', 'start', 'took', 'targeted', 'updated', 'failed', 'unicast', 'RF reconfigurations'],
    result.timeline.map((st, i) => {
      const c = stepCounts(st);
      const broadcast = st.broadcasts.length > 0;
      return [
        stepLabel(st, i),
        st.delivery,
        st.rule ?? '',
        formatDuration(st.startS - result.startS),
        formatDuration(st.endS - st.startS),
        broadcast ? int(c.targeted) : '',
        broadcast ? int(c.updated) : '',
        broadcast ? int(c.failed) : '',
        st.addressed === 0 ? '' : `${int(st.succeeded)} / ${int(st.addressed)}`,
        st.reconfigurations === 0 ? '' : `${int(st.reconfigurations)} (${int(st.reconfigurationFailures)} failed)`,
      ];
    }),
  );
  const kpis =
    result.kpis === null
      ? '<p class="note">No interval reads were simulated (the scenario has no AMI traffic on shared air).</p>'
      : `${readsFigure === undefined ? '' : chartFigure(readsFigure)}
${htmlTable(
  ['interval reads', 'sent', 'delivered', 'success'],
  (['before', 'during'] as const).map((when) => {
    const k = result.kpis![when];
    return [`${when} the broadcasts`, int(k.sent), int(k.delivered), pct(k.successRate)];
  }),
)}
<p class="note">Summed over ${int(result.kpis.samples.length)} broadcast pass(es); the chart above gives \
them pass by pass, as does <code>meshcast campaign --json</code> (<code>kpis.samples</code>).</p>`;
  const versions = htmlTable(
    ['device kind', 'firmware', 'versions at the end (devices)'],
    result.finalVersions.map((f) => [
      f.kind,
      f.field,
      Object.entries(f.versions)
        .sort(([, a], [, b]) => b - a)
        .map(([v, n]) => `${v}: ${int(n)}`)
        .join(', '),
    ]),
  );
  const left = result.left;
  const reasons = Object.entries(left.byReason).filter(([, n]) => n > 0);
  const leftSection =
    left.total === 0
      ? '<p>None: every targeted device runs its target, and the records show it.</p>'
      : `${htmlTable(
          ['reason', 'endpoints'],
          reasons.map(([r, n]) => [r, int(n)]),
        )}
${htmlTable(
  ['id', 'kind', 'model', 'firmware', 'runs', 'target', 'reason'],
  left.endpoints
    .slice(0, LEFT_ROWS)
    .map((e) => [e.id, e.kind, e.model, e.field, e.version ?? 'none', e.target, e.reason]),
)}
${left.total > LEFT_ROWS ? `<p class="note">The first ${int(LEFT_ROWS)} of ${int(left.total)}.</p>` : ''}`;
  const body = `<h1>${escapeHtml(title)}</h1>
<p class="lede">${escapeHtml(
    `Campaign, ${result.plan.order} order: ${result.timeline.length} steps over ` +
      `${(result.durationS / 86_400).toFixed(2)} days.`,
  )}</p>
${facts([
  [formatDuration(result.durationS), 'campaign'],
  [int(result.transmissions), 'broadcast frames'],
  [int(result.messages), 'unicast messages'],
  [int(result.reconfigurations), 'RF reconfigurations'],
  [int(left.total), 'endpoints left'],
])}
<h2>Steps and passes</h2>
${figures}
${steps}
<h2>Interval reads</h2>
${kpis}
<h2>Versions at the end</h2>
${versions}${result.collectorCode === null ? '' : `\n<p>Collector code: ${escapeHtml(result.collectorCode)}</p>`}
<h2>Endpoints left, and why</h2>
${leftSection}`;
  return { html: page(title, body), charts };
}
