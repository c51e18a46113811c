import { generatorPath } from '../../random/purposes.js';
import { checkInteger, checkObject, checkPositive, checkProbability, join, checkSeed } from '../../check.js';
import { ValidationError } from '../../errors.js';
import { createStream, type Rng, type Seed } from '../../random/stream.js';
import { compileColumns, type CompiledMesh, type LinkList } from '../mesh.js';
import { DEVICE_KINDS, FLAG_BITS, KIND, type Device, type DeviceKind, type FirmwareVersions } from '../device.js';
import { checkMemory } from '../../runtime/memory.js';
import { isModule42x } from '../firmware.js';
import { Network } from '../network.js';
import { checkPathLoss, seedToInt, type PathLossOptions, type ResolvedPathLoss } from './pathloss.js';
import { addLinks, linkPairs, pairLinks } from './spatial.js';

/** One entry of a meter model mix. */
export interface ModelShare {
  /** Model name given to the meters. */
  readonly model: string;
  /** Relative weight (shares are normalised). */
  readonly share: number;
  /** Module firmware version these meters start with. @defaultValue '5.18' */
  readonly moduleFirmware?: string;
  /** DCW version they start with. @defaultValue none recorded */
  readonly dcw?: string;
  /** Metrology firmware version they start with. @defaultValue none recorded */
  readonly metrology?: string;
  /** HAN / ZigBee firmware version the ZigBee-capable ones start with. @defaultValue none recorded */
  readonly han?: string;
  /**
   * Distinct meter programs among them, each meter given one at random (`<model>-P1` …): the
   * upgrade rules seed one meter per program. @defaultValue none recorded
   */
  readonly programs?: number;
  /**
   * Distinct tariff ids among them (`T1` …), each meter given one at random.
   * @defaultValue 1 when programs are given
   */
  readonly tariffs?: number;
}

/** Kinds of device whose firmware a utility's options may set. */
export type UtilityFirmwareKind =
  'collector' | 'router' | 'meshExtender' | 'gasModule' | 'waterModule' | 'concentrator' | 'repeater920';

/** Radio budget of one kind of device. */
export interface RadioBudget {
  /** Transmit power plus antenna gain (EIRP) in dBm. */
  readonly eirpDbm: number;
  /** Receive antenna gain in dBi. */
  readonly rxGainDb: number;
}

/** Options of {@link utility}; every default and its source is in `docs/model.md` ("Utility generator"). */
export interface UtilityOptions {
  /** Number of collectors, one per square cell of the territory. @defaultValue 4 */
  readonly collectors?: number;
  /** Electric meters per collector cell. @defaultValue 2500 */
  readonly endpointsPerCollector?: number;
  /** Seed of the layout, the mix and the shadowing. @defaultValue 0 */
  readonly seed?: Seed;
  /** Side of each collector's square cell in metres. @defaultValue 3000 */
  readonly cellSideM?: number;
  /** Mean number of houses in a neighbourhood cluster. @defaultValue 150 */
  readonly neighbourhoodSize?: number;
  /** Distance between neighbouring houses in a neighbourhood, in metres. @defaultValue 30 */
  readonly houseSpacingM?: number;
  /** Share of meters scattered outside neighbourhoods (farms, pumps, rural lots). @defaultValue 0.05 */
  readonly ruralShare?: number;
  /** Routers per collector cell, placed at random. @defaultValue 6 */
  readonly routersPerCollector?: number;
  /**
   * Share of the routers that are concentrators / MCCs (a dual head-end system's): they relay as
   * routers do, with a router's radio. @defaultValue 0
   */
  readonly concentratorShare?: number;
  /** What the other routers are: routers, or 920 MHz repeaters (the Japanese market). @defaultValue 'router' */
  readonly routerKind?: 'router' | 'repeater920';
  /** Mesh extenders per 1,000 meters, placed at random. @defaultValue 2 */
  readonly meshExtendersPerThousand?: number;
  /** Share of meters with a gas module child. @defaultValue 0.3 */
  readonly gasShare?: number;
  /** Share of meters with a water module child. @defaultValue 0.2 */
  readonly waterShare?: number;
  /** Share of meters that are ZigBee (HAN) capable. @defaultValue 0.5 */
  readonly zigbeeShare?: number;
  /** Share of ZigBee-capable meters with an active HAN. @defaultValue 0.2 */
  readonly activeHanShare?: number;
  /** Meter model mix. @defaultValue focus-ax-integrated 0.6, focus-al-modular 0.3, commercial-s4 0.1 */
  readonly models?: readonly ModelShare[];
  /**
   * Firmware the other kinds start with. @defaultValue module firmware 5.18 (collector radios,
   * routers, mesh extenders), gas modules 2.1, water modules 2.0; no DCW recorded
   */
  readonly firmware?: Partial<Record<UtilityFirmwareKind, FirmwareVersions>>;
  /** Radio budgets per kind. @defaultValue {@link UTILITY_RADIO_DEFAULTS} (sources: docs/model.md, "Link model") */
  readonly radio?: Partial<Record<'collector' | 'router' | 'meshExtender' | 'meter', RadioBudget>>;
  /** Path-loss model. */
  readonly pathLoss?: PathLossOptions;
  /** Links whose worse direction succeeds less often are dropped. @defaultValue 0.05 */
  readonly minSuccess?: number;
  /** Neighbour-table size K (each device keeps its K best links). @defaultValue 12 */
  readonly neighbourTable?: number;
}

