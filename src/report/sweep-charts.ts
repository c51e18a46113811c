import { canonicalJSON } from '../sweep/grid.js';
import type { SweepRecord } from '../sweep/record.js';
import { summarise, type CellSummary, type Estimate } from '../sweep/summary.js';
import { CATEGORY_COLOURS, chartSpec, type Chart } from './chart.js';
import { shareHalfWidths } from './convergence.js';
import { paramText } from './sweep.js';

/**
 * How a sweep's charts lay out its cells: the parameters it varies (those with more than one
 * value among the records, in the grid's order), the two on a heatmap's axes, and the order of
 * each one's values.
 */
export interface SweepLayout {
  /** Every parameter the records name. */
  readonly params: readonly string[];
  /** The parameters with more than one value. */
  readonly varying: readonly string[];
  /** The heatmaps' x axis (the first varying parameter), or null when none varies. */
  readonly x: string | null;
  /** The heatmaps' y axis (the second), or null. */
  readonly y: string | null;
  /** Parameters beyond the second: one heatmap row per combination of their values. */
  readonly facets: readonly string[];
  /** Each varying parameter's values as labels, in order (numbers ascending, others as the grid lists them). */
  readonly order: Readonly<Record<string, readonly string[]>>;
}

/**
 * The layout of a sweep's cells (see {@link SweepLayout}).
 * @param summaries - the sweep's cell summaries, in cell order
 */
export function sweepLayout(summaries: readonly CellSummary[]): SweepLayout {
  const params = summaries.length === 0 ? [] : Object.keys(summaries[0]!.params);
  const varying = params.filter((p) => new Set(summaries.map((s) => canonicalJSON(s.params[p]))).size > 1);
  const order: Record<string, string[]> = {};
  for (const p of varying) {
    const values = summaries.map((s) => s.params[p]);
    const labels = [...new Set(values.map(paramText))];
    if (values.every((v) => typeof v === 'number')) labels.sort((a, b) => Number(a) - Number(b));
    order[p] = labels;
  }
  return { params, varying, x: varying[0] ?? null, y: varying[1] ?? null, facets: varying.slice(2), order };
}

/** A cell's name by the parameters that vary: `maxHops=4, ttlS=60` (`all` when none varies). */
export function cellLabel(layout: SweepLayout, params: Readonly<Record<string, unknown>>): string {
  return layout.varying.length === 0 ? 'all' : layout.varying.map((p) => `${p}=${paramText(params[p])}`).join(', ');
}

/** Field names in the data (parameter names can hold dots, which Vega-Lite reads as nesting). */
const FIELD = { x: 'px', y: 'py', facet: 'pf', cell: 'cell' } as const;

/** One row per cell: its labels and the measure's estimate. */
function heatRows(
  summaries: readonly CellSummary[],
  layout: SweepLayout,
  read: (s: CellSummary) => Estimate,
  format: (x: number) => string,
): Record<string, unknown>[] {
  return summaries.map((s) => {
    const e = read(s);
    const row: Record<string, unknown> = {
      [FIELD.cell]: cellLabel(layout, s.params),
      [FIELD.x]: layout.x === null ? '' : paramText(s.params[layout.x]),
      [FIELD.y]: layout.y === null ? '' : paramText(s.params[layout.y]),
      [FIELD.facet]: layout.facets.map((p) => `${p}=${paramText(s.params[p])}`).join(', '),
      mean: e.mean,
      text: format(e.mean),
      ci: e.ci95 === null ? 'n/a' : `${format(e.ci95[0])} – ${format(e.ci95[1])}`,
      sd: e.sd === null ? 'n/a' : format(e.sd),
      n: e.n,
    };
    layout.params.forEach((p, i) => (row[`p${i}`] = paramText(s.params[p])));
    return row;
  });
}

/** Pixels per heatmap column or row: cells wide enough for their label when the grid is small. */
function step(count: number, room: number): number {
  return Math.max(8, Math.min(56, Math.floor(room / Math.max(1, count))));
}

/**
 * A heatmap of one measure's mean over the grid, its 95 % CI, sd and replications on hover; the
 * tooltip names the interval (`interval`: Wilson for coverage, Student t for the rest).
 */
