import type { CampaignResult, StepOutcome } from '../workflow/campaign.js';
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

/**
 * The charts of a campaign's page: its timeline of steps, and the endpoints each broadcast pass
 * updated and left failed — Vega-Lite specs with their data inline (draw them with
 * {@link renderCharts}).
 * @param result - a campaign's result (`runCampaign`, `meshcast campaign`)
 */
export function campaignCharts(result: CampaignResult): Chart[] {
  const charts = [timelineChart(result)];
  if (result.timeline.some((st) => st.broadcasts.length > 0)) charts.push(passesChart(result));
  return charts;
}

/**
 * A campaign's report as one self-contained HTML page: key figures; the timeline of its steps
 * and passes (targeted, updated, failed); every step's numbers; read success before and during
 * the broadcasts; the versions devices run at the end; the endpoints left, by reason and one by
 * one (the first 200). Charts are drawn with Vega-Lite (loaded on the first call).
 * @param result - a campaign's result (`runCampaign`, `meshcast campaign`)
 * @param options - see {@link CampaignReportOptions}
 */
export async function renderCampaignReport(
  result: CampaignResult,
  options: CampaignReportOptions = {},
): Promise<HtmlReport> {
  const title = options.title ?? 'meshcast campaign';
  const charts = await renderCharts(campaignCharts(result));
  const figures = charts.map(chartFigure).join('\n');
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
      : htmlTable(
          ['interval reads', 'sent', 'delivered', 'success'],
          (['before', 'during'] as const).map((when) => {
            const k = result.kpis![when];
            return [`${when} the broadcasts`, int(k.sent), int(k.delivered), pct(k.successRate)];
          }),
        );
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
