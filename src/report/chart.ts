/** A Vega-Lite specification (https://vega.github.io/vega-lite/), as JSON-ready data. */
export type VegaLiteSpec = Readonly<Record<string, unknown>>;

/** One chart of a report: its name (a file name stem), its title and its Vega-Lite spec, data inline. */
export interface Chart {
  /** Short name, also the stem of the `.svg` and `.vl.json` files written for it (`coverage-by-layer`). */
  readonly name: string;
  /** Title, as the report shows it. */
  readonly title: string;
  /** A sentence saying what to read in it. */
  readonly caption: string;
  /** The Vega-Lite spec, its data inline. */
  readonly spec: VegaLiteSpec;
}

/** The Vega-Lite schema every spec names (the version the charts are written for). @internal */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Look shared by every chart: system fonts, quiet axes. @internal */
export const CHART_CONFIG = {
  font: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', grid: true, gridOpacity: 0.5 },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
  title: { fontSize: 14, fontWeight: 'normal', anchor: 'start' },
} as const;

/**
 * A spec with the schema, its title, the shared look and a white background: the parts every chart has.
 * @internal
 */
export function chartSpec(title: string, body: Record<string, unknown>): VegaLiteSpec {
  return { $schema: VEGA_LITE_SCHEMA, title, background: 'white', config: CHART_CONFIG, ...body };
}

/** Categorical colours (Tableau 10): passes, groups, cells. @internal */
export const CATEGORY_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;