/** Radio budgets used by {@link utility} when none are given (docs/model.md, "Link model"). */
export const UTILITY_RADIO_DEFAULTS: Record<'collector' | 'router' | 'meshExtender' | 'meter', RadioBudget> = {
  collector: { eirpDbm: 36, rxGainDb: 6 },
  router: { eirpDbm: 33, rxGainDb: 3 },
  meshExtender: { eirpDbm: 30, rxGainDb: 2 },
  meter: { eirpDbm: 24, rxGainDb: 0 },
};

/** Meter models used by {@link utility} when none are given. */
export const UTILITY_MODEL_DEFAULTS: readonly ModelShare[] = [
  { model: 'focus-ax-integrated', share: 0.6, moduleFirmware: '5.18' },
  { model: 'focus-al-modular', share: 0.3, moduleFirmware: '5.18' },
  { model: 'commercial-s4', share: 0.1, moduleFirmware: '5.18' },
];

/** Draws from a Poisson(mean) by inversion (means here are small, ~150). */
function poisson(rng: Rng, mean: number): number {
  // Split large means so exp(-mean) never underflows.
  let total = 0;
  let rest = mean;
  while (rest > 0) {
    const m = Math.min(rest, 500);
    rest -= m;
    const limit = Math.exp(-m);
    let k = 0;
    let prod = rng();
    while (prod > limit) {
      k++;
      prod *= rng();
    }
    total += k;
  }
  return total;
}

/** The utility layout as columns, in final device order (children right after their parent). */
interface UtilityColumns {
  readonly n: number;
  readonly kind: Uint8Array;
  readonly xM: Float64Array;
  readonly yM: Float64Array;
  /** Index into `models` for meters; -1 otherwise. */
  readonly model: Int16Array;
  readonly models: readonly ModelShare[];
  readonly flags: Uint8Array;
  readonly parent: Int32Array;
  /** The number in the device's id (C7, M123, …). */
  readonly serial: Int32Array;
  /** Meter program number (from 1; 0: none recorded). */
  readonly program: Int32Array;
  /** Tariff id number (from 1; 0: none recorded). */
  readonly tariff: Int32Array;
  /** Firmware of the other kinds. */
  readonly firmware: Partial<Record<UtilityFirmwareKind, FirmwareVersions>>;
}

const K = KIND;
const PREFIX: Record<number, string> = {
  [K.collector]: 'C',
  [K.router]: 'R',
  [K.meshExtender]: 'X',
  [K.meter]: 'M',
  [K.gasModule]: 'G',
  [K.waterModule]: 'W',
  [K.concentrator]: 'N',
  [K.repeater920]: 'J',
};
const STATIC_MODEL_BY_KIND: Record<UtilityFirmwareKind, { model: string; module: string }> = {
  collector: { model: 'collector', module: '5.18' },
  router: { model: 'router', module: '5.18' },
  meshExtender: { model: 'mesh-extender', module: '5.18' },
  gasModule: { model: 'gas-module', module: '2.1' },
  waterModule: { model: 'water-module', module: '2.0' },
  concentrator: { model: 'concentrator', module: '5.18' },
  repeater920: { model: 'repeater-920', module: '5.18' },
};
const STATIC_MODEL: Record<number, { model: string; module: string }> = Object.fromEntries(
  Object.entries(STATIC_MODEL_BY_KIND).map(([k, v]) => [K[k as UtilityFirmwareKind], v]),
);

