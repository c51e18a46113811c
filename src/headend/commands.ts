import { checkInteger, checkObject, checkOneOf, checkString, join } from '../check.js';
import { ValidationError } from '../errors.js';
import type { RelativeHops } from '../broadcast/spec.js';
import { KIND } from '../network/device.js';
import { compareVersions, isModule42x, sameVersion } from '../network/firmware.js';
import type { CompiledMesh } from '../network/mesh.js';
import { checkVersion, type Catalogue, type Package, type PackageType } from './catalogue.js';
import type { Codes } from './codes.js';
import { FIRMWARE_FIELDS, RECORD_FLAGS, STATUS, type FirmwareField, type Records } from './records.js';

/** Firmware download commands the head-end can broadcast, by the package they send. */
export const BROADCAST_TYPES = [
  'moduleFirmware',
  'dcw',
  'metrology',
  'han',
  'gasModuleFirmware',
  'waterModuleFirmware',
  'smallDcw',
] as const;

/** One of {@link BROADCAST_TYPES}. */
export type BroadcastType = (typeof BROADCAST_TYPES)[number];

/** Commands sent to a group or point to point. */
export const UNICAST_COMMANDS = [
  'getEndpointInfo',
  'getEndpointConfiguration',
  'hanInitialization',
  'smallDcw',
  'firmwareDownload',
] as const;

/** One of {@link UNICAST_COMMANDS}. */
export type UnicastCommandType = (typeof UNICAST_COMMANDS)[number];

/** The head-end's name of each command, as Command History shows it. */
export const COMMAND_NAMES: Readonly<Record<BroadcastType | UnicastCommandType | 'hanInitialization', string>> = {
  moduleFirmware: 'Endpoint Firmware Download',
  dcw: 'DCW Download',
  metrology: 'Metrology Firmware Download',
  han: 'HAN Firmware Download',
  gasModuleFirmware: 'Gas Module Firmware Download',
  waterModuleFirmware: 'Water Module Firmware Download',
  smallDcw: 'Send Small DCW',
  getEndpointInfo: 'Get Endpoint Info',
  getEndpointConfiguration: 'Get Endpoint Configuration',
  hanInitialization: 'HAN Initialization',
  firmwareDownload: 'Firmware Download',
};

/** Licensed options of the head-end: gas, water and HAN downloads each need theirs. */
export const LICENCES = ['gas', 'water', 'han'] as const;

/** One of {@link LICENCES}. */
export type Licence = (typeof LICENCES)[number];

/** Security modes, named by how many command groups a broadcast may take (the guide: 4 or 6). */
export const SECURITY_MODES = ['four-groups', 'six-groups'] as const;

/** One of {@link SECURITY_MODES}. */
export type SecurityMode = (typeof SECURITY_MODES)[number];

/** When an image activates: as soon as it is complete, or at a date. */
export type CommandActivation =
  | 'now'
  | {
      /**
       * ISO 8601 date-time the image activates at, read against the head-end's `epoch` (clock 0);
       * an image completed later activates when it completes.
       */
      readonly at: string;
    };

/**
 * A broadcast command as the operator builds it on the head-end's screen. Every field is checked
 * against the head-end's rules (docs/model.md, "The head-end"): a violation is a
 * `ValidationError` naming the field, the value and the rule.
 */
