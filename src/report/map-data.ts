import { Buffer } from 'node:buffer';
import { DEVICE_KINDS, KIND } from '../network/device.js';
import type { CompiledMesh } from '../network/mesh.js';
import { ENDPOINT_STATUSES, type EndpointTable } from './endpoints.js';

/** Most RF links a map carries; a larger network's map draws each device's route to its collector instead. */
export const MAP_MAX_LINKS = 250_000;

/**
 * What a report's map draws, compact: one typed array per column as base64 (little-endian, as
 * every browser and Node platform stores them), strings as dictionaries. Read by the page's own
 * script (see `page/map-script.ts`).
 * @internal
 */
export interface MapPayload {
  /** Devices. */
  readonly n: number;
  /** Device ids, one per line. */
  readonly ids: string;
  /** Kind names, by code. */
  readonly kinds: readonly string[];
  /** Uint8 kind code per device. */
  readonly kind: string;
  /** Float32 easting per device, metres (or a layout's, see `positions`). */
  readonly x: string;
  /** Float32 northing per device. */
  readonly y: string;
  /**
   * `given`: the network's positions; `layout`: positions unknown, devices drawn in rings by layer
   * around their collector.
   */
  readonly positions: 'given' | 'layout';
  /** Int16 layer per device (-1: no route). */
  readonly layer: string;
  /** Status names, by code. */
  readonly statuses: readonly string[];
  /** Uint8 status code per device. */
  readonly status: string;
  /** Uint8 tank percentage per device (255: not a target). */
  readonly tankPct: string;
  /** Int32 missing packets per device (-1: not a target). */
  readonly missing: string;
  /** Float32 completion per device, seconds after the run's first packet (NaN: not complete). */
  readonly completion: string;
  /** Int32 registered collector per device (-1: none). */
  readonly collector: string;
  /** Int32 next hop of each device's route (-1: none). */
  readonly route: string;
  /** Model names, by code. */
  readonly models: readonly string[];
  /** Uint16 model code per device. */
  readonly model: string;
  /** Firmware version texts, by code. */
  readonly versions: readonly string[];
  /** Uint16 (or Uint32 when `wideVersions`) version code per device. */
  readonly version: string;
  /** Whether `version` holds Uint32 codes (more than 65,535 distinct version sets). */
  readonly wideVersions: boolean;
  /** Int32 tank row per device (-1: not a target). */
  readonly tankRow: string;
  /** Tank rows, `stride` bytes each. */
  readonly tanks: string;
  /** Bytes per tank row. */
  readonly stride: number;
  /** Image size in packets. */
  readonly packets: number;
  /** Int32 collector indices. */
  readonly collectors: string;
  /** Int32 pairs (u, v) of every RF link, or null when there are more than {@link MAP_MAX_LINKS}. */
  readonly links: string | null;
  /** RF links in the network. */
  readonly linkCount: number;
  /** Clock time of the run's first packet. */
  readonly firstPacketS: number;
  /** The version a complete endpoint has pending. */
  readonly pendingVersion: string;
}

/** A typed array's bytes as base64. */
function b64(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** A dictionary of strings: each new value gets the next code. */
function dictionary(): { codes: Map<string, number>; code(s: string): number } {
  const codes = new Map<string, number>();
  return {
    codes,
    code(s) {
      let c = codes.get(s);
      if (c === undefined) codes.set(s, (c = codes.size));
      return c;
    },
  };
}

/**
 * Positions of every device: the network's (a gas / water module without one at its parent's),
 * or, when some device has none, a layout — collectors on a circle, every other device on a ring
 * around its collector at its layer's radius (devices without a collector on an outer ring).
 */
function positions(mesh: CompiledMesh): { x: Float32Array; y: Float32Array; given: boolean } {
  const n = mesh.n;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  let given = true;
  for (let v = 0; v < n && given; v++) {
    const p = mesh.device(v).position ?? (mesh.parent[v]! >= 0 ? mesh.device(mesh.parent[v]!).position : undefined);
    if (p === undefined) given = false;
    else {
      x[v] = p.xM;
      y[v] = p.yM;
    }
  }
  if (given) return { x, y, given };
  const ring = 100; // metres between layers
  const cs = mesh.collectors;
  const spread = cs.length <= 1 ? 0 : (ring * 30 * cs.length) / (2 * Math.PI);
  const centre = new Map<number, [number, number]>();
  cs.forEach((c, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, cs.length);
    centre.set(c, [spread * Math.cos(a), spread * Math.sin(a)]);
  });
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let v = 0; v < n; v++) {
    const holder = mesh.parent[v]! >= 0 ? mesh.parent[v]! : v;
    const c = mesh.collector[holder]!;
    const [cx, cy] = centre.get(c) ?? [0, 0];
    const layer = mesh.layer[holder]!;
    const r = mesh.kind[v] === KIND.collector ? 0 : ring * (layer < 0 ? 40 : layer + 0.3 + (v % 7) / 10);
    const a = v * golden;
    x[v] = cx + r * Math.cos(a);
    y[v] = cy + r * Math.sin(a);
  }
  return { x, y, given: false };
}