/** {@link UtilityOptions} checked, with defaults applied. */
export interface ResolvedUtility {
  readonly collectors: number;
  readonly perCollector: number;
  readonly seed: Seed;
  readonly cellSideM: number;
  readonly hoodSize: number;
  readonly houseSpacingM: number;
  readonly ruralShare: number;
  readonly routersPer: number;
  readonly concentratorShare: number;
  readonly routerKind: 'router' | 'repeater920';
  readonly extendersPerThousand: number;
  readonly gasShare: number;
  readonly waterShare: number;
  readonly zigbeeShare: number;
  readonly activeHanShare: number;
  readonly models: readonly ModelShare[];
  readonly totalShare: number;
  readonly firmware: Partial<Record<UtilityFirmwareKind, FirmwareVersions>>;
  readonly radio: Record<'collector' | 'router' | 'meshExtender' | 'meter', RadioBudget>;
  readonly minSuccess: number;
  readonly neighbourTable: number;
  readonly pathLoss: ResolvedPathLoss;
}

/**
 * Checks {@link UtilityOptions} and applies defaults, without building anything (scenario
 * validation uses it too). Throws {@link ValidationError} naming the option.
 */
export function checkUtility(options: UtilityOptions, at = ''): ResolvedUtility {
  if (typeof options !== 'object' || options === null)
    throw new ValidationError(at === '' ? 'options' : at, options, 'an object of utility options');
  checkObject(
    at,
    options,
    [
      'collectors',
      'endpointsPerCollector',
      'seed',
      'cellSideM',
      'neighbourhoodSize',
      'houseSpacingM',
      'ruralShare',
      'routersPerCollector',
      'concentratorShare',
      'routerKind',
      'meshExtendersPerThousand',
      'gasShare',
      'waterShare',
      'zigbeeShare',
      'activeHanShare',
      'models',
      'firmware',
      'radio',
      'pathLoss',
      'minSuccess',
      'neighbourTable',
    ],
    'utility options',
  );
  const collectors = checkInteger(join(at, 'collectors'), options.collectors ?? 4, 1, 100_000);
  const perCollector = checkInteger(
    join(at, 'endpointsPerCollector'),
    options.endpointsPerCollector ?? 2500,
    0,
    10_000_000,
  );
  const seed = checkSeed(join(at, 'seed'), options.seed ?? 0);
  const cellSideM = checkPositive(join(at, 'cellSideM'), options.cellSideM ?? 3000);
  const hoodSize = checkPositive(join(at, 'neighbourhoodSize'), options.neighbourhoodSize ?? 150);
  const houseSpacingM = checkPositive(join(at, 'houseSpacingM'), options.houseSpacingM ?? 30);
  const ruralShare = checkProbability(join(at, 'ruralShare'), options.ruralShare ?? 0.05, 'a share');
  const routersPer = checkInteger(join(at, 'routersPerCollector'), options.routersPerCollector ?? 6, 0, 100_000);
  const extendersPerThousand = options.meshExtendersPerThousand ?? 2;
  if (!(extendersPerThousand >= 0 && extendersPerThousand <= 1000)) {
    throw new ValidationError(join(at, 'meshExtendersPerThousand'), extendersPerThousand, 'a number in [0, 1000]');
  }
  const concentratorShare = checkProbability(join(at, 'concentratorShare'), options.concentratorShare ?? 0, 'a share');
  const routerKind = options.routerKind ?? 'router';
  if (routerKind !== 'router' && routerKind !== 'repeater920') {
    throw new ValidationError(join(at, 'routerKind'), routerKind, "'router' or 'repeater920'");
  }
  const gasShare = checkProbability(join(at, 'gasShare'), options.gasShare ?? 0.3, 'a share');
  const waterShare = checkProbability(join(at, 'waterShare'), options.waterShare ?? 0.2, 'a share');
  const zigbeeShare = checkProbability(join(at, 'zigbeeShare'), options.zigbeeShare ?? 0.5, 'a share');
  const activeHanShare = checkProbability(join(at, 'activeHanShare'), options.activeHanShare ?? 0.2, 'a share');
  const models = options.models ?? UTILITY_MODEL_DEFAULTS;
  if (!Array.isArray(models) || models.length === 0)
    throw new ValidationError(join(at, 'models'), models, 'a non-empty list of { model, share }');
  let totalShare = 0;
  (models as readonly unknown[]).forEach((given, i) => {
    const m = checkObject(
      join(at, `models[${i}]`),
      given,
      ['model', 'share', 'moduleFirmware', 'dcw', 'metrology', 'han', 'programs', 'tariffs'],
      'a model share',
    );
    for (const f of ['moduleFirmware', 'dcw', 'metrology', 'han'] as const) {
      if (m[f] !== undefined && typeof m[f] !== 'string')
        throw new ValidationError(join(at, `models[${i}].${f}`), m[f], 'a version string');
    }
    const { model, share, programs, tariffs } = m;
    if (programs !== undefined) checkInteger(join(at, `models[${i}].programs`), programs, 1, 10_000);
    if (tariffs !== undefined) {
      if (programs === undefined)
        throw new ValidationError(join(at, `models[${i}].tariffs`), tariffs, 'absent unless programs are given');
      checkInteger(join(at, `models[${i}].tariffs`), tariffs, 1, 10_000);
    }
    if (typeof model !== 'string' || model.length === 0)
      throw new ValidationError(join(at, `models[${i}].model`), model, 'a model name');
    if (typeof share !== 'number' || !(share >= 0) || !Number.isFinite(share))
      throw new ValidationError(join(at, `models[${i}].share`), share, 'a weight >= 0');
    totalShare += share;
  });
  if (!(totalShare > 0)) throw new ValidationError(join(at, 'models'), models, 'at least one model with a share > 0');
  const firmware = options.firmware ?? {};
  checkObject(join(at, 'firmware'), firmware, Object.keys(STATIC_MODEL_BY_KIND), 'firmware by kind');
  for (const [kind, versions] of Object.entries(firmware)) {
    checkObject(join(at, `firmware.${kind}`), versions, ['module', 'dcw', 'metrology', 'han'], 'firmware versions');
    for (const [f, v] of Object.entries(versions as object)) {
      if (typeof v !== 'string') throw new ValidationError(join(at, `firmware.${kind}.${f}`), v, 'a version string');
    }
  }
  if (options.radio !== undefined)
    checkObject(join(at, 'radio'), options.radio, Object.keys(UTILITY_RADIO_DEFAULTS), 'radio budgets');
  const radio = { ...UTILITY_RADIO_DEFAULTS, ...options.radio };
  for (const [kind, budget] of Object.entries(radio)) {
    if (!(kind in UTILITY_RADIO_DEFAULTS))
      throw new ValidationError(join(at, `radio.${kind}`), budget, 'collector, router, meshExtender or meter');
    checkObject(join(at, `radio.${kind}`), budget, ['eirpDbm', 'rxGainDb'], 'a radio budget');
    if (!Number.isFinite(budget.eirpDbm) || !Number.isFinite(budget.rxGainDb)) {
      throw new ValidationError(join(at, `radio.${kind}`), budget, '{ eirpDbm, rxGainDb } in dBm / dBi');
    }
  }
  const minSuccess = options.minSuccess ?? 0.05;
  if (!(minSuccess > 0 && minSuccess < 1))
    throw new ValidationError(join(at, 'minSuccess'), minSuccess, 'a probability in (0, 1)');
  const neighbourTable = checkInteger(join(at, 'neighbourTable'), options.neighbourTable ?? 12, 0, 1000);
  const pathLoss = checkPathLoss(options.pathLoss, join(at, 'pathLoss'));
  return {
    collectors,
    perCollector,
    seed,
    cellSideM,
    hoodSize,
    houseSpacingM,
    ruralShare,
    routersPer,
    concentratorShare,
    routerKind,
    extendersPerThousand,
    gasShare,
    waterShare,
    zigbeeShare,
    activeHanShare,
    models,
    totalShare,
    firmware,
    radio,
    minSuccess,
    neighbourTable,
    pathLoss,
  };
}

