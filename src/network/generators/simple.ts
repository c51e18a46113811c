import { generatorPath } from '../../random/purposes.js';
import { checkInteger, checkObject, checkProbability } from '../../check.js';
import { ValidationError } from '../../errors.js';
import { createStream, type Seed } from '../../random/stream.js';
import { compileColumns, linkArrays, type CompiledMesh } from '../mesh.js';
import { KIND } from '../device.js';
import { Network } from '../network.js';
import { checkPathLoss, seedToInt, type PathLossOptions } from './pathloss.js';
import { addLinks, linkPairs, pairLinks } from './spatial.js';

/** Checks {@link LineOptions} (or {@link StarOptions}) and applies defaults. @internal */
export function checkLine(options: LineOptions, what = 'line'): { meters: number; success: number } {
  checkObject('', options, ['meters', 'success'], `${what} options`);
  return {
    meters: checkInteger('meters', options.meters, 1, 10_000_000),
    success: checkProbability('success', options.success ?? 1),
  };
}

/** Checks {@link GridOptions} and applies defaults. @internal */
export function checkGrid(options: GridOptions): {
  width: number;
  height: number;
  success: number;
  where: 'centre' | 'corner';
  spacingM: number;
} {
  checkObject('', options, ['width', 'height', 'success', 'collector', 'spacingM'], `grid options`);
  const width = checkInteger('width', options.width, 1, 10_000);
  const height = checkInteger('height', options.height ?? width, 1, 10_000);
  if (width * height < 2) throw new ValidationError('width', width, 'a grid of at least 2 nodes');
  const success = checkProbability('success', options.success ?? 1);
  const where = options.collector ?? 'centre';
  if (where !== 'centre' && where !== 'corner') throw new ValidationError('collector', where, "'centre' or 'corner'");
  const spacingM = options.spacingM ?? 100;
  if (!(typeof spacingM === 'number' && spacingM > 0 && Number.isFinite(spacingM)))
    throw new ValidationError('spacingM', spacingM, 'a spacing > 0 m');
  return { width, height, success, where, spacingM };
}

/** Options of {@link line}. */
export interface LineOptions {
  /** Meters after the collector: M1 is layer 1, M2 layer 2, and so on. */
  readonly meters: number;
  /** Success probability of every link (both directions). @defaultValue 1 */
  readonly success?: number;
}

/**
 * A chain `C1 — M1 — M2 — … — Mn`: the collector at layer 0 and meter Mk at layer k. The
 * shape behind the exact hop and TTL laws.
 */
export function line(options: LineOptions): Network {
  const { meters, success } = checkLine(options);
  const net = new Network();
  net.addDevice({ id: 'C1', kind: 'collector', position: { xM: 0, yM: 0 } });
  let previous = 'C1';
  for (let i = 1; i <= meters; i++) {
    const id = `M${i}`;
    net.addDevice({ id, kind: 'meter', position: { xM: i * 100, yM: 0 } });
    net.addLink({ from: previous, to: id, success });
    previous = id;
  }
  return net;
}

/** Options of {@link star}. */
export interface StarOptions {
  /** Meters around the collector, M1 … Mn, each at layer 1. */
  readonly meters: number;
  /** Success probability of every link. @defaultValue 1 */
  readonly success?: number;
}