export interface BroadcastCommandInput {
  /** What is sent (the package type). HAN Initialization is refused: it is not broadcast-enabled. */
  readonly type: BroadcastType | 'hanInitialization';
  /** The version sent: catalogued for the model. */
  readonly version: string;
  /** The one endpoint model addressed (not for water firmware, to which the filter does not apply). */
  readonly model?: string;
  /** The ZigBee-capable filter: required; HAN commands 'yes' only, devices without ZigBee 'no' only. */
  readonly zigbee: 'yes' | 'no';
  /** Module firmware filter: 'All' or catalogued versions of the model. Required. */
  readonly moduleFirmware: string | readonly string[];
  /** DCW filter: 'All' or catalogued DCW versions of the model. Required, but for water firmware. */
  readonly dcw?: string | readonly string[];
  /** Collectors whose radios send it: at least one, each in Normal or Discovered status, or 'all' such. */
  readonly collectors: readonly string[] | 'all';
  /** Command groups: only their members take it (at most 4 or 6, by security mode). */
  readonly groups?: readonly string[];
  /** Maximum Hops: 2–40, or relative to the collectors' Max. Layer. @defaultValue 40 */
  readonly maxHops?: number | RelativeHops;
  /** Maximum TTL, seconds: 60–600. @defaultValue 300 */
  readonly ttlS?: number;
  /** Maximum Segments: 0 for the whole image, else at most that many segments. @defaultValue 0 */
  readonly maxSegments?: number;
  /**
   * First image segment sent (**model choice**: the guide names only Maximum Segments; with it, a
   * repeat pass can resend just the stretch of the image that endpoints' tanks still miss).
   * @defaultValue 0
   */
  readonly firstSegment?: number;
  /** Seconds between packets (the download spread). @defaultValue 70 */
  readonly spacingS?: number;
  /** Activation: 'now', or at an ISO date-time. @defaultValue 'now' */
  readonly activation?: CommandActivation;
}

/** The fields of {@link BroadcastCommandInput}. */
export const BROADCAST_COMMAND_FIELDS = [
  'type',
  'version',
  'model',
  'zigbee',
  'moduleFirmware',
  'dcw',
  'collectors',
  'groups',
  'maxHops',
  'ttlS',
  'maxSegments',
  'firstSegment',
  'spacingS',
  'activation',
] as const;

/** What the head-end needs to check a command: its records, catalogue, licences and rules. */
export interface CommandContext {
  /** The network the head-end was made on, compiled. */
  readonly mesh: CompiledMesh;
  /** The head-end's records: what a filter matches and Expected counts. */
  readonly records: Records;
  /** The catalogue: only catalogued versions may be sent or named in a filter. */
  readonly catalogue: Catalogue;
  /** The head-end's version table (codes of the records' columns). */
  readonly versions: Codes;
  /** The head-end's model table. */
  readonly models: Codes;
  /** Licensed options: gas, water and HAN packages need theirs. */
  readonly licences: ReadonlySet<Licence>;
  /** Command groups one broadcast may take: 4 or 6, by the security mode. */
  readonly groupLimit: number;
  /** Clock time 0 as epoch milliseconds. */
  readonly epochMs: number;
  /** Image bytes per broadcast packet. */
  readonly payloadBytes: number;
}

/** The firmware field a package type writes. */
export const FIELD_OF_TYPE: Readonly<Record<PackageType, FirmwareField | null>> = {
  collector: null,
  collectorRadio: 'module',
  moduleFirmware: 'module',
  gasModuleFirmware: 'module',
  waterModuleFirmware: 'module',
  dcw: 'dcw',
  smallDcw: 'dcw',
  han: 'han',
  metrology: 'metrology',
};

/** Kinds of device each broadcast type applies to. */
const KINDS_OF_TYPE: Readonly<Record<BroadcastType, readonly number[]>> = {
  moduleFirmware: [KIND.meter, KIND.router, KIND.meshExtender, KIND.concentrator, KIND.repeater920],
  dcw: [KIND.meter, KIND.router, KIND.meshExtender, KIND.concentrator, KIND.repeater920],
  smallDcw: [KIND.meter, KIND.router, KIND.meshExtender, KIND.concentrator, KIND.repeater920],
  metrology: [KIND.meter],
  han: [KIND.meter],
  gasModuleFirmware: [KIND.gasModule],
  waterModuleFirmware: [KIND.waterModule],
};

/** Licence each type needs. */
const LICENCE_OF_TYPE: Partial<Record<BroadcastType, Licence>> = {
  gasModuleFirmware: 'gas',
  waterModuleFirmware: 'water',
  han: 'han',
};

/**
 * A broadcast command the head-end accepted: every field checked, defaults applied, the
 * package found, and Expected counted from the records when it was built.
 */
