import type { BroadcastResult } from '../broadcast/result.js';
import type { GroupOutcome } from '../workflow/grouped.js';
import { CATEGORY_COLOURS, chartSpec, type Chart } from './chart.js';
import { runGroups, type RunInput } from './run-input.js';

/** Most points a completion-time curve is drawn with (quantiles of the completion times). */
const CDF_POINTS = 400;

/** A pass's name in a run: `pass 2`, or `group 3 pass 2` when the run broadcast in groups. */
export function passLabel(groups: readonly GroupOutcome[], g: number, p: number): string {
  return groups.length > 1 ? `group ${g + 1} pass ${p + 1}` : `pass ${p + 1}`;
}

/** Names a run's pass in its charts: from its group's index and its own (both from 0). */
export type PassLabel = (group: number, pass: number) => string;

/** The run's first packet: where every chart's time axis starts. */
function startOf(groups: readonly GroupOutcome[]): number {
  return Math.min(...groups.map((g) => g.passes[0]!.firstPacketS));
}

/** Coverage by layer after each pass number, over every group (a group that stopped earlier keeps its last pass). */
function coverageByLayer(groups: readonly GroupOutcome[]): Chart {
  const passes = Math.max(...groups.map((g) => g.passes.length));
  const rows: Record<string, unknown>[] = [];
  for (let k = 0; k < passes; k++) {
    const byLayer = new Map<number, { targets: number; completed: number }>();
    for (const g of groups) {
      const r = g.passes[Math.min(k, g.passes.length - 1)]!;
      for (const l of r.layers) {
        const row = byLayer.get(l.layer) ?? { targets: 0, completed: 0 };
        row.targets += l.targets;
        row.completed += l.completed;
        byLayer.set(l.layer, row);
      }
    }
    for (const [layer, { targets, completed }] of [...byLayer].sort((a, b) => a[0] - b[0])) {
      rows.push({
        layer: layer < 0 ? 'none' : String(layer),
        order: layer,
        pass: `after pass ${k + 1}`,
        coverage: targets === 0 ? 1 : completed / targets,
        targets,
        completed,
      });
    }
  }
  const layerOrder = [...new Set(rows.map((r) => r['layer'] as string))];
  return {
    name: 'coverage-by-layer',
    title: 'Coverage by layer',
    caption:
      'Share of the targets at each layer (hops of their route to the collector; "none": no route) whose image is ' +
      'complete, after each pass.',
    spec: chartSpec('Coverage by layer', {
      width: Math.min(720, Math.max(240, 48 * layerOrder.length)),
      height: 220,
      data: { values: rows },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'layer', type: 'ordinal', sort: layerOrder, title: 'layer', axis: { labelAngle: 0 } },
        xOffset: { field: 'pass', type: 'nominal' },
        y: {
          field: 'coverage',
          type: 'quantitative',
          title: 'coverage',
          axis: { format: '.0%' },
          scale: { domain: [0, 1] },
        },
        color: { field: 'pass', type: 'nominal', title: null, scale: { range: CATEGORY_COLOURS } },
        tooltip: [
          { field: 'layer', title: 'layer' },
          { field: 'pass', title: 'pass' },
          { field: 'coverage', title: 'coverage', format: '.1%' },
          { field: 'completed', title: 'completed', format: ',' },
          { field: 'targets', title: 'targets', format: ',' },
        ],
      },
    }),
  };
}

/** Completion times over the whole run as a cumulative share of all targets (ends at the run's coverage). */
function completionCdf(groups: readonly GroupOutcome[]): Chart {
  const startS = startOf(groups);
  const last = groups.map((g) => g.passes[g.passes.length - 1]!);
  const targets = last.reduce((a, r) => a + r.targets, 0);
  const all = Float64Array.from(last.flatMap((r) => Array.from(r.completionTimesS()))).sort();
  const rows: Record<string, unknown>[] = [{ hours: 0, share: 0, completed: 0 }];
  const step = Math.max(1, Math.ceil(all.length / CDF_POINTS));
  for (let i = step - 1; i < all.length; i += step) {
    rows.push({ hours: (all[i]! - startS) / 3600, share: (i + 1) / targets, completed: i + 1 });
  }
  if (all.length % step !== 0) {
    rows.push({ hours: (all[all.length - 1]! - startS) / 3600, share: all.length / targets, completed: all.length });
  }
  return {
    name: 'completion-cdf',
    title: 'Completion times',
    caption:
      'Share of all targets whose image is complete, against hours since the first packet (it ends at the ' +
      "run's coverage; gas and water modules complete when their hand-off does).",
    spec: chartSpec('Completion times', {
      width: 560,
      height: 220,
      data: { values: rows },
      mark: { type: 'line', interpolate: 'step-after', color: CATEGORY_COLOURS[0], point: false },
      encoding: {
        x: { field: 'hours', type: 'quantitative', title: 'hours since the first packet' },
        y: {
          field: 'share',
          type: 'quantitative',
          title: 'targets complete',
          axis: { format: '.0%' },
          scale: { domain: [0, 1] },
        },
        tooltip: [
          { field: 'hours', title: 'hours', format: '.2f' },
          { field: 'share', title: 'complete', format: '.1%' },
          { field: 'completed', title: 'targets complete', format: ',' },
        ],
      },
    }),
  };
}