/** A collector `C1` linked to n meters that are not linked to each other. */
export function star(options: StarOptions): Network {
  const { meters, success } = checkLine(options, 'star');
  const net = new Network();
  net.addDevice({ id: 'C1', kind: 'collector', position: { xM: 0, yM: 0 } });
  for (let i = 1; i <= meters; i++) {
    const angle = (2 * Math.PI * i) / meters;
    net.addDevice({ id: `M${i}`, kind: 'meter', position: { xM: 200 * Math.cos(angle), yM: 200 * Math.sin(angle) } });
    net.addLink({ from: 'C1', to: `M${i}`, success });
  }
  return net;
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
  const { width, height, success, where, spacingM } = checkGrid(options);
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
  const { width, height, success, where, spacingM } = checkGrid(options);
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

/** Options of {@link randomGeometric}. */
export interface RandomGeometricOptions {
  /** Meters placed uniformly at random. */
  readonly meters: number;
  /** Collectors placed uniformly at random. @defaultValue 1 */
  readonly collectors?: number;
  /** Side of the square territory in metres. @defaultValue 2000 */
  readonly sideM?: number;
  /** Seed of the placement and the shadowing. @defaultValue 0 */
  readonly seed?: Seed;
  /** Transmit power plus antenna gain of every device. @defaultValue 24 */
  readonly eirpDbm?: number;
  /** Path-loss model. @defaultValue {@link PATH_LOSS_DEFAULTS} */
  readonly pathLoss?: PathLossOptions;
  /** Links whose worse direction succeeds less often are dropped. @defaultValue 0.05 */
  readonly minSuccess?: number;
  /** Neighbour-table size (0 = keep all links). @defaultValue 0 */
  readonly neighbourTable?: number;
}

/** Checks {@link RandomGeometricOptions} and applies defaults. @internal */
export function checkRandomGeometric(options: RandomGeometricOptions) {
  checkObject(
    '',
    options,
    ['meters', 'collectors', 'sideM', 'seed', 'eirpDbm', 'pathLoss', 'minSuccess', 'neighbourTable'],
    `randomGeometric options`,
  );
  if (options.seed !== undefined && !Number.isInteger(options.seed) && typeof options.seed !== 'string')
    throw new ValidationError('seed', options.seed, 'an integer or a string');
  const meters = checkInteger('meters', options.meters, 1, 10_000_000);
  const collectors = checkInteger('collectors', options.collectors ?? 1, 1, 10_000);
  const sideM = options.sideM ?? 2000;
  if (!(sideM > 0 && Number.isFinite(sideM))) throw new ValidationError('sideM', sideM, 'a side > 0 m');
  const seed = options.seed ?? 0;
  const eirpDbm = options.eirpDbm ?? 24;
  if (!Number.isFinite(eirpDbm)) throw new ValidationError('eirpDbm', eirpDbm, 'a finite power in dBm');
  const minSuccess = options.minSuccess ?? 0.05;
  if (!(minSuccess > 0 && minSuccess < 1))
    throw new ValidationError('minSuccess', minSuccess, 'a probability in (0, 1)');
  const neighbourTable = checkInteger('neighbourTable', options.neighbourTable ?? 0, 0, 1000);
  const pathLoss = checkPathLoss(options.pathLoss);
  return { meters, collectors, sideM, seed, eirpDbm, minSuccess, neighbourTable, pathLoss };
}

/**
 * Devices scattered uniformly on a square, linked by the path-loss model (a random geometric
 * graph with soft, shadowed edges). Collectors are `C1…`, meters `M1…`.
 */
export function randomGeometric(options: RandomGeometricOptions): Network {
  const { meters, collectors, sideM, seed, eirpDbm, minSuccess, neighbourTable, pathLoss } =
    checkRandomGeometric(options);
  const n = collectors + meters;
  const rng = createStream(seed, ...generatorPath('randomGeometric/placement'));
  const xM = new Float64Array(n);
  const yM = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xM[i] = rng() * sideM;
    yM[i] = rng() * sideM;
  }
  const layout = { xM, yM, eirpDbm: new Float64Array(n).fill(eirpDbm), rxGainDb: new Float64Array(n) };
  const rule = { pathLoss, seed: seedToInt(seed), minSuccess, neighbourTable };
  const net = new Network();
  const ids: string[] = [];
  net.graph.beginUpdate();
  for (let i = 0; i < n; i++) {
    const isCollector = i < collectors;
    const id = isCollector ? `C${i + 1}` : `M${i - collectors + 1}`;
    ids.push(id);
    net.addDevice({ id, kind: isCollector ? 'collector' : 'meter', position: { xM: xM[i]!, yM: yM[i]! } });
  }
  addLinks(net, pairLinks(layout, rule, linkPairs(layout, rule)), (i) => ids[i]!);
  net.graph.endUpdate();
  return net;
}