export interface BroadcastCommand {
  /** How it is delivered. */
  readonly delivery: 'broadcast';
  /** Package type sent. */
  readonly type: BroadcastType;
  /** The head-end's name of the command. */
  readonly name: string;
  /** Version sent. */
  readonly version: string;
  /** The package sent. */
  readonly package: Package;
  /** Image size in packets. */
  readonly packets: number;
  /** Endpoint model (null: water firmware). */
  readonly model: string | null;
  /** ZigBee-capable filter. */
  readonly zigbee: boolean;
  /** Module firmware filter. */
  readonly moduleFirmware: readonly string[] | 'All';
  /** DCW filter. */
  readonly dcw: readonly string[] | 'All';
  /** Collectors sending it. */
  readonly collectors: readonly string[];
  /** Command groups (empty: none). */
  readonly groups: readonly string[];
  /** Maximum Hops. */
  readonly maxHops: number | RelativeHops;
  /** Maximum TTL, seconds. */
  readonly ttlS: number;
  /** Maximum Segments. */
  readonly maxSegments: number;
  /** First image segment sent. */
  readonly firstSegment: number;
  /** Seconds between packets. */
  readonly spacingS: number;
  /** Activation. */
  readonly activation: CommandActivation;
  /** Activation time on the clock (-Infinity: now). */
  readonly activationS: number;
  /** Expected: Normal records matching the filter, when the command was built. */
  readonly expected: number;
}

/** A version filter: 'All', one version or a list. */
function checkFilter(at: string, v: unknown): readonly string[] | 'All' {
  if (v === 'All') return 'All';
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ValidationError(at, v, "'All' or catalogued versions (required)");
  }
  return list.map((x, i) => checkVersion(Array.isArray(v) ? join(at, i) : at, x));
}

/** The kind codes the records give a model. */
function kindsOfModel(ctx: CommandContext, model: number): Set<number> {
  const kinds = new Set<number>();
  const { records } = ctx;
  for (let v = 0; v < records.n; v++) if (records.model[v] === model) kinds.add(records.kind[v]!);
  return kinds;
}

/**
 * Checks a broadcast command against the head-end's rules and counts Expected.
 * @param at - where the command was given, for errors
 */
