import { DEVICE_KINDS, FLAG_BITS } from '../network/device.js';
import { csvLine } from './csv.js';
import { ENDPOINT_STATUSES, ENDPOINT_STATUS, type EndpointTable } from './endpoints.js';

/** Columns of {@link endpointsCsv}, in order. */
export const ENDPOINT_COLUMNS = [
  'id',
  'kind',
  'model',
  'layer',
  'x_m',
  'y_m',
  'collector',
  'status',
  'completed_s',
  'tank_percent',
  'missing_packets',
] as const;

/** A finite number as text, anything else (NaN, null) as an empty cell. */
function num(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '' : String(x);
}

/** One device's values, in {@link ENDPOINT_COLUMNS} order (numbers stay numbers; null: no value). */
function endpointValues(table: EndpointTable, v: number): (string | number | null)[] {
  const { mesh } = table;
  const d = mesh.device(v);
  const c = mesh.collector[v]!;
  const missing = table.missing[v]!;
  const completed = table.completedS[v]!;
  return [
    d.id,
    DEVICE_KINDS[mesh.kind[v]!]!,
    d.model,
    mesh.layer[v]!,
    d.position?.xM ?? null,
    d.position?.yM ?? null,
    c < 0 ? null : mesh.id(c),
    ENDPOINT_STATUSES[table.status[v]!]!,
    Number.isNaN(completed) ? null : completed,
    missing < 0 ? null : (100 * (table.packets - missing)) / table.packets,
    missing < 0 ? null : missing,
  ];
}

/**
 * Every device of a run as CSV, one row each in device order ({@link ENDPOINT_COLUMNS}): id,
 * kind, model, layer (-1: no route), position in metres (empty when unknown), registered
 * collector, status ({@link ENDPOINT_STATUSES}), completion clock time in seconds, tank
 * percentage and missing packets (empty for devices that are no target).
 * @param table - from {@link endpointTable}
 */
export function endpointsCsv(table: EndpointTable): string {
  const lines = [csvLine([...ENDPOINT_COLUMNS])];
  for (let v = 0; v < table.mesh.n; v++) {
    lines.push(csvLine(endpointValues(table, v).map((x) => (typeof x === 'number' ? num(x) : (x ?? '')))));
  }
  return lines.join('\n') + '\n';
}

/**
 * Every device of a run as a GeoJSON FeatureCollection: a Point per device with the
 * {@link endpointsCsv} columns as properties (geometry null where the position is unknown).
 * Coordinates are the network's plane in metres (easting, northing), not longitude and latitude:
 * read them in a projected coordinate system of your territory.
 * @param table - from {@link endpointTable}
 */
export function endpointsGeoJson(table: EndpointTable): string {
  const parts: string[] = [];
  for (let v = 0; v < table.mesh.n; v++) {
    const values = endpointValues(table, v);
    const x = values[4] as number | null;
    const y = values[5] as number | null;
    const properties: Record<string, unknown> = {};
    ENDPOINT_COLUMNS.forEach((k, i) => {
      if (k !== 'x_m' && k !== 'y_m') properties[k] = values[i];
    });
    const geometry = x === null || y === null ? null : { type: 'Point', coordinates: [x, y] };
    parts.push(JSON.stringify({ type: 'Feature', geometry, properties }));
  }
  return `{"type":"FeatureCollection","features":[\n${parts.join(',\n')}\n]}\n`;
}

/** Columns of {@link failedEndpointsCsv}, in order. */
export const FAILED_COLUMNS = [
  'id',
  'kind',
  'model',
  'collector',
  'layer',
  'status',
  'reason',
  'missing_packets',
  'missing_segments',
  'last_heard_s',
] as const;

/** Packet numbers whose bit is set, as ranges: `0-3 7 12-15`. */
function setBitRanges(bytes: Uint8Array, packets: number): string {
  const out: string[] = [];
  let start = -1;
  for (let k = 0; k <= packets; k++) {
    const set = k < packets && (bytes[k >> 3]! & (1 << (k & 7))) !== 0;
    if (set && start < 0) start = k;
    if (!set && start >= 0) {
      out.push(k - 1 === start ? String(start) : `${start}-${k - 1}`);
      start = -1;
    }
  }
  return out.join(' ');
}

/** Why a target failed, in words an operator acts on. */
function reason(table: EndpointTable, v: number): string {
  const { mesh } = table;
  const status = table.status[v]!;
  const parent = mesh.parent[v]!;
  const holder = parent >= 0 ? parent : v;
  const of = holder === v ? '' : ` (its parent ${mesh.id(holder)})`;
  if (status === ENDPOINT_STATUS.refused) {
    const f = mesh.flags[holder]!;
    const why = [
      f & FLAG_BITS.disableBroadcasts ? 'Disable Broadcasts is set' : '',
      f & FLAG_BITS.encryptFwDownload ? 'Encrypt FW Download is set' : '',
      f & FLAG_BITS.moduleFirmware42x ? 'module firmware 4.2x takes no broadcast image' : '',
    ].filter((s) => s !== '');
    return `refuses broadcast images${of}: ${why.join('; ')}; upgrade it point to point`;
  }
  if (status === ENDPOINT_STATUS.unreachable) return `no path from the broadcast's collectors reaches it${of}`;
  const missing = table.missing[v]!;
  if (missing === 0)
    return `its parent ${mesh.id(holder)} holds the image; the hand-off to the module did not complete`;
  return `${missing} of ${table.packets} packets missing; a repeat pass sends them again`;
}

/**
 * The targets that did not complete, and why (see {@link ENDPOINT_STATUSES}): what a repeat
 * broadcast or a point-to-point upgrade needs. One row per target in device order
 * ({@link FAILED_COLUMNS}): identity, collector and layer, status, the reason in words, the
 * missing packets and their numbers as ranges (`0-3 7`), and when its radio last heard a copy.
 * @param table - from {@link endpointTable}
 */
export function failedEndpointsCsv(table: EndpointTable): string {
  const { mesh } = table;
  const lines = [csvLine([...FAILED_COLUMNS])];
  for (let v = 0; v < mesh.n; v++) {
    const status = table.status[v]!;
    if (status === ENDPOINT_STATUS.complete || status === ENDPOINT_STATUS['not-target']) continue;
    const c = mesh.collector[v]!;
    const bytes = table.tankBytes(v)!;
    lines.push(
      csvLine([
        mesh.id(v),
        DEVICE_KINDS[mesh.kind[v]!]!,
        mesh.device(v).model,
        c < 0 ? '' : mesh.id(c),
        String(mesh.layer[v]!),
        ENDPOINT_STATUSES[status]!,
        reason(table, v),
        String(table.missing[v]!),
        setBitRanges(bytes, table.packets),
        num(table.lastHeardS[v]),
      ]),
    );
  }
  return lines.join('\n') + '\n';
}