/** Devices a {@link utility} network with these (checked) options has, about (for planning and limits). */
export function utilitySize(r: ResolvedUtility): number {
  const meters = r.collectors * r.perCollector;
  return Math.round(
    r.collectors * (1 + r.routersPer) + meters * (1 + r.extendersPerThousand / 1000 + r.gasShare + r.waterShare),
  );
}

function utilityColumns(r: ResolvedUtility): { columns: UtilityColumns; links: LinkList } {
  const {
    collectors,
    perCollector,
    seed,
    cellSideM,
    hoodSize,
    houseSpacingM,
    ruralShare,
    routersPer,
    extendersPerThousand,
  } = r;
  const {
    gasShare,
    waterShare,
    zigbeeShare,
    activeHanShare,
    models,
    totalShare,
    radio,
    minSuccess,
    neighbourTable,
    pathLoss,
  } = r;

  const cols = Math.ceil(Math.sqrt(collectors));
  const rows = Math.ceil(collectors / cols);
  const widthM = cols * cellSideM;
  const heightM = rows * cellSideM;
  const meters = collectors * perCollector;
  const routers = collectors * routersPer;
  const extenders = Math.round((meters * extendersPerThousand) / 1000);
  const n = collectors + routers + extenders + meters;

  const place = createStream(seed, ...generatorPath('utility/placement'));
  const mix = createStream(seed, ...generatorPath('utility/mix'));
  const kinds: DeviceKind[] = [];
  const xM = new Float64Array(n);
  const yM = new Float64Array(n);
  let i = 0;
  for (let c = 0; c < collectors; c++, i++) {
    kinds.push('collector');
    xM[i] = ((c % cols) + 0.5) * cellSideM;
    yM[i] = (Math.floor(c / cols) + 0.5) * cellSideM;
  }
  const concentrators = Math.round(routers * r.concentratorShare);
  for (let k = 0; k < routers + extenders; k++, i++) {
    kinds.push(k < concentrators ? 'concentrator' : k < routers ? r.routerKind : 'meshExtender');
    xM[i] = place() * widthM;
    yM[i] = place() * heightM;
  }
  // Meters: neighbourhoods of Poisson(hoodSize) houses on a jittered square lattice around a
  // random centre, until the clustered share is placed; the rest scattered uniformly.
  const clustered = Math.round(meters * (1 - ruralShare));
  let placed = 0;
  while (placed < clustered) {
    const size = Math.min(clustered - placed, Math.max(1, poisson(place, hoodSize)));
    const side = Math.ceil(Math.sqrt(size));
    const cx = place() * widthM;
    const cy = place() * heightM;
    for (let h = 0; h < size; h++, i++) {
      kinds.push('meter');
      const gx = (h % side) - (side - 1) / 2;
      const gy = Math.floor(h / side) - (side - 1) / 2;
      xM[i] = clamp(cx + (gx + (place() - 0.5) * 0.5) * houseSpacingM, 0, widthM);
      yM[i] = clamp(cy + (gy + (place() - 0.5) * 0.5) * houseSpacingM, 0, heightM);
    }
    placed += size;
  }
  for (; placed < meters; placed++, i++) {
    kinds.push('meter');
    xM[i] = place() * widthM;
    yM[i] = place() * heightM;
  }

  const eirpDbm = new Float64Array(n);
  const rxGainDb = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const kind = kinds[j] === 'concentrator' || kinds[j] === 'repeater920' ? 'router' : kinds[j];
    const budget = radio[kind as 'collector' | 'router' | 'meshExtender' | 'meter'];
    eirpDbm[j] = budget.eirpDbm;
    rxGainDb[j] = budget.rxGainDb;
  }
  const layout = { xM, yM, eirpDbm, rxGainDb };
  const rule = { pathLoss, seed: seedToInt(seed), minSuccess, neighbourTable };
  const pairs = linkPairs(layout, rule);

  // Final order: mesh devices as placed, each meter followed by its gas then water module.
  const pickModel = (u: number): number => {
    let acc = 0;
    for (let m = 0; m < models.length; m++) {
      acc += models[m]!.share / totalShare;
      if (u < acc) return m;
    }
    return models.length - 1;
  };
  // Kinds without a model mix: the 4.2x bit from the module firmware they start with.
  const staticFlags = (kind: number): number => {
    const name = DEVICE_KINDS[kind] as UtilityFirmwareKind;
    const module = r.firmware[name]?.module ?? STATIC_MODEL[kind]!.module;
    return isModule42x(module) ? FLAG_BITS.moduleFirmware42x : 0;
  };
  const kindOut: number[] = [];
  const placedOf: number[] = [];
  const modelOut: number[] = [];
  const flagsOut: number[] = [];
  const parentOut: number[] = [];
  const finalOf = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const kind = K[kinds[j]!];
    finalOf[j] = kindOut.length;
    kindOut.push(kind);
    placedOf.push(j);
    parentOut.push(-1);
    if (kind !== K.meter) {
      modelOut.push(-1);
      flagsOut.push(staticFlags(kind));
      continue;
    }
    const self = kindOut.length - 1;
    const model = pickModel(mix());
    modelOut.push(model);
    const zigbeeCapable = mix() < zigbeeShare;
    const activeHan = zigbeeCapable && mix() < activeHanShare;
    flagsOut.push(
      (zigbeeCapable ? FLAG_BITS.zigbeeCapable : 0) |
        (activeHan ? FLAG_BITS.activeHan : 0) |
        (isModule42x(models[model]!.moduleFirmware ?? '5.18') ? FLAG_BITS.moduleFirmware42x : 0),
    );
    for (const [childKind, childShare] of [
      [K.gasModule, gasShare],
      [K.waterModule, waterShare],
    ] as const) {
      if (mix() < childShare) {
        kindOut.push(childKind);
        placedOf.push(j);
        modelOut.push(-1);
        flagsOut.push(staticFlags(childKind));
        parentOut.push(self);
      }
    }
  }
  const total = kindOut.length;
  const serial = new Int32Array(total);
  const counters = new Int32Array(DEVICE_KINDS.length);
  for (let i = 0; i < total; i++) serial[i] = ++counters[kindOut[i]!]!;
  const x = new Float64Array(total);
  const y = new Float64Array(total);
  for (let i = 0; i < total; i++) {
    x[i] = xM[placedOf[i]!]!;
    y[i] = yM[placedOf[i]!]!;
  }
  // Programs from a stream of their own: the layout and the mix draw as they did before.
  const programOut = new Int32Array(total);
  const tariffOut = new Int32Array(total);
  const drawProgram = createStream(seed, ...generatorPath('utility/programs'));
  for (let i = 0; i < total; i++) {
    const m = modelOut[i]!;
    const share = m >= 0 ? models[m]! : undefined;
    if (share?.programs === undefined) continue;
    programOut[i] = 1 + Math.floor(drawProgram() * share.programs);
    tariffOut[i] = 1 + Math.floor(drawProgram() * (share.tariffs ?? 1));
  }
  const columns: UtilityColumns = {
    n: total,
    program: programOut,
    tariff: tariffOut,
    firmware: r.firmware,
    kind: Uint8Array.from(kindOut),
    xM: x,
    yM: y,
    model: Int16Array.from(modelOut),
    models,
    flags: Uint8Array.from(flagsOut),
    parent: Int32Array.from(parentOut),
    serial,
  };
  return { columns, links: pairLinks(layout, rule, pairs, finalOf) };
}