export function checkBroadcastCommand(ctx: CommandContext, input: unknown, at: string): BroadcastCommand {
  const o = checkObject(at, input, BROADCAST_COMMAND_FIELDS, 'a broadcast command');
  if (o['type'] === 'hanInitialization') {
    throw new ValidationError(
      join(at, 'type'),
      'hanInitialization',
      'a broadcast command type: HAN Initialization is not broadcast-enabled (send it to a group or point to point)',
    );
  }
  const type = checkOneOf<BroadcastType>(join(at, 'type'), o['type'], BROADCAST_TYPES);
  const licence = LICENCE_OF_TYPE[type];
  if (licence !== undefined && !ctx.licences.has(licence)) {
    throw new ValidationError(
      join(at, 'type'),
      type,
      `a command the head-end is licensed for: ${COMMAND_NAMES[type]} needs the '${licence}' licence`,
    );
  }
  const water = type === 'waterModuleFirmware';
  const version = checkVersion(join(at, 'version'), o['version']);

  // One endpoint model, known to the records, of a kind the type applies to.
  let model: string | null = null;
  let modelCode = -1;
  if (water) {
    if (o['model'] !== undefined) {
      throw new ValidationError(
        join(at, 'model'),
        o['model'],
        'nothing: the model filter does not apply to water firmware',
      );
    }
  } else {
    if (Array.isArray(o['model'])) {
      throw new ValidationError(join(at, 'model'), o['model'], 'one endpoint model per broadcast');
    }
    model = checkString(join(at, 'model'), o['model'], 'one endpoint model (required)');
    modelCode = ctx.models.find(model);
    const kinds = modelCode < 0 ? new Set<number>() : kindsOfModel(ctx, modelCode);
    if (kinds.size === 0) throw new ValidationError(join(at, 'model'), model, 'a model of endpoints in the records');
    const allowed = KINDS_OF_TYPE[type];
    if (![...kinds].every((k) => allowed.includes(k))) {
      throw new ValidationError(join(at, 'model'), model, `a model ${COMMAND_NAMES[type]} applies to`);
    }
  }
  const pkg = ctx.catalogue.find(type, version, model ?? undefined);
  if (pkg === undefined) {
    const known = ctx.catalogue.versions(type, model ?? undefined);
    throw new ValidationError(
      join(at, 'version'),
      version,
      `a ${type} version in the catalogue${model === null ? '' : ` for ${model}`}` +
        (known.length === 0 ? ' (none is imported)' : `: ${known.join(', ')}`),
    );
  }

  // ZigBee filter: required; HAN commands Yes only; devices without ZigBee No only.
  const zigbeeInput = o['zigbee'];
  if (zigbeeInput !== 'yes' && zigbeeInput !== 'no') {
    throw new ValidationError(join(at, 'zigbee'), zigbeeInput, "the ZigBee-capable filter, required: 'yes' or 'no'");
  }
  if (type === 'han' && zigbeeInput !== 'yes') {
    throw new ValidationError(join(at, 'zigbee'), zigbeeInput, "'yes': HAN commands go to ZigBee-capable meters only");
  }
  if (zigbeeInput === 'yes' && (modelCode < 0 || !kindsOfModel(ctx, modelCode).has(KIND.meter))) {
    throw new ValidationError(join(at, 'zigbee'), zigbeeInput, "'no': devices without ZigBee take No only");
  }

  // Module firmware and DCW filters: required, catalogued for the model, or All.
  const moduleType: PackageType =
    type === 'gasModuleFirmware' || type === 'waterModuleFirmware' ? type : 'moduleFirmware';
  const moduleFirmware = checkFilter(join(at, 'moduleFirmware'), o['moduleFirmware']);
  if (moduleFirmware !== 'All') {
    moduleFirmware.forEach((ver, i) => {
      const where = Array.isArray(o['moduleFirmware'])
        ? join(join(at, 'moduleFirmware'), i)
        : join(at, 'moduleFirmware');
      if (isModule42x(ver)) {
        throw new ValidationError(
          where,
          ver,
          'no 4.2x module firmware: endpoints on 4.2x take no broadcast (upgrade them to 5.18 first)',
        );
      }
      if (!ctx.catalogue.has(moduleType, ver, model ?? undefined)) {
        throw new ValidationError(
          where,
          ver,
          `'All' or module firmware in the catalogue for ${model ?? 'water modules'}`,
        );
      }
      if (
        pkg.compatibleModuleFirmware !== null &&
        ![...pkg.compatibleModuleFirmware].some((c) => sameVersion(c, ver))
      ) {
        throw new ValidationError(
          where,
          ver,
          `module firmware ${version} installs on: ${[...pkg.compatibleModuleFirmware].join(', ')}`,
        );
      }
    });
  }
  let dcw: readonly string[] | 'All' = 'All';
  if (water) {
    if (o['dcw'] !== undefined && o['dcw'] !== 'All') {
      throw new ValidationError(
        join(at, 'dcw'),
        o['dcw'],
        "'All' or nothing: the DCW filter does not apply to water firmware",
      );
    }
  } else {
    dcw = checkFilter(join(at, 'dcw'), o['dcw']);
    if (dcw !== 'All') {
      dcw.forEach((ver, i) => {
        const where = Array.isArray(o['dcw']) ? join(join(at, 'dcw'), i) : join(at, 'dcw');
        if (!ctx.catalogue.has('dcw', ver, model!) && !ctx.catalogue.has('smallDcw', ver, model!)) {
          throw new ValidationError(where, ver, `'All' or DCW versions in the catalogue for ${model}`);
        }
      });
    }
  }

  // Collectors: at least one, each Normal or Discovered.
  const collectors = checkCollectorList(ctx, o['collectors'], join(at, 'collectors'));

  // Command groups: known, at most the security mode's limit.
  const groups = o['groups'] === undefined ? [] : o['groups'];
  if (!Array.isArray(groups)) throw new ValidationError(join(at, 'groups'), groups, 'a list of command group names');
  if (groups.length > ctx.groupLimit) {
    throw new ValidationError(
      join(at, 'groups'),
      groups,
      `at most ${ctx.groupLimit} command groups in this security mode ` +
        `(${ctx.groupLimit === 4 ? 'four-groups' : 'six-groups'})`,
    );
  }
  groups.forEach((g: unknown, i) => {
    if (typeof g !== 'string' || !ctx.records.groupNames.includes(g)) {
      throw new ValidationError(
        join(join(at, 'groups'), i),
        g,
        `a group of the head-end (${ctx.records.groupNames.join(', ') || 'none defined'})`,
      );
    }
  });

  const maxHops = checkHops(o['maxHops'] ?? 40, join(at, 'maxHops'));
  const ttlS = o['ttlS'] ?? 300;
  if (typeof ttlS !== 'number' || !(ttlS >= 60 && ttlS <= 600)) {
    throw new ValidationError(join(at, 'ttlS'), ttlS, 'Maximum TTL of 60 to 600 seconds');
  }
  const packets = pkg.packets ?? Math.ceil(pkg.imageBytes! / ctx.payloadBytes);
  const maxSegments = checkInteger(join(at, 'maxSegments'), o['maxSegments'] ?? 0, 0, packets);
  const firstSegment = checkInteger(join(at, 'firstSegment'), o['firstSegment'] ?? 0, 0, packets - 1);
  const spacingS = o['spacingS'] ?? 70;
  if (typeof spacingS !== 'number' || !(spacingS > 0 && spacingS <= 86_400)) {
    throw new ValidationError(join(at, 'spacingS'), spacingS, 'seconds between packets, > 0 and at most a day');
  }
  const { activation, activationS } = checkCommandActivation(ctx, o['activation'], join(at, 'activation'));

  const command: Omit<BroadcastCommand, 'expected'> = {
    delivery: 'broadcast',
    type,
    name: COMMAND_NAMES[type],
    version,
    package: pkg,
    packets,
    model,
    zigbee: zigbeeInput === 'yes',
    moduleFirmware,
    dcw,
    collectors,
    groups: groups as string[],
    maxHops,
    ttlS,
    maxSegments,
    firstSegment,
    spacingS,
    activation,
    activationS,
  };
  // No endpoint on 4.2x targeted: with 'All', the records must show none of the model on it.
  const matches = matchRecords(ctx, command);
  let on42x = 0;
  let first = -1;
  const module = ctx.records.firmware[0]!;
  let expected = 0;
  for (let v = 0; v < matches.length; v++) {
    if (matches[v] === 0) continue;
    if (isModule42x(ctx.versions.name(module[v]!)) && !water && FIELD_OF_TYPE[type] !== null) {
      on42x++;
      if (first < 0) first = v;
    }
    if (ctx.records.status[v] === STATUS.Normal) expected++;
  }
  if (on42x > 0) {
    throw new ValidationError(
      join(at, 'moduleFirmware'),
      o['moduleFirmware'],
      'a filter targeting no endpoint on 4.2x module firmware ' +
        `(it would take in ${on42x}, e.g. ${ctx.mesh.id(first)}; ` +
        'upgrade them to 5.18 first, or name the versions to send to)',
    );
  }
  return { ...command, expected };
}

