import { checkInteger, checkObject, checkProbability, join } from '../../check.js';
import { ValidationError } from '../../errors.js';
import { checkMemory } from '../../runtime/memory.js';
import { KIND } from '../device.js';
import { compileColumns, linkArrays, type CompiledMesh } from '../mesh.js';
import { Network } from '../network.js';

/** {@link GridOptions} checked, with defaults applied. */
export interface ResolvedGrid {
  readonly width: number;
  readonly height: number;
  readonly success: number;
  readonly where: 'centre' | 'corner';
  readonly spacingM: number;
}

/** Checks {@link GridOptions} and applies defaults. @internal */
export function checkGrid(options: GridOptions, at = ''): ResolvedGrid {
  checkObject(at, options, ['width', 'height', 'success', 'collector', 'spacingM'], `grid options`);
  const width = checkInteger(join(at, 'width'), options.width, 1, 10_000);
  const height = checkInteger(join(at, 'height'), options.height ?? width, 1, 10_000);
  if (width * height < 2) throw new ValidationError(join(at, 'width'), width, 'a grid of at least 2 nodes');
  const success = checkProbability(join(at, 'success'), options.success ?? 1);
  const where = options.collector ?? 'centre';
  if (where !== 'centre' && where !== 'corner')
    throw new ValidationError(join(at, 'collector'), where, "'centre' or 'corner'");
  const spacingM = options.spacingM ?? 100;
  if (!(typeof spacingM === 'number' && spacingM > 0 && Number.isFinite(spacingM)))
    throw new ValidationError(join(at, 'spacingM'), spacingM, 'a spacing > 0 m');
  return { width, height, success, where, spacingM };
}

/** Options of {@link grid}. */
export interface GridOptions {
  /** Columns. */
  readonly width: number;
  /** Rows. @defaultValue width */
  readonly height?: number;
  /** Success probability of every link. @defaultValue 1 */
  readonly success?: number;
  /** Where the collector sits. @defaultValue 'centre' */
  readonly collector?: 'centre' | 'corner';
  /** Spacing between neighbours in metres (positions only). @defaultValue 100 */
  readonly spacingM?: number;
}

/**
 * A 4-neighbour lattice of meters with one node replaced by the collector `C1`. Meter ids are
 * `M<row>_<col>`.
 */
export function grid(options: GridOptions): Network {
  const r = checkGrid(options);
  checkGridSize(r, '', false);
  return buildGrid(r);
}

/**
 * Peak bytes building a grid takes, measured: ~1.5 kB per device as a `Network` (an object per
 * device and link), ~120 B per device compiled straight to typed arrays.
 * @internal
 */
export function gridBytes(r: ResolvedGrid, mesh: boolean): number {
  return r.width * r.height * (mesh ? 120 : 1500);
}

/**
 * Refuses a grid this machine cannot hold, naming its width.
 * @internal
 */
export function checkGridSize(r: ResolvedGrid, at: string, mesh: boolean): void {
  const devices = r.width * r.height;
  checkMemory(join(at, 'width'), r.width, gridBytes(r, mesh), `a grid of ${devices.toLocaleString('en-US')} devices`);
}

/** The network of {@link grid} from checked options. @internal */
export function buildGrid({ width, height, success, where, spacingM }: ResolvedGrid): Network {
  const cr = where === 'centre' ? Math.floor(height / 2) : 0;
  const cc = where === 'centre' ? Math.floor(width / 2) : 0;
  const id = (r: number, c: number): string => (r === cr && c === cc ? 'C1' : `M${r}_${c}`);
  const net = new Network();
  net.graph.beginUpdate();
  net.addDevice({ id: 'C1', kind: 'collector', position: { xM: cc * spacingM, yM: cr * spacingM } });
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (r !== cr || c !== cc)
        net.addDevice({ id: id(r, c), kind: 'meter', position: { xM: c * spacingM, yM: r * spacingM } });
    }
  }
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (c + 1 < width) net.addLink({ from: id(r, c), to: id(r, c + 1), success });
      if (r + 1 < height) net.addLink({ from: id(r, c), to: id(r + 1, c), success });
    }
  }
  net.graph.endUpdate();
  return net;
}

/**
 * The network of {@link grid} with the same options, compiled directly from typed arrays (no
 * graph, ids and device records computed on demand): the same ids, order and links as
 * `compile(grid(options))`, for lattices of millions of nodes.
 */
export function gridMesh(options: GridOptions): CompiledMesh {
  const r = checkGrid(options);
  checkGridSize(r, '', true);
  return buildGridMesh(r);
}

/** The mesh of {@link gridMesh} from checked options. @internal */
export function buildGridMesh({ width, height, success, where, spacingM }: ResolvedGrid): CompiledMesh {
  const n = width * height;
  const cr = where === 'centre' ? Math.floor(height / 2) : 0;
  const cc = where === 'centre' ? Math.floor(width / 2) : 0;
  const ck = cr * width + cc;
  // Device order as in grid(): the collector first, then the other cells row by row.
  const indexOfCell = (k: number): number => (k === ck ? 0 : k < ck ? k + 1 : k);
  const cellOfIndex = (i: number): number => (i === 0 ? ck : i <= ck ? i - 1 : i);
  const kind = new Uint8Array(n).fill(KIND.meter);
  kind[0] = KIND.collector;
  const links = (width - 1) * height + (height - 1) * width;
  const linkA = new Int32Array(links);
  const linkB = new Int32Array(links);
  let t = 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const k = r * width + c;
      if (c + 1 < width) {
        linkA[t] = indexOfCell(k);
        linkB[t++] = indexOfCell(k + 1);
      }
      if (r + 1 < height) {
        linkA[t] = indexOfCell(k);
        linkB[t++] = indexOfCell(k + width);
      }
    }
  }
  const p = new Float32Array(links).fill(success);
  const id = (i: number): string => {
    if (i === 0) return 'C1';
    const k = cellOfIndex(i);
    return `M${Math.floor(k / width)}_${k % width}`;
  };
  return compileColumns({
    n,
    kind,
    flags: new Uint8Array(n),
    parent: new Int32Array(n).fill(-1),
    registered: new Int32Array(n).fill(-1),
    links: linkArrays(linkA, linkB, p, p),
    id,
    index: (name) => {
      if (name === 'C1') return 0;
      const m = /^M(\d+)_(\d+)$/.exec(name);
      if (m === null) return -1;
      const r = Number(m[1]);
      const c = Number(m[2]);
      if (r >= height || c >= width || (r === cr && c === cc) || name !== `M${r}_${c}`) return -1;
      return indexOfCell(r * width + c);
    },
    device: (i) => {
      const k = cellOfIndex(i);
      return {
        id: id(i),
        kind: i === 0 ? 'collector' : 'meter',
        model: i === 0 ? 'collector' : 'meter',
        position: { xM: (k % width) * spacingM, yM: Math.floor(k / width) * spacingM },
        flags: { zigbeeCapable: false, activeHan: false, disableBroadcasts: false, encryptFwDownload: false },
        firmware: {},
      };
    },
    revision: 0,
  });
}