function idOf(c: UtilityColumns, i: number): string {
  return `${PREFIX[c.kind[i]!]}${c.serial[i]}`;
}

function deviceOf(c: UtilityColumns, i: number): Device {
  const kind = c.kind[i]!;
  const m = c.model[i]!;
  const fixed = STATIC_MODEL[kind];
  const share = m >= 0 ? c.models[m]! : undefined;
  const f = c.flags[i]!;
  const p = c.parent[i]!;
  const firmware: FirmwareVersions =
    share === undefined
      ? { module: fixed!.module, ...c.firmware[DEVICE_KINDS[kind] as UtilityFirmwareKind] }
      : {
          module: share.moduleFirmware ?? '5.18',
          ...(share.dcw === undefined ? {} : { dcw: share.dcw }),
          ...(share.metrology === undefined ? {} : { metrology: share.metrology }),
          ...(share.han === undefined || (f & FLAG_BITS.zigbeeCapable) === 0 ? {} : { han: share.han }),
        };
  const program = c.program[i]!;
  return {
    id: idOf(c, i),
    kind: DEVICE_KINDS[kind]!,
    model: share?.model ?? fixed!.model,
    position: { xM: c.xM[i]!, yM: c.yM[i]! },
    ...(p >= 0 ? { parent: idOf(c, p) } : {}),
    flags: {
      zigbeeCapable: (f & FLAG_BITS.zigbeeCapable) !== 0,
      activeHan: (f & FLAG_BITS.activeHan) !== 0,
      disableBroadcasts: false,
      encryptFwDownload: false,
    },
    firmware,
    ...(program === 0 ? {} : { program: { program: `${share!.model}-P${program}`, tariff: `T${c.tariff[i]}` } }),
  };
}