/** Collectors of a command: 'all' (every Normal or Discovered one) or ids, each Normal or Discovered. */
export function checkCollectorList(ctx: CommandContext, v: unknown, at: string): readonly string[] {
  const { mesh, records } = ctx;
  const usable = (c: number): boolean => records.status[c] === STATUS.Normal || records.status[c] === STATUS.Discovered;
  if (v === 'all') {
    const all = Array.from(mesh.collectors)
      .filter(usable)
      .map((c) => mesh.id(c));
    if (all.length === 0) throw new ValidationError(at, v, 'at least one collector in Normal or Discovered status');
    return all;
  }
  if (!Array.isArray(v) || v.length === 0) {
    throw new ValidationError(at, v, "at least one collector: a list of collector ids, or 'all'");
  }
  v.forEach((id: unknown, i) => {
    const c = typeof id === 'string' ? mesh.index(id) : -1;
    if (c < 0 || mesh.kind[c] !== KIND.collector)
      throw new ValidationError(join(at, i), id, 'a collector of the network');
    if (v.indexOf(id) !== i) throw new ValidationError(join(at, i), id, 'each collector once');
    if (!usable(c)) {
      throw new ValidationError(
        join(at, i),
        id,
        `a collector in Normal or Discovered status (it is ${records.get(c).status})`,
      );
    }
  });
  return [...(v as string[])];
}