/** The text of a device's firmware versions: `module 5.18 · dcw 3.1` (empty when none is known). */
function versionText(f: { module?: string; dcw?: string; metrology?: string; han?: string }): string {
  const parts: string[] = [];
  if (f.module !== undefined) parts.push(`module ${f.module}`);
  if (f.dcw !== undefined) parts.push(`dcw ${f.dcw}`);
  if (f.metrology !== undefined) parts.push(`metrology ${f.metrology}`);
  if (f.han !== undefined) parts.push(`han ${f.han}`);
  return parts.join(' \u00b7 ');
}

/**
 * The map of a run, compact (see {@link MapPayload}).
 * @param table - from `endpointTable`
 * @internal
 */
export function mapPayload(table: EndpointTable): MapPayload {
  const { mesh } = table;
  const n = mesh.n;
  const { x, y, given } = positions(mesh);
  const layer = Int16Array.from(mesh.layer);
  const tankPct = new Uint8Array(n).fill(255);
  const completion = new Float32Array(n).fill(NaN);
  const tankRow = new Int32Array(n).fill(-1);
  const model = new Uint16Array(n);
  const models = dictionary();
  const versions = dictionary();
  const versionCodes = new Uint32Array(n);
  const stride = (table.packets + 7) >> 3;
  let rows = 0;
  for (let v = 0; v < n; v++) if (table.passOf[v]! >= 0) rows++;
  const tanks = new Uint8Array(rows * stride);
  const ids: string[] = new Array<string>(n);
  rows = 0;
  for (let v = 0; v < n; v++) {
    const d = mesh.device(v);
    ids[v] = d.id;
    model[v] = Math.min(65_535, models.code(d.model));
    versionCodes[v] = versions.code(versionText(d.firmware));
    const missing = table.missing[v]!;
    if (missing >= 0) {
      tankPct[v] = Math.floor((100 * (table.packets - missing)) / table.packets);
      tanks.set(table.tankBytes(v)!, rows * stride);
      tankRow[v] = rows++;
    }
    const done = table.completedS[v]!;
    if (!Number.isNaN(done)) completion[v] = done - table.firstPacketS;
  }
  const wideVersions = versions.codes.size > 65_536;
  const linkCount = mesh.neighbours.length / 2;
  let links: Int32Array | null = null;
  if (linkCount <= MAP_MAX_LINKS) {
    links = new Int32Array(2 * linkCount);
    let k = 0;
    for (let u = 0; u < n; u++) {
      for (let e = mesh.offsets[u]!; e < mesh.offsets[u + 1]!; e++) {
        const v = mesh.neighbours[e]!;
        if (v > u) {
          links[k++] = u;
          links[k++] = v;
        }
      }
    }
    links = links.subarray(0, k);
  }
  const route = Int32Array.from(mesh.route);
  return {
    n,
    ids: ids.join('\n'),
    kinds: [...DEVICE_KINDS],
    kind: b64(mesh.kind),
    x: b64(x),
    y: b64(y),
    positions: given ? 'given' : 'layout',
    layer: b64(layer),
    statuses: [...ENDPOINT_STATUSES],
    status: b64(table.status),
    tankPct: b64(tankPct),
    missing: b64(table.missing),
    completion: b64(completion),
    collector: b64(mesh.collector),
    route: b64(route),
    models: [...models.codes.keys()],
    model: b64(model),
    versions: [...versions.codes.keys()],
    version: b64(wideVersions ? versionCodes : Uint16Array.from(versionCodes)),
    wideVersions,
    tankRow: b64(tankRow),
    tanks: b64(tanks),
    stride,
    packets: table.packets,
    collectors: b64(mesh.collectors),
    links: links === null ? null : b64(links),
    linkCount,
    firstPacketS: table.firstPacketS,
    pendingVersion: table.passes[0]!.spec.version,
  };
}
