import { checkInteger, checkObject, checkSeed, join } from '../../check.js';
import { ValidationError } from '../../errors.js';
import { generatorPath } from '../../random/purposes.js';
import { createStream, type Seed } from '../../random/stream.js';
import { Network } from '../network.js';
import { checkMemory } from '../../runtime/memory.js';
import { checkPathLoss, maxRangeM, seedToInt, type PathLossOptions, type ResolvedPathLoss } from './pathloss.js';
import { addLinks, linkPairs, pairLinks } from './spatial.js';

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

/** {@link RandomGeometricOptions} checked, with defaults applied. */
export interface ResolvedRandomGeometric {
  readonly meters: number;
  readonly collectors: number;
  readonly sideM: number;
  readonly seed: Seed;
  readonly eirpDbm: number;
  readonly minSuccess: number;
  readonly neighbourTable: number;
  readonly pathLoss: ResolvedPathLoss;
}

/** Checks {@link RandomGeometricOptions} and applies defaults. @internal */
export function checkRandomGeometric(options: RandomGeometricOptions, at = ''): ResolvedRandomGeometric {
  checkObject(
    at,
    options,
    ['meters', 'collectors', 'sideM', 'seed', 'eirpDbm', 'pathLoss', 'minSuccess', 'neighbourTable'],
    `randomGeometric options`,
  );
  const meters = checkInteger(join(at, 'meters'), options.meters, 1, 10_000_000);
  const collectors = checkInteger(join(at, 'collectors'), options.collectors ?? 1, 1, 10_000);
  const sideM = options.sideM ?? 2000;
  if (!(sideM > 0 && Number.isFinite(sideM))) throw new ValidationError(join(at, 'sideM'), sideM, 'a side > 0 m');
  const seed = checkSeed(join(at, 'seed'), options.seed ?? 0);
  const eirpDbm = options.eirpDbm ?? 24;
  if (!Number.isFinite(eirpDbm)) throw new ValidationError(join(at, 'eirpDbm'), eirpDbm, 'a finite power in dBm');
  const minSuccess = options.minSuccess ?? 0.05;
  if (!(minSuccess > 0 && minSuccess < 1))
    throw new ValidationError(join(at, 'minSuccess'), minSuccess, 'a probability in (0, 1)');
  const neighbourTable = checkInteger(join(at, 'neighbourTable'), options.neighbourTable ?? 0, 0, 1000);
  const pathLoss = checkPathLoss(options.pathLoss, join(at, 'pathLoss'));
  return { meters, collectors, sideM, seed, eirpDbm, minSuccess, neighbourTable, pathLoss };
}

/**
 * Devices scattered uniformly on a square, linked by the path-loss model (a random geometric
 * graph with soft, shadowed edges). Collectors are `C1…`, meters `M1…`.
 */
export function randomGeometric(options: RandomGeometricOptions): Network {
  const r = checkRandomGeometric(options);
  checkRandomGeometricSize(r, '');
  return buildRandomGeometric(r);
}

/**
 * About how many links a random geometric network has: each device links to the others its
 * radio reaches (a disc of the range at which a link of median shadowing still succeeds with
 * `minSuccess`), or to its neighbour table's worth when it keeps one.
 * @internal
 */
export function randomGeometricLinks(r: ResolvedRandomGeometric): number {
  const n = r.meters + r.collectors;
  const rangeM = maxRangeM(r.pathLoss, r.eirpDbm, r.minSuccess, 0);
  const share = Math.min(1, (Math.PI * rangeM * rangeM) / (r.sideM * r.sideM));
  const perDevice = Math.min(n - 1, share * n);
  return (n * (r.neighbourTable > 0 ? Math.min(perDevice, 2 * r.neighbourTable) : perDevice)) / 2;
}

/**
 * Refuses a random geometric network this machine cannot hold, naming its meters: measured,
 * ~0.4 kB per device and ~0.35 kB per link (an object per device and link).
 * @internal
 */
export function checkRandomGeometricSize(r: ResolvedRandomGeometric, at: string): void {
  const links = randomGeometricLinks(r);
  const devices = r.meters + r.collectors;
  checkMemory(
    join(at, 'meters'),
    r.meters,
    devices * 400 + links * 350,
    `${devices.toLocaleString('en-US')} devices with about ${Math.round(links).toLocaleString('en-US')} links`,
  );
}

/** The network of {@link randomGeometric} from checked options. @internal */
export function buildRandomGeometric(r: ResolvedRandomGeometric): Network {
  const { meters, collectors, sideM, seed, eirpDbm, minSuccess, neighbourTable, pathLoss } = r;
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