/** Maximum Hops: 2–40 or `{ maxLayerPlus }`. */
function checkHops(v: unknown, at: string): number | RelativeHops {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = checkObject(at, v, ['maxLayerPlus'], 'Maximum Hops relative to the Max. Layer');
    return { maxLayerPlus: checkInteger(join(at, 'maxLayerPlus'), o['maxLayerPlus'], 0, 40) };
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 2 || v > 40) {
    throw new ValidationError(at, v, 'Maximum Hops: an integer 2 to 40, or { maxLayerPlus: n }');
  }
  return v;
}

/** Activation 'now' or `{ at }` (an ISO date-time) and its clock time. */
export function checkCommandActivation(
  ctx: CommandContext,
  v: unknown,
  at: string,
): { activation: CommandActivation; activationS: number } {
  if (v === undefined || v === 'now') return { activation: 'now', activationS: -Infinity };
  const o = checkObject(at, v, ['at'], "'now' or { at: an ISO date-time }");
  const when = typeof o['at'] === 'string' ? Date.parse(o['at']) : NaN;
  if (Number.isNaN(when)) throw new ValidationError(join(at, 'at'), o['at'], 'an ISO 8601 date-time');
  return { activation: { at: o['at'] as string }, activationS: (when - ctx.epochMs) / 1000 };
}

/**
 * Which records a broadcast command's filter matches (status aside): 1 per matching device.
 * The same filter over the devices' own versions gives the command's real targets.
 */
export function matchRecords(ctx: CommandContext, cmd: Omit<BroadcastCommand, 'expected'>): Uint8Array {
  const { records } = ctx;
  return matchFilter(ctx, cmd, records.firmware, records.flags, records.model);
}

/**
 * Devices matching a broadcast command's filter, given their version columns, flags and models.
 * @internal
 */
export function matchFilter(
  ctx: CommandContext,
  cmd: Omit<BroadcastCommand, 'expected'>,
  firmware: readonly Uint16Array[],
  flags: Uint8Array,
  models: Uint16Array,
): Uint8Array {
  const { mesh, records, versions } = ctx;
  const n = mesh.n;
  const out = new Uint8Array(n);
  const kinds = new Uint8Array(256);
  for (const k of KINDS_OF_TYPE[cmd.type]) kinds[k] = 1;
  const model = cmd.model === null ? -1 : ctx.models.find(cmd.model);
  const versionSet = (list: readonly string[] | 'All'): Uint8Array | null => {
    if (list === 'All') return null;
    const set = new Uint8Array(versions.size + 1);
    for (let c = 1; c <= versions.size; c++) if (list.some((l) => sameVersion(l, versions.name(c)!))) set[c] = 1;
    return set;
  };
  const module = versionSet(cmd.moduleFirmware);
  const dcw = versionSet(cmd.dcw);
  const collectors = new Uint8Array(n);
  for (const id of cmd.collectors) collectors[mesh.index(id)] = 1;
  let groupMask = 0;
  for (const g of cmd.groups) groupMask |= 1 << records.groupNames.indexOf(g);
  const zigbee = cmd.zigbee ? RECORD_FLAGS.zigbeeCapable : 0;
  const moduleColumn = firmware[0]!;
  const dcwColumn = firmware[1]!;
  for (let v = 0; v < n; v++) {
    if (kinds[mesh.kind[v]!] !== 1) continue;
    if (model >= 0 && models[v] !== model) continue;
    if ((flags[v]! & RECORD_FLAGS.zigbeeCapable) !== zigbee) continue;
    const c = records.collector[v]!;
    if (c < 0 || collectors[c] !== 1) continue;
    if (groupMask !== 0 && (records.groups[v]! & groupMask) === 0) continue;
    if (module !== null && module[moduleColumn[v]!] !== 1) continue;
    if (dcw !== null && dcw[dcwColumn[v]!] !== 1) continue;
    out[v] = 1;
  }
  return out;
}

/** Module firmware of the 5.6 platform or later (HAN Initialization needs it). */
export function onHanPlatform(version: string | undefined): boolean {
  return version !== undefined && compareVersions(version, '5.6') >= 0;
}

/** The index of a firmware field. */
export function fieldIndex(field: FirmwareField): number {
  return FIRMWARE_FIELDS.indexOf(field);
}