/**
 * A synthetic utility service territory: collectors at the centres of square cells, routers
 * and mesh extenders scattered over it, electric meters in clustered neighbourhoods (plus a
 * rural share), gas and water modules on a share of meters, a meter model mix, and link
 * success from the log-distance path-loss + shadowing model with per-device neighbour tables.
 *
 * Ids: collectors `C1…`, routers `R1…`, mesh extenders `X1…`, meters `M1…`, gas modules
 * `G1…`, water modules `W1…`; each meter is followed by its gas and water modules. Devices
 * register with the collector their route ends at. For utility-scale studies that need no
 * editing, {@link utilityMesh} builds the same network straight to a compiled mesh.
 */
export function utility(options: UtilityOptions = {}): Network {
  const r = checkUtility(options);
  checkUtilitySize(r, '', false);
  return buildUtility(r);
}

/**
 * Refuses a utility this machine cannot hold, naming its meters per collector: measured, ~4 kB
 * per device as a `Network` (an object per device and link), ~0.5 kB compiled straight to
 * typed arrays.
 * @internal
 */
export function checkUtilitySize(r: ResolvedUtility, at: string, mesh: boolean): void {
  const devices = utilitySize(r);
  checkMemory(
    join(at, 'endpointsPerCollector'),
    r.perCollector,
    devices * (mesh ? 500 : 4000),
    `a utility of ${devices.toLocaleString('en-US')} devices`,
  );
}

