import { VERSION } from '../../version.js';
import type { RenderedChart } from '../vega.js';
import { CHART_SCRIPT } from './chart-script.js';
import { REPORT_STYLE } from './style.js';

/** Text made safe inside HTML elements and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON made safe inside a `<script>` element (no `</script>` or `<!--` can close it). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** An HTML table: a header row, then rows of cells (already text; escaped here). */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table><thead>${head}</thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** A chart in a figure, with its caption; `data-chart` names it (tests and styles find it by name). */
export function chartFigure(chart: RenderedChart): string {
  return (
    `<figure class="chart" data-chart="${escapeHtml(chart.name)}">\n${chart.svg}\n` +
    `<figcaption>${escapeHtml(chart.caption)}</figcaption></figure>`
  );
}

/** Key figures in a row: `[value, label]` pairs. */
export function facts(items: readonly (readonly [string, string])[]): string {
  return `<ul class="facts">${items.map(([v, l]) => `<li><b>${escapeHtml(v)}</b>${escapeHtml(l)}</li>`).join('')}</ul>`;
}

/**
 * A whole report page: one self-contained document — style, scripts and data inline — whose
 * Content-Security-Policy forbids every request that is not inline, so it opens offline and
 * sends nothing anywhere.
 * @param title - the page's title (text)
 * @param body - the page's content (HTML)
 * @param scripts - scripts run after the content, in order (JavaScript source)
 */
export function page(title: string, body: string, scripts: readonly string[] = []): string {
  const csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="meshcast ${escapeHtml(VERSION)}">
<title>${escapeHtml(title)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<main>
${body}
<footer>Made by meshcast ${escapeHtml(VERSION)}.
This page is self-contained: it opens offline and loads nothing.</footer>
</main>
<div id="chart-tip" hidden></div>
${[CHART_SCRIPT, ...scripts].map((s) => `<script>\n${s}\n</script>`).join('\n')}
</body>
</html>
`;
}
