/**
 * CSV cells and lines as RFC 4180 has them (and pandas.read_csv reads them).
 * @module
 */

/** A cell: quoted when it holds a comma, a quote or a line break, inner quotes doubled. @internal */
export function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One line of cells (no line break). @internal */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',');
}
