import type { SweepRecord } from '../sweep/record.js';
import { summarise, type CellSummary } from '../sweep/summary.js';
import { replicationsFor } from './convergence.js';
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

/** Replications each cell needs for ±1 and ±0.5 points of coverage (from its own sd), worst cells first. */
function replicationsTable(summaries: readonly CellSummary[], layout: SweepLayout): string {
  const rows = summaries
    .flatMap((s) => {
      const { sd, ci95 } = s.coverage;
      return sd === null || ci95 === null ? [] : [{ s, sd, ci95 }];
    })
    .map((c) => ({ ...c, one: replicationsFor(c.sd, 0.01), half: replicationsFor(c.sd, 0.005) }))
    .sort((a, b) => b.one - a.one || a.s.cell - b.s.cell);
  if (rows.length === 0) return '<p class="note">One replication per cell: no confidence interval to judge.</p>';
  const worst = rows[0]!;
  const sentence =
    `For a 95 % confidence interval of ±1 point of coverage in every cell, a study with these settings needs ` +
    `${worst.one.toLocaleString('en-US')} replications per cell (±0.5 point: ${worst.half.toLocaleString('en-US')}); ` +
    `the widest cell is ${cellLabel(layout, worst.s.params)} (sd ${(100 * worst.sd).toFixed(2)} points). ` +
    `Estimated from each cell's standard deviation over the replications run.`;
  return `<p>${escapeHtml(sentence)}</p>
${htmlTable(
  ['cell', 'replications run', 'coverage', '95% CI (points)', 'sd (points)', 'needed for ±1 point', 'for ±0.5 point'],
  rows
    .slice(0, 20)
    .map(({ s, sd, ci95, one, half }) => [
      cellLabel(layout, s.params),
      String(s.replications),
      pct(s.coverage.mean),
      points((ci95[1] - ci95[0]) / 2),
      (100 * sd).toFixed(2),
      one.toLocaleString('en-US'),
      half.toLocaleString('en-US'),
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
      '95% CI',
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
${replicationsTable(summaries, layout)}
<h2>Every cell</h2>
${summaryTable(summaries, layout)}`;
  return { html: page(title, body), charts };
}