/** The head-end's packets over the run: one step per packet sent, a colour per pass. */
function packetsSent(groups: readonly GroupOutcome[], label: PassLabel): Chart {
  const startS = startOf(groups);
  const rows: Record<string, unknown>[] = [];
  let sent = 0;
  groups.forEach((g, gi) =>
    g.passes.forEach((r, pi) => {
      const pass = label(gi, pi);
      for (let j = 0; j < r.packetsSent; j++) {
        sent++;
        rows.push({ hours: (r.firstPacketS + j * r.spec.spacingS - startS) / 3600, sent, pass });
      }
    }),
  );
  const passes = [...new Set(rows.map((r) => r['pass'] as string))];
  return {
    name: 'packets-sent',
    title: 'Packets sent',
    caption: 'Packets the head-end has sent since the first, over hours of the run (a colour per pass).',
    spec: chartSpec('Packets sent', {
      width: 560,
      height: 200,
      data: { values: rows },
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x: { field: 'hours', type: 'quantitative', title: 'hours since the first packet' },
        y: { field: 'sent', type: 'quantitative', title: 'packets sent' },
        color: passColour(passes),
        tooltip: [
          { field: 'pass', title: 'pass' },
          { field: 'hours', title: 'hours', format: '.2f' },
          { field: 'sent', title: 'packets sent', format: ',' },
        ],
      },
    }),
  };
}

/** A colour per pass, in the passes' order; past a dozen passes the legend would crowd the chart. */
function passColour(passes: readonly string[]): Record<string, unknown> {
  return {
    field: 'pass',
    type: 'nominal',
    title: null,
    sort: passes,
    scale: { range: CATEGORY_COLOURS },
    legend: passes.length > 12 ? null : {},
  };
}

/** Traffic counters of each pass, side by side. */
function traffic(groups: readonly GroupOutcome[], label: PassLabel): Chart {
  const measures: [string, (r: BroadcastResult) => number][] = [
    ['transmissions', (r) => r.stats.transmissions],
    ['receptions', (r) => r.stats.receptions],
    ['duplicates', (r) => r.stats.duplicates],
    ['lost', (r) => r.stats.lost],
    ['expired', (r) => r.stats.expired],
    ['hop-limited', (r) => r.stats.hopLimited],
  ];
  const rows: Record<string, unknown>[] = [];
  groups.forEach((g, gi) =>
    g.passes.forEach((r, pi) => {
      for (const [measure, read] of measures) rows.push({ measure, pass: label(gi, pi), count: read(r) });
    }),
  );
  const passes = [...new Set(rows.map((r) => r['pass'] as string))];
  return {
    name: 'traffic',
    title: 'Traffic',
    caption:
      'RF frames put on the air, copies received, duplicates (in-time copies beyond each node\u2019s first), copies ' +
      'lost to the link, expired after the TTL, and relays stopped at Maximum Hops, per pass.',
    spec: chartSpec('Traffic', {
      width: 560,
      height: { step: Math.max(4, Math.min(14, Math.floor(84 / passes.length))) },
      data: { values: rows },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'measure', type: 'nominal', sort: measures.map((m) => m[0]), title: null },
        yOffset: { field: 'pass', type: 'nominal', sort: passes },
        x: { field: 'count', type: 'quantitative', title: 'count', axis: { format: '~s' } },
        color: passColour(passes),
        tooltip: [
          { field: 'pass', title: 'pass' },
          { field: 'measure', title: 'measure' },
          { field: 'count', title: 'count', format: ',' },
        ],
      },
    }),
  };
}

/**
 * The charts of a run's report: coverage by layer after each pass, the completion-time
 * distribution, packets sent over time and the traffic of each pass — Vega-Lite specs with
 * their data inline (draw them with {@link renderCharts}).
 * @param run - a scenario's result or a campaign's passes
 * @param label - names each pass in the charts' legends @defaultValue `pass 2`, or `group 3 pass 2` in a grouped run
 */
export function runCharts(run: RunInput, label?: PassLabel): Chart[] {
  const groups = runGroups(run);
  const name = label ?? ((g: number, p: number): string => passLabel(groups, g, p));
  return [coverageByLayer(groups), completionCdf(groups), packetsSent(groups, name), traffic(groups, name)];
}
