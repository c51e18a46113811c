import type { SweepRecord } from '../sweep/record.js';
import { summarise, type CellSummary } from '../sweep/summary.js';
import { effectiveTrials } from '../stats.js';
import { replicationsForShare } from './convergence.js';
import { chartFigure, escapeHtml, facts, htmlTable, page } from './page/shell.js';
import type { HtmlReport } from './run-report.js';
import { paramText } from './sweep.js';
import { cellLabel, sweepCharts, sweepLayout, type SweepLayout } from './sweep-charts.js';
import { renderCharts } from './vega.js';

/** Options of {@link renderSweepReport}. */
export interface SweepReportOptions {
  /** The page's heading. @defaultValue 'meshcast sweep' */
  readonly title?: string;
  /** Sentences shown at the top as warnings (a merge that misses tasks, say). @defaultValue [] */
  readonly notes?: readonly string[];
}

/** Most cells the summary table lists (the charts and the records files hold them all). */
const TABLE_CELLS = 500;

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const points = (x: number): string => `±${(100 * x).toFixed(2)}`;

/** A cell's replications needed for ±1 and ±0.5 points of coverage, and what they rest on. */
interface Need {
  readonly s: CellSummary;
  readonly sd: number;
  readonly ci95: readonly [number, number];
  /** Mean targets of one replication, and the targets one replication counts for in the interval. */
  readonly targets: number;
  readonly effective: number;
  /** Whether the replications' coverage varied (without spread, the needs are a range). */
  readonly spread: boolean;
  /** Least replications for ±1 / ±0.5 point; without spread, counting every target as a trial. */
  readonly one: number;
  readonly half: number;
  /** Without spread, counting each replication as one trial (else equal to `one` / `half`). */
  readonly oneMost: number;
  readonly halfMost: number;
}

/** Each cell's needs, from its coverage's mean and sd and its targets per replication. */
function needs(records: readonly SweepRecord[], summaries: readonly CellSummary[]): Need[] {
  const targets = new Map<number, number>();
  for (const r of records) targets.set(r.cell, (targets.get(r.cell) ?? 0) + r.targets);
  return summaries.flatMap((s) => {
    const { mean, sd, ci95 } = s.coverage;
    if (sd === null || ci95 === null) return [];
    const perReplication = (targets.get(s.cell) ?? 0) / s.replications;
    const spread = sd > 0;
    const one = replicationsForShare(mean, sd, perReplication, 0.01);
    const half = replicationsForShare(mean, sd, perReplication, 0.005);
    return [
      {
        s,
        sd,
        ci95,
        targets: perReplication,
        effective: effectiveTrials(mean, sd, 1, perReplication),
        spread,
        one,
        half,
        oneMost: spread ? one : replicationsForShare(mean, 0, 1, 0.01),
        halfMost: spread ? half : replicationsForShare(mean, 0, 1, 0.005),
      },
    ];
  });
}

const count = (n: number): string => n.toLocaleString('en-US');
const range = (least: number, most: number): string =>
  least === most ? count(least) : `${count(least)}–${count(most)}`;

/**
 * Replications each cell needs for ±1 and ±0.5 points of coverage, for the interval the summaries
 * print (Wilson, `replicationsForShare`), worst cells first; cells whose replications all ended
 * alike give a range and are listed last.
 */
function replicationsTable(
  records: readonly SweepRecord[],
  summaries: readonly CellSummary[],
  layout: SweepLayout,
): string {
  const all = needs(records, summaries);
  if (all.length === 0) return '<p class="note">One replication per cell: no confidence interval to judge.</p>';
  const varied = all.filter((c) => c.spread).sort((a, b) => b.one - a.one || a.s.cell - b.s.cell);
  const alike = all.filter((c) => !c.spread).sort((a, b) => b.oneMost - a.oneMost || a.s.cell - b.s.cell);
  const sentences: string[] = [];
  const worst = varied[0];
  if (worst !== undefined) {
    sentences.push(
      `For a 95 % confidence interval of ±1 point of coverage in every cell whose replications varied, a study with ` +
        `these settings needs ${count(worst.one)} replications per cell (±0.5 point: ${count(worst.half)}); the ` +
        `widest cell is ${cellLabel(layout, worst.s.params)} (coverage ${pct(worst.s.coverage.mean)}, sd ` +
        `${(100 * worst.sd).toFixed(2)} points).`,
    );
  }
  sentences.push(
    'The interval is the Wilson interval the summaries print: at a cell\u2019s observed coverage p and standard ' +
      'deviation sd over its replications, each replication counts for p(1 \u2212 p) / sd\u00b2 targets (at most ' +
      'its targets), and the replications needed are the least n whose interval over n such replications is ' +
      'within ±1 (±0.5) point.',
  );
  if (alike.length > 0) {
    const most = alike[0]!;
    sentences.push(
      `${count(alike.length)} cell(s) ended alike in every replication (${cellLabel(layout, most.s.params)}: ` +
        `coverage ${pct(most.s.coverage.mean)} each time): no spread to estimate from. For them the interval counts ` +
        `every target as a trial, which ${count(most.one)} replications satisfy; counting each replication as one ` +
        `trial (a flood that reaches or misses all its targets at once) needs up to ${count(most.oneMost)} for ` +
        '±1 point. The table gives both.',
    );
  }
  sentences.push('Campaign time, frames and redundancy are not shares: their intervals are Student t.');
  const rows = [...varied, ...alike];
  return `<p>${escapeHtml(sentences.join(' '))}</p>
${htmlTable(
  [
    'cell',
    'replications run',
    'coverage',
    '95% CI (Wilson)',
    '± (points)',
    'sd (points)',
    'targets per replication (effective)',
    'needed for ±1 point',
    'for ±0.5 point',
  ],
  rows
    .slice(0, 20)
    .map((c) => [
      cellLabel(layout, c.s.params),
      String(c.s.replications),
      pct(c.s.coverage.mean),
      `${pct(c.ci95[0])} – ${pct(c.ci95[1])}`,
      points((c.ci95[1] - c.ci95[0]) / 2),
      (100 * c.sd).toFixed(2),
      `${count(Math.round(c.targets))} (${c.spread ? count(Math.round(c.effective)) : 'no spread'})`,
      range(c.one, c.oneMost),
      range(c.half, c.halfMost),
    ]),
)}${rows.length > 20 ? `<p class="note">The 20 cells needing the most of ${rows.length}.</p>` : ''}`;
}