function heatmap(
  summaries: readonly CellSummary[],
  layout: SweepLayout,
  name: string,
  title: string,
  caption: string,
  measure: string,
  read: (s: CellSummary) => Estimate,
  format: (x: number) => string,
  legendFormat: string,
  interval: string,
): Chart {
  const rows = heatRows(summaries, layout, read, format);
  const xs = layout.x === null ? [''] : layout.order[layout.x]!;
  const ys = layout.y === null ? [''] : layout.order[layout.y]!;
  const xStep = step(xs.length, 760);
  const yStep = layout.y === null ? 40 : step(ys.length, 420);
  const means = rows.map((r) => r['mean'] as number);
  const mid = (Math.min(...means) + Math.max(...means)) / 2;
  const tooltip = [
    ...layout.params.map((p, i) => ({ field: `p${i}`, title: p })),
    { field: 'text', title: measure },
    { field: 'ci', title: `95% CI (${interval})` },
    { field: 'sd', title: 'sd' },
    { field: 'n', title: 'replications' },
  ];
  const cells = {
    layer: [
      {
        mark: { type: 'rect', tooltip: true },
        encoding: {
          color: {
            field: 'mean',
            type: 'quantitative',
            title: measure,
            scale: { scheme: 'viridis' },
            legend: { format: legendFormat, titleLimit: 200 },
          },
          tooltip,
        },
      },
      // Values written in the cells when they are wide enough to hold them.
      ...(xStep >= 40 && yStep >= 16
        ? [
            {
              mark: { type: 'text', fontSize: 10, aria: false },
              encoding: {
                text: { field: 'text' },
                color: { condition: { test: `datum.mean < ${mid}`, value: 'white' }, value: 'black' },
              },
            },
          ]
        : []),
    ],
    encoding: {
      x: {
        field: FIELD.x,
        type: 'ordinal',
        sort: xs,
        title: layout.x ?? null,
        axis: layout.x === null ? null : { labelAngle: 0, labelOverlap: true, grid: false },
      },
      ...(layout.y === null
        ? {}
        : { y: { field: FIELD.y, type: 'ordinal', sort: [...ys].reverse(), title: layout.y, axis: { grid: false } } }),
    },
    width: { step: xStep },
    height: layout.y === null ? 40 : { step: yStep },
  };
  const body =
    layout.facets.length === 0
      ? { data: { values: rows }, ...cells }
      : {
          data: { values: rows },
          facet: { row: { field: FIELD.facet, type: 'nominal', title: layout.facets.join(', ') } },
          spec: cells,
          resolve: { scale: { color: 'shared' } },
        };
  return { name, title, caption, spec: chartSpec(title, body) };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const count = (x: number): string => Math.round(x).toLocaleString('en-US');
const ratio = (x: number): string => x.toFixed(2);

/** Colour of a cell's line: by cell when few, else by the x parameter (one line per cell). */
function cellColour(layout: SweepLayout, summaries: readonly CellSummary[]): Record<string, unknown> {
  if (summaries.length <= CATEGORY_COLOURS.length || layout.x === null) {
    const cells = summaries.map((s) => cellLabel(layout, s.params));
    return {
      color: {
        field: FIELD.cell,
        type: 'nominal',
        title: null,
        sort: cells,
        scale: { range: CATEGORY_COLOURS },
        legend: { labelLimit: 320 },
      },
    };
  }
  return {
    color: {
      field: FIELD.x,
      type: 'ordinal',
      sort: layout.order[layout.x],
      title: layout.x,
      scale: { scheme: 'viridis' },
    },
    detail: { field: FIELD.cell, type: 'nominal' },
  };
}

/** Mean coverage after each pass, a line per cell (a replication that stopped early keeps its last coverage). */
function coverageByPass(
  records: readonly SweepRecord[],
  summaries: readonly CellSummary[],
  layout: SweepLayout,
): Chart {
  const passes = records.reduce((a, r) => Math.max(a, r.coverageByPass.length), 0);
  const byCell = new Map<number, SweepRecord[]>();
  for (const r of records) byCell.set(r.cell, [...(byCell.get(r.cell) ?? []), r]);
  const rows: Record<string, unknown>[] = [];
  for (const s of summaries) {
    const rs = byCell.get(s.cell)!;
    for (let k = 0; k < passes; k++) {
      const values = rs.map((r) => r.coverageByPass[Math.min(k, r.coverageByPass.length - 1)]!);
      rows.push({
        [FIELD.cell]: cellLabel(layout, s.params),
        [FIELD.x]: layout.x === null ? '' : paramText(s.params[layout.x]),
        pass: k + 1,
        coverage: values.reduce((a, b) => a + b, 0) / values.length,
      });
    }
  }
  return {
    name: 'coverage-by-pass',
    title: 'Coverage against passes',
    caption:
      'Mean coverage after each pass, a line per cell: how many repeat passes each setting needs (a replication ' +
      'that reached the coverage goal and stopped keeps its coverage).',
    spec: chartSpec('Coverage against passes', {
      width: 480,
      height: 240,
      data: { values: rows },
      mark: { type: 'line', point: passes <= 12, tooltip: true },
      encoding: {
        x: {
          field: 'pass',
          type: 'quantitative',
          title: 'passes',
          scale: { domain: [1, Math.max(2, passes)] },
          axis: { values: Array.from({ length: passes }, (_, k) => k + 1), format: 'd' },
        },
        y: { field: 'coverage', type: 'quantitative', title: 'mean coverage', axis: { format: '.0%' } },
        ...cellColour(layout, summaries),
        tooltip: [
          { field: FIELD.cell, title: 'cell' },
          { field: 'pass', title: 'passes' },
          { field: 'coverage', title: 'mean coverage', format: '.2%' },
        ],
      },
    }),
  };
}

/**
 * The half-width of mean coverage's 95 % interval (Wilson, as the summaries print it) against
 * replications, a line per cell, with the ±1 point mark.
 */
function ciWidth(records: readonly SweepRecord[], summaries: readonly CellSummary[], layout: SweepLayout): Chart {
  const byCell = new Map<number, SweepRecord[]>();
  for (const r of records) byCell.set(r.cell, [...(byCell.get(r.cell) ?? []), r]);
  const rows: Record<string, unknown>[] = [];
  for (const s of summaries) {
    const rs = byCell.get(s.cell)!.sort((a, b) => a.replication - b.replication);
    shareHalfWidths(
      rs.map((r) => r.coverage),
      rs.map((r) => r.targets),
    ).forEach((half, i) => {
      if (!Number.isFinite(half)) return;
      rows.push({
        [FIELD.cell]: cellLabel(layout, s.params),
        [FIELD.x]: layout.x === null ? '' : paramText(s.params[layout.x]),
        replications: i + 2,
        half,
      });
    });
  }
  return {
    name: 'ci-width',
    title: 'Confidence against replications',
    caption:
      'Half the width of the 95 % confidence interval of each cell\u2019s mean coverage from its first n ' +
      'replications \u2014 the Wilson interval the summaries print, over the effective sample size the ' +
      'replications\u2019 spread implies: where the lines fall under the dashed ±1 point line, that many ' +
      'replications are enough. While the replications so far all ended alike there is no spread to go by and ' +
      'the interval counts every target as a trial (the line lies low).',
    spec: chartSpec('Confidence against replications', {
      width: 480,
      height: 240,
      layer: [
        {
          data: { values: rows },
          mark: { type: 'line', tooltip: true },
          encoding: {
            x: {
              field: 'replications',
              type: 'quantitative',
              title: 'replications',
              axis: { format: 'd', tickMinStep: 1 },
            },
            y: {
              field: 'half',
              type: 'quantitative',
              title: '95% CI half-width (coverage, Wilson)',
              axis: { format: '.1%' },
            },
            ...cellColour(layout, summaries),
            tooltip: [
              { field: FIELD.cell, title: 'cell' },
              { field: 'replications', title: 'replications' },
              { field: 'half', title: '± (95% CI, Wilson)', format: '.2%' },
            ],
          },
        },
        {
          data: { values: [{ half: 0.01 }] },
          mark: { type: 'rule', strokeDash: [4, 4], color: '#555' },
          encoding: { y: { field: 'half', type: 'quantitative' } },
        },
      ],
    }),
  };
}

/**
 * The charts of a sweep's report: heatmaps over the two parameters the sweep varies (a row of
 * heatmaps per value of any further one) of mean coverage, RF frames and redundancy, each cell's
 * 95 % confidence interval on hover; mean coverage against passes; and the confidence interval's
 * half-width against replications (how many a study needs). Vega-Lite specs with their data
 * inline (draw them with {@link renderCharts}).
 * @param records - the sweep's records (merged: one per cell and replication)
 */
export function sweepCharts(records: readonly SweepRecord[]): Chart[] {
  const summaries = summarise(records);
  if (summaries.length === 0) return [];
  const layout = sweepLayout(summaries);
  const charts = [
    heatmap(
      summaries,
      layout,
      'coverage-heatmap',
      'Coverage',
      'Mean coverage after the last pass of each cell; hover a cell for its 95 % confidence interval (Wilson, ' +
        'as the summaries print it: coverage is a share).',
      'coverage',
      (s) => s.coverage,
      pct,
      '.0%',
      'Wilson',
    ),
    heatmap(
      summaries,
      layout,
      'transmissions-heatmap',
      'Traffic',
      'Mean RF frames put on the air over the whole campaign (every pass), per cell; the 95 % confidence ' +
        'interval on hover is Student t (frames are a count, not a share).',
      'frames',
      (s) => s.transmissions,
      count,
      '~s',
      'Student t',
    ),
    heatmap(
      summaries,
      layout,
      'redundancy-heatmap',
      'Redundancy',
      'Mean duplicate copies received per packet delivered (what overlapping floods and long TTLs cost), per ' +
        'cell; the 95 % confidence interval on hover is Student t (a ratio, not a share).',
      'dup / delivered',
      (s) => s.redundancy,
      ratio,
      '.1f',
      'Student t',
    ),
    coverageByPass(records, summaries, layout),
  ];
  if (summaries.some((s) => s.replications >= 3)) charts.push(ciWidth(records, summaries, layout));
  return charts;
}
