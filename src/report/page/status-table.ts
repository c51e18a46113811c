import { ENDPOINT_STATUSES, type EndpointTable } from '../endpoints.js';
import { htmlTable } from './shell.js';

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/**
 * A report page's table of devices by status at the end of a run, with each status's share of
 * the targets.
 * @param table - every device of the run
 */
export function statusTable(table: EndpointTable): string {
  const counts = new Array<number>(ENDPOINT_STATUSES.length).fill(0);
  for (let v = 0; v < table.mesh.n; v++) counts[table.status[v]!]!++;
  const targets = counts.reduce((a, c, i) => (ENDPOINT_STATUSES[i] === 'not-target' ? a : a + c), 0);
  return htmlTable(
    ['status', 'devices', 'share of targets'],
    ENDPOINT_STATUSES.map((s, i) => [
      s,
      int(counts[i]!),
      s === 'not-target' || targets === 0 ? '' : pct(counts[i]! / targets),
    ]),
  );
}