/** The network of {@link utility} from checked options. @internal */
export function buildUtility(options: ResolvedUtility): Network {
  const { columns: c, links } = utilityColumns(options);
  const net = new Network();
  net.graph.beginUpdate();
  for (let i = 0; i < c.n; i++) net.addDevice(deviceOf(c, i));
  addLinks(net, links, (i) => idOf(c, i));
  net.graph.endUpdate();
  return net;
}

/**
 * The network of {@link utility} with the same options, compiled directly from typed columns:
 * no graph, no id strings or device records held (they are computed on demand). Same devices,
 * ids, links and compiled arrays as `compile(utility(options))`, at a fraction of the memory
 * and time — the way to simulate a million endpoints.
 */
export function utilityMesh(options: UtilityOptions = {}): CompiledMesh {
  const r = checkUtility(options);
  checkUtilitySize(r, '', true);
  return buildUtilityMesh(r);
}

/** The mesh of {@link utilityMesh} from checked options. @internal */
export function buildUtilityMesh(options: ResolvedUtility): CompiledMesh {
  // The id and device accessors keep only the per-device columns; the links (pair keys, made
  // in their own scope so no accessor's closure keeps them) go straight into the CSR, their
  // probabilities computed as it is filled, so no link arrays are ever held.
  const { columns: c, links } = utilityColumns(options);
  const byKind: Int32Array[] = DEVICE_KINDS.map(() => new Int32Array(0));
  const counts = new Int32Array(DEVICE_KINDS.length);
  for (let i = 0; i < c.n; i++) counts[c.kind[i]!]!++;
  DEVICE_KINDS.forEach((_, k) => (byKind[k] = new Int32Array(counts[k]! + 1)));
  for (let i = 0; i < c.n; i++) byKind[c.kind[i]!]![c.serial[i]!] = i;
  const prefixKind = new Map(Object.entries(PREFIX).map(([k, p]) => [p, Number(k)]));
  return compileColumns({
    n: c.n,
    kind: c.kind,
    flags: c.flags,
    parent: c.parent,
    registered: new Int32Array(c.n).fill(-1),
    links,
    id: (i) => idOf(c, i),
    index: (id) => {
      const k = prefixKind.get(id.charAt(0));
      if (k === undefined || !/^[A-Z][1-9]\d*$/.test(id)) return -1;
      const table = byKind[k]!;
      const s = Number(id.slice(1));
      return s < table.length ? table[s]! : -1;
    },
    device: (i) => deviceOf(c, i),
    revision: 0,
  });
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