/** Every cell's summary (the first {@link TABLE_CELLS}). */
function summaryTable(summaries: readonly CellSummary[], layout: SweepLayout): string {
  const shown = summaries.slice(0, TABLE_CELLS);
  const table = htmlTable(
    [
      ...layout.params,
      'reps',
      'coverage',
      'coverage 95% CI (Wilson)',
      'met goal',
      'passes to goal',
      'campaign time',
      'frames',
      'dup/delivered',
    ],
    shown.map((s) => [
      ...layout.params.map((p) => {
        const t = paramText(s.params[p]);
        return t.length > 40 ? `${t.slice(0, 37)}...` : t;
      }),
      String(s.replications),
      pct(s.coverage.mean),
      s.coverage.ci95 === null ? 'n/a' : `${pct(s.coverage.ci95[0])} – ${pct(s.coverage.ci95[1])}`,
      pct(s.goalMet),
      s.passesToGoal === null ? '-' : s.passesToGoal.mean.toFixed(2),
      `${(s.campaignS.mean / 3600).toFixed(2)}h`,
      Math.round(s.transmissions.mean).toLocaleString('en-US'),
      s.redundancy.mean.toFixed(2),
    ]),
  );
  const more =
    summaries.length > shown.length
      ? `<p class="note">The first ${shown.length} of ${summaries.length.toLocaleString('en-US')} cells; ` +
        'every cell is in <code>meshcast report … --csv</code> and the records files.</p>'
      : '';
  return table + more;
}

/**
 * A sweep's report as one self-contained HTML page: heatmaps over the two parameters the sweep
 * varies of mean coverage, RF frames and redundancy (each cell's 95 % confidence interval on
 * hover), coverage against passes, the confidence interval's half-width against replications
 * with the replications a study needs for ±1 point, and every cell's summary. Charts are drawn
 * with Vega-Lite (loaded on the first call).
 * @param records - the sweep's records (merged: one per cell and replication)
 * @param options - see {@link SweepReportOptions}
 */
export async function renderSweepReport(
  records: readonly SweepRecord[],
  options: SweepReportOptions = {},
): Promise<HtmlReport> {
  const title = options.title ?? 'meshcast sweep';
  const summaries = summarise(records);
  const layout = sweepLayout(summaries);
  const charts = await renderCharts(sweepCharts(records));
  const figure = (name: string): string => {
    const c = charts.find((x) => x.name === name);
    return c === undefined ? '' : chartFigure(c);
  };
  const reps = new Set(summaries.map((s) => s.replications));
  const sweepIds = [...new Set(records.map((r) => r.sweepId))];
  const body = `<h1>${escapeHtml(title)}</h1>
<p class="lede">${escapeHtml(
    `${records.length.toLocaleString('en-US')} results in ${summaries.length.toLocaleString('en-US')} cells; ` +
      (layout.varying.length === 0
        ? 'no parameter varies'
        : `varying ${layout.varying.map((p) => `${p} (${layout.order[p]!.length} values)`).join(', ')}`) +
      (sweepIds.length === 1 ? `; sweep ${sweepIds[0]!.slice(0, 12)}.` : '.'),
  )}</p>
${facts([
  [[...reps].sort((a, b) => a - b).join('–') || '0', 'replications per cell'],
  [summaries.length === 0 ? '-' : pct(Math.min(...summaries.map((s) => s.coverage.mean))), 'lowest mean coverage'],
  [summaries.length === 0 ? '-' : pct(Math.max(...summaries.map((s) => s.coverage.mean))), 'highest mean coverage'],
])}
${(options.notes ?? []).map((n) => `<p class="warning">${escapeHtml(n)}</p>`).join('\n')}
<h2>Coverage, traffic and redundancy over the grid</h2>
${figure('coverage-heatmap')}
${figure('transmissions-heatmap')}
${figure('redundancy-heatmap')}
<h2>Passes</h2>
${figure('coverage-by-pass')}
<h2>How many replications</h2>
${figure('ci-width')}
${replicationsTable(records, summaries, layout)}
<h2>Every cell</h2>
${summaryTable(summaries, layout)}`;
  return { html: page(title, body), charts };
}
