import type { Chart } from './chart.js';

/** A chart drawn: its spec and its SVG. */
export interface RenderedChart extends Chart {
  /**
   * The chart as an SVG document: ids prefixed with the chart's name (so several charts live in
   * one page), every mark with a tooltip carrying it as `aria-label` (see {@link chartFiles} for
   * files that show it on hover).
   */
  readonly svg: string;
}

/**
 * Draws charts to SVG with Vega-Lite and Vega, in Node, without a DOM (`View.toSVG()`). The two
 * libraries are loaded on the first call only — the library and the commands that draw no chart
 * never load them (docs/decisions/0020-report-charts.md).
 * @param charts - the charts (specs with their data inline)
 */
export async function renderCharts(charts: readonly Chart[]): Promise<RenderedChart[]> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const out: RenderedChart[] = [];
  for (const chart of charts) {
    const compiled = vegaLite.compile(chart.spec as never).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    try {
      out.push({ ...chart, svg: prefixIds(await view.toSVG(), chart.name) });
    } finally {
      view.finalize();
    }
  }
  return out;
}

/**
 * Ids made unique to a chart: Vega numbers gradients and clips from 0 in every SVG, so two
 * charts inline in one page would otherwise paint with each other's gradients.
 */
function prefixIds(svg: string, name: string): string {
  const ids = new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
  if (ids.size === 0) return svg;
  return svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (all, lead: string, id: string) =>
    ids.has(id) ? `${lead}${name}-${id}` : all,
  );
}

/** `aria-label` of each mark (not of axes and legends) repeated as a `<title>` child: the hover text of an SVG file. */
function withTitles(svg: string): string {
  return svg.replace(
    /<(path|rect|circle|line|text)(\s[^>]*?aria-label="([^"]*)"[^>]*?)(\/?)>/g,
    (_, tag, attrs, label, self) =>
      self === '/' ? `<${tag}${attrs}><title>${label}</title></${tag}>` : `<${tag}${attrs}><title>${label}</title>`,
  );
}

/** A file of a chart: its name (no directory) and contents. */
export interface ChartFile {
  /** File name: `<chart>.svg` or `<chart>.vl.json`. */
  readonly name: string;
  /** What the file holds. */
  readonly contents: string;
}

/**
 * The files of drawn charts: for each, `<name>.svg` (each mark's values as a `<title>`, which
 * browsers show on hover) and `<name>.vl.json`, its Vega-Lite spec with the data inline (open it
 * in any Vega-Lite editor to restyle the chart).
 * @param charts - from {@link renderCharts}
 */
export function chartFiles(charts: readonly RenderedChart[]): ChartFile[] {
  return charts.flatMap((c) => [
    { name: `${c.name}.svg`, contents: `<?xml version="1.0" encoding="UTF-8"?>\n${withTitles(c.svg)}\n` },
    { name: `${c.name}.vl.json`, contents: `${JSON.stringify(c.spec, null, 2)}\n` },
  ]);
}
