/** The reports' style sheet: system fonts, a readable column, tables, the map and the tooltips. */
export const REPORT_STYLE = `
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --line: #e3e3e8; --panel: #f7f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: var(--ink); }
main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 22px; font-weight: 600; margin: 0 0 4px; }
h2 { font-size: 17px; font-weight: 600; margin: 32px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
p.lede { color: var(--muted); margin: 0 0 12px; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 24px; margin: 12px 0; padding: 0; list-style: none; }
.facts li b { display: block; font-size: 20px; font-weight: 600; }
.facts li { color: var(--muted); }
.facts li b { color: var(--ink); }
.warning { background: #fff4e5; border-left: 4px solid #f28e2b; padding: 6px 10px; margin: 6px 0; }
table { border-collapse: collapse; margin: 8px 0 4px; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th { font-weight: 600; background: var(--panel); }
.table-wrap { overflow-x: auto; max-width: 100%; }
figure.chart { margin: 16px 0; }
figure.chart svg { max-width: 100%; height: auto; }
figure.chart g.mark-text.role-mark { pointer-events: none; } /* values written on cells: hover reaches the cell */
figcaption { color: var(--muted); max-width: 760px; }
#map { position: relative; }
.map-controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 6px 0; }
.map-controls label { color: var(--muted); }
.map-stage { position: relative; height: 620px; border: 1px solid var(--line); background: #fff; overflow: hidden; }
.map-stage canvas { position: absolute; left: 0; top: 0; width: 100%; height: 100%; }
canvas.map-overlay { cursor: crosshair; touch-action: none; }
.map-legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 6px 0; color: var(--muted); font-size: 12px; }
.map-legend i { display: inline-block; width: 10px; height: 10px; margin-right: 5px; vertical-align: -1px; }
.map-find-missing { outline: 2px solid #e15759; }
.map-tip, #chart-tip { position: absolute; z-index: 10; pointer-events: none; background: rgba(255, 255, 255, 0.97);
  border: 1px solid #bbb; box-shadow: 0 2px 8px rgba(0, 0, 0, 0.15); padding: 6px 9px; font-size: 12px;
  max-width: 460px; }
#chart-tip { position: fixed; }
.map-tip b, #chart-tip b { font-weight: 600; color: var(--muted); }
.map-tip-id { font-weight: 600; font-size: 13px; }
.map-tip-tank { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; white-space: normal; }
.note { color: var(--muted); font-size: 12px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;
