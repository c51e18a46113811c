import { checkFunction, checkInteger, checkObject, checkOneOf, checkString, isPlainObject, join } from '../check.js';
import { MeshcastError, ValidationError } from '../errors.js';
import { runBroadcast } from '../broadcast/run.js';
import type { BroadcastResult } from '../broadcast/result.js';
import type { RunOptions } from '../broadcast/options.js';
import type { BroadcastSpec } from '../broadcast/spec.js';
import { checkMesh } from '../network/compile.js';
import { DEVICE_KINDS, KIND, type DeviceKind } from '../network/device.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { Network } from '../network/network.js';
import { delaySampler } from '../random/distributions.js';
import { headendPath } from '../random/purposes.js';
import { createStream, deriveSeed } from '../random/stream.js';
import { Catalogue, checkVersion, type CatalogueManifest, type PackageInput, type PackageType } from './catalogue.js';
import { Codes } from './codes.js';
import {
  BROADCAST_TYPES,
  checkBroadcastCommand,
  checkCommandActivation,
  COMMAND_NAMES,
  FIELD_OF_TYPE,
  fieldIndex,
  LICENCES,
  matchFilter,
  onHanPlatform,
  SECURITY_MODES,
  UNICAST_COMMANDS,
  type BroadcastCommand,
  type BroadcastCommandInput,
  type BroadcastType,
  type CommandActivation,
  type CommandContext,
  type Licence,
  type SecurityMode,
  type UnicastCommandType,
} from './commands.js';
import { FieldState, HAN_INITIALISED } from './field.js';
import { ACTIVATED, COMPLETED, FAILED, Inbox, RESPONDED } from './inbox.js';
import {
  checkRecordOptions,
  FIRMWARE_FIELDS,
  RECORD_FLAGS,
  Records,
  STATUS,
  STATUSES,
  type EndpointRecord,
  type FirmwareField,
  type RecordOptions,
  type Status,
} from './records.js';
import { KEPT_OUTCOME_BYTES, keepOutcomesWithin } from './outcomes.js';
import type { BroadcastOutcome, HistoryEntry, UnicastCommand, UnicastOutcome, UnicastResponse } from './outcomes.js';
import { HeadEndReports } from './reports.js';
import { carry, checkTiming, type CommandTiming, type CommandTimingOptions } from './timing.js';

/** Encryption modes the Command History shows. */
export const ENCRYPTION_MODES = ['Open', 'Standard', 'Advanced'] as const;

/** One of {@link ENCRYPTION_MODES}. */
export type EncryptionMode = (typeof ENCRYPTION_MODES)[number];

/**
 * Which endpoints a command group holds: listed ids, or those whose records match (every given
 * field must match; versions as the records show them when the group is defined).
 */
export type GroupSelector =
  | {
      /** The members, by id. */
      readonly endpoints: readonly string[];
    }
  | {
      /** Registered to one of these collectors. */
      readonly collectors?: readonly string[];
      /** Of one of these models. */
      readonly models?: readonly string[];
      /** Of one of these kinds. */
      readonly kinds?: readonly DeviceKind[];
      /** Whose records show one of these module firmware versions. */
      readonly moduleFirmware?: readonly string[];
      /** Whose records show one of these DCW versions. */
      readonly dcw?: readonly string[];
      /** In one of these statuses. */
      readonly statuses?: readonly Status[];
    };

/** How a head-end is set up. */
export interface HeadEndOptions {
  /** Firmware packages imported at the start (more with `headEnd.catalogue.add`). */
  readonly catalogue?: CatalogueManifest;
  /** How its records start: stale share, statuses. */
  readonly records?: RecordOptions;
  /** Licensed options: 'gas', 'water', 'han'. @defaultValue none */
  readonly licences?: readonly Licence[];
  /** Security mode: how many command groups a broadcast may take. @defaultValue 'four-groups' */
  readonly securityMode?: SecurityMode;
  /** Encryption mode shown in Command History. @defaultValue 'Standard' */
  readonly encryptionMode?: EncryptionMode;
  /** Command groups, by name (at most 16). */
  readonly groups?: Readonly<Record<string, GroupSelector>>;
  /** ISO date-time of clock 0 (reports show dates). @defaultValue '2026-01-05T08:00:00Z' */
  readonly epoch?: string;
  /** Image bytes per broadcast packet. @defaultValue 100 */
  readonly payloadBytes?: number;
  /** How long commands take. */
  readonly timing?: CommandTimingOptions;
}

/** The fields of {@link HeadEndOptions} (a scenario's head-end section takes them too). */
export const HEADEND_FIELDS = [
  'catalogue',
  'records',
  'licences',
  'securityMode',
  'encryptionMode',
  'groups',
  'epoch',
  'payloadBytes',
  'timing',
] as const;

/**
 * A head-end's state as plain data ({@link HeadEnd.saveState}): clock, version and model tables,
 * catalogue, records, the devices' firmware and what is on its way to the head-end.
 */
export interface HeadEndState {
  /** What the data is. */
  readonly format: 'meshcast-headend-state';
  /** Its format version. */
  readonly version: 1;
  /** Devices of the network it belongs to. */
  readonly devices: number;
  /** The head-end's clock, seconds. */
  readonly clock: number;
  /** The version table, by code (code 1 first). */
  readonly versions: readonly string[];
  /** The model table, by code (code 1 first). */
  readonly models: readonly string[];
  /** The packages imported, in order. */
  readonly catalogue: readonly PackageInput[];
  /** Command group names, by bit. */
  readonly groupNames: readonly string[];
  /** The records' columns ({@link Records}), one entry per endpoint in device order. */
  readonly records: {
    /** Status codes: the index in {@link STATUSES} (0 Normal, 1 Configure, 2 Discovered, 3 Inactive). */
    readonly status: readonly number[];
    /** Record flag bits: 1 ZigBee capable, 128 HAN Initialization heard to succeed. */
    readonly flags: readonly number[];
    /** Codes (of `versions`) the records show, one column per {@link FIRMWARE_FIELDS} entry (0: unknown). */
    readonly firmware: readonly (readonly number[])[];
    /** Reported pending image's field: index in {@link FIRMWARE_FIELDS} + 1 (0: none). */
    readonly pendingField: readonly number[];
    /** Reported pending image's version code. */
    readonly pendingVersion: readonly number[];
    /** Reported pending image's activation time, clock seconds. */
    readonly activationS: readonly number[];
    /** Command groups, one bit per name of `groupNames`. */
    readonly groups: readonly number[];
  };
  /** The devices' columns (what they really run), one entry per device. */
  readonly field: {
    /** Codes (of `versions`) the devices run, one column per {@link FIRMWARE_FIELDS} entry (0: none). */
    readonly firmware: readonly (readonly number[])[];
    /** Pending image's field: index in {@link FIRMWARE_FIELDS} + 1 (0: none). */
    readonly pendingField: readonly number[];
    /** Pending image's version code. */
    readonly pendingVersion: readonly number[];
    /** When the pending image activates (the device reboots then), clock seconds. */
    readonly activationS: readonly number[];
    /** When the last reboot ends, clock seconds; -Infinity (never rebooted) is written as null in JSON. */
    readonly runningS: readonly (number | null)[];
    /** State bits: 1 HAN Initialization has succeeded on the meter. */
    readonly state: readonly number[];
    /**
     * Flag bits as the engine reads them ({@link FLAG_BITS}); the 4.2x bit follows the module
     * firmware the device runs.
     */
    readonly flags: readonly number[];
  };
  /** Messages on their way to the head-end, column by column. */
  readonly inbox: Readonly<
    Record<
      'atS' | 'node' | 'what' | 'command' | 'field' | 'version' | 'activationS' | 'snapshot' | 'bits',
      readonly number[]
    >
  >;
  /** Command History without the engine's results of past broadcasts. */
  readonly history: readonly Omit<HistoryEntry, 'outcome'>[];
}

/** A group or point-to-point command as the operator builds it. */
export interface UnicastCommandInput {
  /** The command. */
  readonly command: UnicastCommandType;
  /** Point to point: the endpoints addressed. */
  readonly endpoints?: readonly string[];
  /** Group: the command group addressed. */
  readonly group?: string;
  /** Firmware Download: the package type sent. */
  readonly type?: Exclude<BroadcastType, 'smallDcw'>;
  /** Firmware Download, Send Small DCW: the version sent (catalogued for each endpoint's model). */
  readonly version?: string;
  /** Firmware Download: when the image activates. @defaultValue 'now' */
  readonly activation?: CommandActivation;
}

/** How the head-end runs a command. */
export interface HeadEndRunOptions extends Omit<RunOptions, 'previous'> {
  /** Clock time the command is issued (not before the head-end's clock). @defaultValue the clock */
  readonly atS?: number;
  /**
   * Runs a broadcast command's pass in place of `runBroadcast`, with the same arguments and the
   * same result (a campaign's worker pool). @defaultValue runBroadcast
   * @internal
   */
  readonly runner?: typeof runBroadcast;
}

/** A downloaded image the devices hold: its last pass (their tanks), and which devices completed it. */
interface Image {
  result: BroadcastResult;
  processed: Uint8Array;
}

/**
 * The head-end, as its operator uses it (docs/model.md, "The head-end"): a catalogue of
 * firmware packages, records kept apart from the devices, broadcast commands checked against the
 * guide's rules and run on the engine, group and point-to-point commands along each endpoint's
 * route, Command History and the download reports. Records change only from what reaches the
 * head-end; the devices change only from what reaches them.
 *
 * Its clock moves forward as commands run: each is issued at the clock (or a later `atS`), and
 * the clock moves on to when the command is over (a broadcast: its last traffic and reports
 * heard; a group or point-to-point command: its last response or timeout).
 * @example
 * ```ts
 * const he = new HeadEnd(network, { records: { staleShare: 0.1, seed: 7 } });
 * he.catalogue.import([{ type: 'moduleFirmware', version: '5.18', models: ['focus-ax'], packets: 20 }, …]);
 * const cmd = he.broadcast({ type: 'moduleFirmware', version: '5.22', model: 'focus-ax', zigbee: 'no',
 *   moduleFirmware: 'All', dcw: 'All', collectors: ['C1'], maxHops: { maxLayerPlus: 1 }, ttlS: 60 });
 * const done = he.run(cmd, { seed: 1 });
 * he.history(); // Command History rows
 * ```
 */
export class HeadEnd {
  /** The firmware catalogue. */
  readonly catalogue: Catalogue;
  /** The head-end's records. */
  readonly records: Records;
  /** Command timing. */
  readonly timing: CommandTiming;
  /** ISO date-time of clock 0. */
  readonly epoch: string;
  /** Encryption mode shown in history. */
  readonly encryptionMode: EncryptionMode;
  /** Security mode. */
  readonly securityMode: SecurityMode;
  /** Licences held. */
  readonly licences: ReadonlySet<Licence>;
  /** The report screens: Command History, Firmware Download Statistics, Flash Download Progress … */
  readonly reports: HeadEndReports = new HeadEndReports(this);

  private readonly base: CompiledMesh;
  private mesh: CompiledMesh;
  private meshFlagsRevision = 0;
  private readonly versions = new Codes();
  private readonly models = new Codes();
  private readonly field: FieldState;
  private readonly inbox = new Inbox();
  private readonly entries: HistoryEntry[] = [];
  private readonly images = new Map<string, Image>();
  private readonly payloadBytes: number;
  private readonly epochMs: number;
  private clock = 0;

  /**
   * @param network - the network the head-end manages (its devices' versions are the truth the
   *   records start from)
   * @param options - catalogue, records, licences, security mode, groups, timing
   */
  constructor(network: Network | CompiledMesh, options: HeadEndOptions = {}) {
    const o = checkObject('options', options, HEADEND_FIELDS, 'head-end options');
    this.base = checkMesh(network);
    this.mesh = this.base;
    this.catalogue = new Catalogue();
    if (o['catalogue'] !== undefined) this.catalogue.import(o['catalogue'] as CatalogueManifest, 'options.catalogue');
    const licences = o['licences'] ?? [];
    if (!Array.isArray(licences))
      throw new ValidationError('options.licences', licences, `a list of ${LICENCES.join(', ')}`);
    this.licences = new Set(licences.map((l, i) => checkOneOf<Licence>(`options.licences[${i}]`, l, LICENCES)));
    this.securityMode = checkOneOf<SecurityMode>(
      'options.securityMode',
      o['securityMode'] ?? 'four-groups',
      SECURITY_MODES,
    );
    this.encryptionMode = checkOneOf<EncryptionMode>(
      'options.encryptionMode',
      o['encryptionMode'] ?? 'Standard',
      ENCRYPTION_MODES,
    );
    this.epoch = checkString('options.epoch', o['epoch'] ?? '2026-01-05T08:00:00Z', 'an ISO 8601 date-time');
    this.epochMs = Date.parse(this.epoch);
    if (Number.isNaN(this.epochMs)) throw new ValidationError('options.epoch', this.epoch, 'an ISO 8601 date-time');
    this.payloadBytes = checkInteger('options.payloadBytes', o['payloadBytes'] ?? 100, 1, 65_535);
    this.timing = checkTiming(o['timing'], 'options.timing');
    const recordOptions = checkRecordOptions(o['records'], 'options.records');
    this.field = new FieldState(this.base, this.versions);
    this.records = new Records(this.base, this.versions, this.models);
    this.records.fill(this.field.firmware, recordOptions);
    const groups = o['groups'] ?? {};
    if (!isPlainObject(groups)) throw new ValidationError('options.groups', groups, 'groups by name');
    for (const [name, selector] of Object.entries(groups)) {
      this.defineGroup(name, selector as GroupSelector, `options.groups.${name}`);
    }
  }

  /** The network it manages, compiled (device indices of the records are this mesh's). */
  get network(): CompiledMesh {
    return this.base;
  }

  /** The version device index v really runs in a field (null: none), as it stands at the clock. */
  deviceVersion(v: number, field: FirmwareField): string | null {
    return this.versions.name(this.field.firmware[FIRMWARE_FIELDS.indexOf(field)]![v]!) ?? null;
  }

  /** The head-end's clock, seconds. */
  get now(): number {
    return this.clock;
  }

  /** A date on the clock as an ISO date-time. */
  date(s: number): string {
    return new Date(this.epochMs + s * 1000).toISOString();
  }

  /**
   * Lets time pass to clock time t: images activate, reports arrive.
   * @throws ValidationError when t is before the clock
   */
  advance(t: number): void {
    if (typeof t !== 'number' || !(t >= this.clock) || !Number.isFinite(t)) {
      throw new ValidationError('t', t, `a clock time at or after the head-end's clock (${this.clock} s)`);
    }
    this.clock = t;
    this.settle(t);
  }

  /** The head-end's record of an endpoint (as it stands at the clock). */
  record(id: string): EndpointRecord {
    return this.records.get(this.indexOf(id, 'id'));
  }

  /**
   * What a device really runs (as it stands at the clock): its versions, a pending image, and
   * whether HAN Initialization succeeded on it.
   */
  device(id: string): {
    /** Device id. */
    readonly id: string;
    /** Module firmware it runs (null: none). */
    readonly moduleFirmware: string | null;
    /** DCW (null: none). */
    readonly dcw: string | null;
    /** Metrology firmware (null: none). */
    readonly metrology: string | null;
    /** HAN / ZigBee firmware (null: none). */
    readonly han: string | null;
    /** An image held for activation (null: none). */
    readonly pending: {
      /** The field it replaces. */
      readonly field: FirmwareField;
      /** Its version. */
      readonly version: string;
      /** When it activates (clock seconds). */
      readonly activationS: number;
    } | null;
    /** HAN Initialization has succeeded on it. */
    readonly hanInitialised: boolean;
  } {
    const v = this.indexOf(id, 'id');
    const f = this.field;
    const name = (field: number): string | null => this.versions.name(f.firmware[field]![v]!) ?? null;
    const p = f.pendingField[v]!;
    return {
      id,
      moduleFirmware: name(0),
      dcw: name(1),
      metrology: name(2),
      han: name(3),
      pending:
        p === 0
          ? null
          : {
              field: FIRMWARE_FIELDS[p - 1]!,
              version: this.versions.name(f.pendingVersion[v]!)!,
              activationS: f.activationS[v]!,
            },
      hanInitialised: (f.state[v]! & HAN_INITIALISED) !== 0,
    };
  }

  /**
   * Defines (or redefines) a command group from listed endpoints or the records that match a
   * selector as they stand now.
   * @returns the number of members
   */
  defineGroup(name: string, selector: GroupSelector, at = 'group'): number {
    checkString(join(at, 'name'), name, 'a group name');
    const { records, base: mesh } = this;
    const members = new Uint8Array(mesh.n);
    if (isPlainObject(selector) && 'endpoints' in selector) {
      const s = checkObject(at, selector, ['endpoints'], 'a group selector');
      for (const v of this.endpointList(s['endpoints'], join(at, 'endpoints'))) members[v] = 1;
    } else {
      const s = checkObject(
        at,
        selector,
        ['collectors', 'models', 'kinds', 'moduleFirmware', 'dcw', 'statuses'],
        'a group selector: { endpoints } or record fields',
      );
      const list = (field: string): string[] | null => {
        const v = s[field];
        if (v === undefined) return null;
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
          throw new ValidationError(join(at, field), v, 'a list of strings');
        }
        return v as string[];
      };
      const collectors = list('collectors')?.map((id, i) => {
        const c = mesh.index(id);
        if (c < 0 || mesh.kind[c] !== KIND.collector) {
          throw new ValidationError(join(at, `collectors[${i}]`), id, 'a collector of the network');
        }
        return c;
      });
      const models = list('models');
      const kinds = list('kinds')?.map((k, i) => {
        const code = (DEVICE_KINDS as readonly string[]).indexOf(k);
        if (code < 0) throw new ValidationError(join(at, `kinds[${i}]`), k, DEVICE_KINDS.join(', '));
        return code;
      });
      const module = list('moduleFirmware')?.map((x, i) => checkVersion(join(at, `moduleFirmware[${i}]`), x));
      const dcw = list('dcw')?.map((x, i) => checkVersion(join(at, `dcw[${i}]`), x));
      const statuses = list('statuses')?.map(
        (x, i) => STATUS[checkOneOf<Status>(join(at, `statuses[${i}]`), x, STATUSES)],
      );
      const r = records;
      for (let v = 0; v < mesh.n; v++) {
        if (mesh.kind[v] === KIND.collector) continue;
        if (collectors !== undefined && !collectors.includes(r.collector[v]!)) continue;
        if (models !== null && !models.includes(this.models.name(r.model[v]!) ?? '')) continue;
        if (kinds !== undefined && !kinds.includes(r.kind[v]!)) continue;
        if (statuses !== undefined && !statuses.includes(r.status[v]!)) continue;
        const version = (f: number): string | undefined => this.versions.name(r.firmware[f]![v]!);
        if (module !== undefined && !module.includes(version(0) ?? '')) continue;
        if (dcw !== undefined && !dcw.includes(version(1) ?? '')) continue;
        members[v] = 1;
      }
    }
    const bit = 1 << records.group(name, join(at, 'name'));
    let count = 0;
    for (let v = 0; v < mesh.n; v++) {
      if (members[v] === 1) {
        records.groups[v] = records.groups[v]! | bit;
        count++;
      } else records.groups[v] = records.groups[v]! & ~bit;
    }
    return count;
  }

  /** Ids of a group's members, in device order. */
  groupMembers(name: string): string[] {
    const g = this.records.groupNames.indexOf(name);
    if (g < 0)
      throw new ValidationError('group', name, `a group of the head-end (${this.records.groupNames.join(', ')})`);
    const out: string[] = [];
    for (let v = 0; v < this.base.n; v++) if ((this.records.groups[v]! >> g) & 1) out.push(this.base.id(v));
    return out;
  }

  /**
   * Versions active in the network that the catalogue lacks, as `type version (model)`: the
   * head-end refuses commands until they are imported.
   */
  missingFromCatalogue(): string[] {
    const { base: mesh, field, catalogue, versions } = this;
    const seen = new Set<number>();
    const missing: string[] = [];
    const typeOfField = (v: number, f: number): PackageType => {
      if (f === 1) return 'dcw';
      if (f === 2) return 'metrology';
      if (f === 3) return 'han';
      const k = mesh.kind[v]!;
      if (k === KIND.collector) return 'collectorRadio';
      if (k === KIND.gasModule) return 'gasModuleFirmware';
      if (k === KIND.waterModule) return 'waterModuleFirmware';
      return 'moduleFirmware';
    };
    const types = [
      'collectorRadio',
      'gasModuleFirmware',
      'waterModuleFirmware',
      'moduleFirmware',
      'dcw',
      'metrology',
      'han',
    ];
    for (let v = 0; v < mesh.n; v++) {
      for (let f = 0; f < FIRMWARE_FIELDS.length; f++) {
        const code = field.firmware[f]![v]!;
        if (code === 0) continue;
        const type = typeOfField(v, f);
        const model = type === 'waterModuleFirmware' ? 0 : this.records.model[v]!;
        const key = (types.indexOf(type) * 65_536 + code) * 65_536 + model;
        if (seen.has(key)) continue;
        seen.add(key);
        const version = versions.name(code)!;
        const modelName = this.models.name(model);
        const known =
          catalogue.has(type, version, modelName) || (type === 'dcw' && catalogue.has('smallDcw', version, modelName));
        if (!known) {
          missing.push(`${type} ${version}${modelName === undefined ? '' : ` (${modelName})`}`);
        }
      }
    }
    return missing;
  }

  /**
   * Builds a broadcast command, checked against the head-end's rules (each violation a
   * `ValidationError` naming the field, the value and the rule), with Expected counted from the
   * records.
   */
  broadcast(input: BroadcastCommandInput, at = 'command'): BroadcastCommand {
    this.checkCatalogue();
    return checkBroadcastCommand(this.context(), input, at);
  }

  /** Builds a command to a group (members of a command group). */
  group(input: UnicastCommandInput, at = 'command'): UnicastCommand {
    return this.unicast(input, 'group', at);
  }

  /** Builds a point-to-point command to listed endpoints. */
  pointToPoint(input: UnicastCommandInput, at = 'command'): UnicastCommand {
    return this.unicast(input, 'point-to-point', at);
  }

  /** Runs a command: issues it at the clock (or `options.atS`) and moves the clock to its end. */
  run(command: BroadcastCommand, options?: HeadEndRunOptions): BroadcastOutcome;
  run(command: UnicastCommand, options?: HeadEndRunOptions): UnicastOutcome;
  run(command: BroadcastCommand | UnicastCommand, options: HeadEndRunOptions = {}): BroadcastOutcome | UnicastOutcome {
    if (!isPlainObject(command) || !('delivery' in command)) {
      throw new ValidationError('command', command, 'a command built by broadcast(), group() or pointToPoint()');
    }
    const { atS, runner, ...engine } = checkObject('options', options, [
      'atS',
      'runner',
      'seed',
      'replication',
      'radio',
      'traffic',
      'handoff',
      'queue',
    ]) as HeadEndRunOptions;
    if (runner !== undefined) checkFunction('options.runner', runner, 'runBroadcast or its like');
    const t0 = atS ?? this.clock;
    if (typeof t0 !== 'number' || !(t0 >= this.clock) || !Number.isFinite(t0)) {
      throw new ValidationError('options.atS', atS, `a clock time at or after the head-end's clock (${this.clock} s)`);
    }
    this.clock = t0;
    this.settle(t0);
    return command.delivery === 'broadcast'
      ? this.runBroadcastCommand(command, engine, t0, runner)
      : this.runUnicast(command, engine, t0);
  }

  /** Sends Get Endpoint Info to a group or endpoints and runs it: the replies re-synchronise versions. */
  getEndpointInfo(
    target: { group: string } | { endpoints: readonly string[] },
    options?: HeadEndRunOptions,
  ): UnicastOutcome {
    return this.run(this.target('getEndpointInfo', target), options);
  }

  /** Sends Get Endpoint Configuration and runs it: the replies re-synchronise the records. */
  getEndpointConfiguration(
    target: { group: string } | { endpoints: readonly string[] },
    options?: HeadEndRunOptions,
  ): UnicastOutcome {
    return this.run(this.target('getEndpointConfiguration', target), options);
  }

  /**
   * Runs HAN Initialization on a group or endpoints: a script initialises at most
   * `timing.hanPerCollector` meters per collector per run, retrying failures in later runs.
   */
  hanInitialization(
    target: { group: string } | { endpoints: readonly string[] },
    options?: HeadEndRunOptions,
  ): UnicastOutcome {
    return this.run(this.target('hanInitialization', target), options);
  }

  /** Command History entries, oldest first, as they stand at the clock. */
  history(): readonly Readonly<HistoryEntry>[] {
    return this.entries;
  }

  /**
   * Sends collector radio firmware to collectors over the WAN (not over the mesh): the head-end
   * upgrades `timing.collectorsAtOnce` collectors at a time, each taking
   * `timing.collectorDownloadS` to download, activate and restart; the records follow each
   * collector's answer. A collector already running the version is left alone.
   * @returns the collectors upgraded and when the last was back
   */
  collectorDownload(
    input: { readonly version: string; readonly collectors: readonly string[] | 'all' },
    options: { readonly atS?: number } = {},
  ): {
    /** Collectors upgraded (those already on the version are left out). */
    readonly collectors: readonly string[];
    /** When it started (clock seconds). */
    readonly startS: number;
    /** When the last collector was back. */
    readonly endS: number;
  } {
    const o = checkObject('input', input, ['version', 'collectors'], 'a collector download');
    const version = checkVersion('input.version', o['version']);
    if (!this.catalogue.has('collectorRadio', version, 'collector')) {
      throw new ValidationError(
        'input.version',
        version,
        `a collectorRadio version in the catalogue (${this.catalogue.versions('collectorRadio').join(', ') || 'none'})`,
      );
    }
    const mesh = this.base;
    const all = Array.from(mesh.collectors);
    const list =
      o['collectors'] === 'all'
        ? all
        : Array.isArray(o['collectors'])
          ? o['collectors'].map((id: unknown, i) => {
              const c = this.indexOf(id, `input.collectors[${i}]`);
              if (mesh.kind[c] !== KIND.collector)
                throw new ValidationError(`input.collectors[${i}]`, id, 'the id of a collector');
              return c;
            })
          : (() => {
              throw new ValidationError('input.collectors', o['collectors'], "'all' or a list of collector ids");
            })();
    const t0 = options.atS ?? this.clock;
    if (typeof t0 !== 'number' || !(t0 >= this.clock) || !Number.isFinite(t0)) {
      throw new ValidationError('options.atS', t0, `a clock time at or after the head-end's clock (${this.clock} s)`);
    }
    const code = this.versions.code(version);
    const todo = list.filter((c) => this.field.firmware[0]![c] !== code);
    const { collectorsAtOnce, collectorDownloadS } = this.timing;
    todo.forEach((c) => {
      this.field.install(c, 0, code);
      this.records.firmware[0]![c] = code;
    });
    const endS = t0 + Math.ceil(todo.length / collectorsAtOnce) * collectorDownloadS;
    this.advance(endS);
    return { collectors: todo.map((c) => mesh.id(c)), startS: t0, endS };
  }

  /**
   * RF reconfiguration of endpoints whose configuration the head-end no longer recognises (a new
   * PDU CRC it has not learnt): each is put in status Configure and taken through
   * `timing.reconfigureMessages` round trips point to point, at most
   * `timing.reconfigurePerCollector` endpoints per collector at once; one whose exchange fails
   * stays in Configure. Listed in Command History as "RF Reconfiguration".
   * @returns endpoints reconfigured and not, the messages it cost (transmissions, hop by hop)
   *   and when it ended
   */
  reconfigure(
    endpoints: readonly string[],
    options: Omit<HeadEndRunOptions, 'atS'> = {},
  ): {
    /** Endpoints back to Normal. */
    readonly reconfigured: number;
    /** Endpoints left in Configure, by id. */
    readonly failed: readonly string[];
    /** Transmissions its round trips took, hop by hop. */
    readonly messages: number;
    /** When the last reconfiguration ended (clock seconds). */
    readonly endS: number;
  } {
    if (endpoints.length === 0) return { reconfigured: 0, failed: [], messages: 0, endS: this.clock };
    const members = this.endpointList(endpoints, 'endpoints').sort((a, b) => a - b);
    const { records, timing } = this;
    const mesh = this.currentMesh();
    const id = this.entries.length;
    const t0 = this.clock;
    const entry = this.addEntry({
      delivery: 'point-to-point',
      command: 'reconfiguration',
      name: 'RF Reconfiguration',
      issuedS: t0,
      model: null,
      group: null,
      version: null,
      collectors: [...new Set(members.map((v) => records.collector[v]!).filter((c) => c >= 0))]
        .sort((a, b) => a - b)
        .map((c) => mesh.id(c)),
      expected: members.length,
      total: members.length,
      totalsApplicable: true,
      outcome: null,
    });
    for (const v of members) records.status[v] = STATUS.Configure;
    const seed = options.seed ?? 0;
    const downRng = createStream(seed, ...headendPath('downlink', id));
    const upRng = createStream(seed, ...headendPath('uplink', id));
    const down = delaySampler(timing.hop, downRng);
    const up = delaySampler(timing.hop, upRng);
    // Each collector's queue works through its endpoints `reconfigurePerCollector` at a time.
    const free = new Map<number, Float64Array>();
    const failed: string[] = [];
    let messages = 0;
    let endS = t0;
    for (const v of members) {
      const c = records.collector[v]!;
      let slots = free.get(c);
      if (slots === undefined) {
        slots = new Float64Array(timing.reconfigurePerCollector).fill(t0);
        free.set(c, slots);
      }
      let k = 0;
      for (let j = 1; j < slots.length; j++) if (slots[j]! < slots[k]!) k = j;
      let t = slots[k]! + timing.headendS;
      const hops = Math.max(1, mesh.layer[v]!) + (mesh.parent[v]! >= 0 ? 1 : 0);
      let ok = mesh.layer[v]! >= 0;
      for (let m = 0; m < timing.reconfigureMessages && ok; m++) {
        const d = carry(mesh, v, false, timing.retries, downRng, down);
        const a = Number.isNaN(d) ? NaN : carry(mesh, v, true, timing.retries, upRng, up);
        messages += 2 * hops;
        if (Number.isNaN(a)) {
          ok = false;
          t += timing.timeoutS;
        } else t += d + timing.executeS + a;
      }
      t += timing.headendS;
      slots[k] = t;
      endS = Math.max(endS, t);
      if (ok) {
        records.status[v] = STATUS.Normal;
        entry.successful++;
        entry.latestResponseS = Math.max(entry.latestResponseS ?? -Infinity, t);
      } else {
        entry.unsuccessful++;
        failed.push(mesh.id(v));
      }
    }
    this.advance(endS);
    return { reconfigured: members.length - failed.length, failed, messages, endS };
  }

  /**
   * Waits for what is on its way to the head-end — completion and activation reports, responses,
   * timeouts — at most until `untilS`: the clock moves to the last of them.
   * @returns the clock
   */
  awaitReports(untilS = Infinity): number {
    const last = Math.min(this.inbox.lastS, untilS);
    if (last > this.clock) this.advance(last);
    return this.clock;
  }

  /**
   * Forgets the tanks of images broadcast so far: a later broadcast of the same image starts
   * every target afresh. A campaign calls it between steps, so that a run resumed from a saved
   * state (which keeps no tanks) is the run that was not interrupted.
   */
  forgetImages(): void {
    this.images.clear();
  }

  /**
   * Everything the head-end and the devices hold, as plain data (typed columns as arrays) that
   * {@link HeadEnd.restoreState} takes back: a campaign's checkpoint. Command History keeps its
   * counts but not the engine's results of past broadcasts, and the tanks of images in progress
   * are not kept (take it between commands whose images are done with).
   */
  saveState(): HeadEndState {
    const r = this.records;
    const f = this.field;
    const ib = this.inbox;
    const cols = (a: ArrayLike<number>, n = a.length): number[] => Array.from({ length: n }, (_, i) => a[i]!);
    return {
      format: 'meshcast-headend-state',
      version: 1,
      devices: this.base.n,
      clock: this.clock,
      versions: this.versions.list(),
      models: this.models.list(),
      catalogue: this.catalogue.inputs(),
      groupNames: [...r.groupNames],
      records: {
        status: cols(r.status),
        flags: cols(r.flags),
        firmware: r.firmware.map((c) => cols(c)),
        pendingField: cols(r.pendingField),
        pendingVersion: cols(r.pendingVersion),
        activationS: cols(r.activationS),
        groups: cols(r.groups),
      },
      field: {
        firmware: f.firmware.map((c) => cols(c)),
        pendingField: cols(f.pendingField),
        pendingVersion: cols(f.pendingVersion),
        activationS: cols(f.activationS),
        runningS: cols(f.runningS),
        state: cols(f.state),
        flags: cols(f.flags),
      },
      inbox: {
        atS: cols(ib.atS, ib.count),
        node: cols(ib.node, ib.count),
        what: cols(ib.what, ib.count),
        command: cols(ib.command, ib.count),
        field: cols(ib.field, ib.count),
        version: cols(ib.version, ib.count),
        activationS: cols(ib.activationS, ib.count),
        snapshot: cols(ib.snapshot, 4 * ib.count),
        bits: cols(ib.bits, ib.count),
      },
      history: this.entries.map(({ outcome: _outcome, ...e }) => ({ ...e, collectors: [...e.collectors] })),
    };
  }

  /**
   * Takes back a state from {@link HeadEnd.saveState} of a head-end on the same network.
   * @throws ValidationError when it is not such a state
   */
  restoreState(state: HeadEndState): void {
    if (!isPlainObject(state) || state.format !== 'meshcast-headend-state' || state.version !== 1) {
      throw new ValidationError('state', state, 'a head-end state from saveState() (format meshcast-headend-state 1)');
    }
    if (state.devices !== this.base.n) {
      throw new ValidationError('state.devices', state.devices, `a state of this network (${this.base.n} devices)`);
    }
    state.versions.forEach((name, i) => {
      if (this.versions.code(name) !== i + 1) throw new ValidationError(`state.versions[${i}]`, name, 'codes in order');
    });
    state.models.forEach((name, i) => {
      if (this.models.code(name) !== i + 1) throw new ValidationError(`state.models[${i}]`, name, 'codes in order');
    });
    for (const p of state.catalogue) {
      if (!this.catalogue.has(p.type, p.version, p.models?.[0])) this.catalogue.add(p, 'state.catalogue');
    }
    const r = this.records;
    const f = this.field;
    r.groupNames.splice(0, r.groupNames.length, ...state.groupNames);
    r.status.set(state.records.status);
    r.flags.set(state.records.flags);
    r.firmware.forEach((c, i) => c.set(state.records.firmware[i]!));
    r.pendingField.set(state.records.pendingField);
    r.pendingVersion.set(state.records.pendingVersion);
    r.activationS.set(state.records.activationS);
    r.groups.set(state.records.groups);
    f.firmware.forEach((c, i) => c.set(state.field.firmware[i]!));
    f.pendingField.set(state.field.pendingField);
    f.pendingVersion.set(state.field.pendingVersion);
    f.activationS.set(state.field.activationS);
    f.runningS.set(state.field.runningS.map((x) => (x === null ? -Infinity : x)));
    f.state.set(state.field.state);
    f.flags.set(state.field.flags);
    f.recount();
    f.flagsRevision++;
    const ib = this.inbox;
    ib.count = 0;
    state.inbox.atS.forEach((t, i) => {
      const j = ib.add(t, state.inbox.node[i]!, state.inbox.what[i]!, state.inbox.command[i]!);
      ib.field[j] = state.inbox.field[i]!;
      ib.version[j] = state.inbox.version[i]!;
      ib.activationS[j] = state.inbox.activationS[i]!;
      ib.bits[j] = state.inbox.bits[i]!;
      ib.snapshot.set(state.inbox.snapshot.slice(4 * i, 4 * i + 4), 4 * j);
    });
    this.entries.splice(0, this.entries.length, ...state.history.map((e) => ({ ...e, outcome: null })));
    this.images.clear();
    this.clock = state.clock;
  }

  // ---- internals -------------------------------------------------------------------------

  private target(
    command: UnicastCommandType,
    target: { group: string } | { endpoints: readonly string[] },
  ): UnicastCommand {
    if (isPlainObject(target) && 'group' in target) return this.group({ command, group: target.group }, 'target');
    return this.pointToPoint({ command, ...target }, 'target');
  }

  private context(): CommandContext {
    return {
      mesh: this.base,
      records: this.records,
      catalogue: this.catalogue,
      versions: this.versions,
      models: this.models,
      licences: this.licences,
      groupLimit: this.securityMode === 'four-groups' ? 4 : 6,
      epochMs: this.epochMs,
      payloadBytes: this.payloadBytes,
    };
  }

  private checkCatalogue(): void {
    const missing = this.missingFromCatalogue();
    if (missing.length > 0) {
      throw new ValidationError(
        'catalogue',
        missing,
        `packages for every version active in the network: import ${missing.join(', ')}`,
      );
    }
  }

  private indexOf(id: unknown, at: string): number {
    const v = typeof id === 'string' ? this.base.index(id) : -1;
    if (v < 0) throw new ValidationError(at, id, 'the id of a device in the network');
    return v;
  }

  private endpointList(v: unknown, at: string): number[] {
    if (!Array.isArray(v) || v.length === 0) throw new ValidationError(at, v, 'a non-empty list of endpoint ids');
    const seen = new Set<number>();
    return v.map((id: unknown, i) => {
      const x = this.indexOf(id, join(at, i));
      if (this.base.kind[x] === KIND.collector)
        throw new ValidationError(join(at, i), id, 'an endpoint (not a collector)');
      if (seen.has(x)) throw new ValidationError(join(at, i), id, 'each endpoint once');
      seen.add(x);
      return x;
    });
  }

  /** The mesh the engine runs on: the network with the devices' current 4.2x flags. */
  private currentMesh(): CompiledMesh {
    if (this.field.flagsRevision !== this.meshFlagsRevision) {
      this.mesh = { ...this.base, flags: this.field.flags.slice(), derived: new Map() };
      this.meshFlagsRevision = this.field.flagsRevision;
    }
    return this.mesh;
  }

  /** Images activate and messages reach the head-end, up to t. */
  private settle(t: number): void {
    this.field.settle(t);
    const { order, taken } = this.inbox.due(t);
    const r = this.records;
    for (const i of order) {
      const v = taken.node[i]!;
      const entry = this.entries[taken.command[i]!]!;
      const at = taken.atS[i]!;
      switch (taken.what[i]) {
        case COMPLETED: {
          const f = taken.field[i]!;
          entry.successful++;
          entry.latestResponseS = Math.max(entry.latestResponseS ?? -Infinity, at);
          if (r.firmware[f]![v] === taken.version[i]) break;
          r.pendingField[v] = f + 1;
          r.pendingVersion[v] = taken.version[i]!;
          r.activationS[v] = taken.activationS[i]!;
          break;
        }
        case ACTIVATED: {
          const f = taken.field[i]!;
          r.firmware[f]![v] = taken.version[i]!;
          if (r.pendingField[v] === f + 1 && r.pendingVersion[v] === taken.version[i]) r.pendingField[v] = 0;
          break;
        }
        case RESPONDED: {
          entry.successful++;
          entry.latestResponseS = Math.max(entry.latestResponseS ?? -Infinity, at);
          this.applyResponse(entry.command as UnicastCommandType, taken, i, v);
          break;
        }
        case FAILED:
          entry.unsuccessful++;
          break;
        default:
          throw new MeshcastError(`unknown head-end message ${taken.what[i]}`);
      }
    }
  }

  /** What a successful response tells the head-end. */
  private applyResponse(command: UnicastCommandType, taken: Inbox, i: number, v: number): void {
    const r = this.records;
    switch (command) {
      case 'getEndpointInfo':
      case 'getEndpointConfiguration': {
        for (let f = 0; f < FIRMWARE_FIELDS.length; f++) r.firmware[f]![v] = taken.snapshot[4 * i + f]!;
        r.pendingField[v] = taken.field[i]!;
        r.pendingVersion[v] = taken.version[i]!;
        r.activationS[v] = taken.activationS[i]!;
        if (command === 'getEndpointConfiguration') {
          r.flags[v] = (r.flags[v]! & ~RECORD_FLAGS.zigbeeCapable) | (taken.bits[i]! & RECORD_FLAGS.zigbeeCapable);
        }
        break;
      }
      case 'hanInitialization':
        r.flags[v] = r.flags[v]! | RECORD_FLAGS.hanInitialised;
        if (r.status[v] === STATUS.Configure) r.status[v] = STATUS.Normal;
        break;
      case 'smallDcw':
        r.firmware[1]![v] = taken.version[i]!;
        break;
      case 'firmwareDownload': {
        // The completion report of a download sent point to point.
        const f = taken.field[i]!;
        if (r.firmware[f]![v] === taken.version[i]) break;
        r.pendingField[v] = f + 1;
        r.pendingVersion[v] = taken.version[i]!;
        r.activationS[v] = taken.activationS[i]!;
        break;
      }
    }
  }

  private addEntry(entry: Omit<HistoryEntry, 'id' | 'successful' | 'unsuccessful' | 'latestResponseS'>): HistoryEntry {
    const full: HistoryEntry = {
      ...entry,
      id: this.entries.length,
      successful: 0,
      unsuccessful: 0,
      latestResponseS: null,
    };
    this.entries.push(full);
    return full;
  }

  private seedOf(options: Omit<HeadEndRunOptions, 'atS'>, id: number): string {
    return deriveSeed(options.seed ?? 0, ...headendPath('flood', id));
  }

  private runBroadcastCommand(
    cmd: BroadcastCommand,
    options: Omit<HeadEndRunOptions, 'atS' | 'runner'>,
    t0: number,
    runner: typeof runBroadcast = runBroadcast,
  ): BroadcastOutcome {
    const ctx = this.context();
    const records = this.records;
    const field = this.field;
    const id = this.entries.length;
    // Expected as the records stand when it is issued; the real targets from the devices.
    const expectedMask = matchFilter(ctx, cmd, records.firmware, records.flags, records.model);
    let expected = 0;
    for (let v = 0; v < expectedMask.length; v++) {
      if (expectedMask[v] === 1 && records.status[v] === STATUS.Normal) expected++;
    }
    const targets = matchFilter(ctx, cmd, field.firmware, field.flags, records.model);
    const mesh = this.currentMesh();
    const key = `${cmd.type}/${cmd.version}/${cmd.model ?? ''}`;
    const image = this.images.get(key);
    const previous = image !== undefined && image.result.mesh === mesh ? image.result : undefined;
    const fieldCode = fieldIndex(FIELD_OF_TYPE[cmd.type]!);
    const reboots = fieldCode === 1 ? 0 : this.timing.rebootS;
    const spec: BroadcastSpec = {
      origins: cmd.collectors,
      packets: cmd.packets,
      spacingS: cmd.spacingS,
      startS: t0 + this.timing.headendS,
      maxHops: cmd.maxHops,
      ttlS: cmd.ttlS,
      maxSegments: cmd.maxSegments,
      firstSegment: cmd.firstSegment,
      targets: (d) => targets[mesh.index(d.id)] === 1,
      activation: cmd.activationS === -Infinity ? 'immediate' : { atS: cmd.activationS },
      rebootS: reboots,
      version: cmd.version,
    };
    const result = runner(mesh, spec, {
      ...options,
      seed: this.seedOf(options, id),
      ...(previous === undefined ? {} : { previous }),
    });
    const entry = this.addEntry({
      delivery: 'broadcast',
      command: cmd.type,
      name: cmd.name,
      issuedS: t0,
      model: cmd.model,
      group: cmd.groups.length === 0 ? null : cmd.groups.join(', '),
      version: cmd.version,
      collectors: cmd.collectors,
      expected,
      total: result.targets,
      totalsApplicable: false,
      outcome: null,
    });

    // What the devices do with the image, and what the head-end hears of it.
    const nodes = result.targetIndices();
    const done = result.targetCompletionS();
    // Devices whose completion was already taken into account (per device, as targets change).
    const processed = image?.processed ?? new Uint8Array(mesh.n);
    this.images.set(key, { result, processed });
    const heardByEngine = result.reportsHeardS;
    const rng = createStream(options.seed ?? 0, ...headendPath('uplink', id));
    const delay = delaySampler(this.timing.hop, rng);
    const version = this.versions.code(cmd.version);
    let held = 0;
    for (let t = 0; t < nodes.length; t++) held += processed[nodes[t]!]!;
    let completed = 0;
    let reportsHeard = 0;
    let lastHeard = result.endS;
    for (let t = 0; t < nodes.length; t++) {
      const c = done[t]!;
      const v = nodes[t]!;
      if (processed[v] === 1 || Number.isNaN(c)) continue;
      processed[v] = 1;
      completed++;
      const activationS = Math.max(c, cmd.activationS);
      if (!field.complete(v, fieldCode, version, activationS, activationS + reboots)) continue;
      const sent =
        heardByEngine !== null && mesh.parent[v]! < 0
          ? heardByEngine[t]! - c
          : carry(mesh, v, true, this.timing.retries, rng, delay);
      if (!Number.isNaN(sent)) {
        const at = c + sent + this.timing.headendS;
        const i = this.inbox.add(at, v, COMPLETED, id);
        this.inbox.field[i] = fieldCode;
        this.inbox.version[i] = version;
        this.inbox.activationS[i] = activationS;
        reportsHeard++;
        lastHeard = Math.max(lastHeard, at);
      }
      const up = carry(mesh, v, true, this.timing.retries, rng, delay);
      if (!Number.isNaN(up)) {
        const i = this.inbox.add(activationS + reboots + up + this.timing.headendS, v, ACTIVATED, id);
        this.inbox.field[i] = fieldCode;
        this.inbox.version[i] = version;
      }
    }
    const outcome: BroadcastOutcome = {
      delivery: 'broadcast',
      id,
      command: cmd,
      issuedS: t0,
      expected,
      total: result.targets,
      held,
      result,
      completed,
      reportsHeard,
    };
    (entry as { outcome: BroadcastOutcome | null }).outcome = outcome;
    keepOutcomesWithin(this.entries, KEPT_OUTCOME_BYTES);
    this.clock = Math.max(this.clock, lastHeard);
    this.settle(this.clock);
    return outcome;
  }

  private unicast(input: UnicastCommandInput, delivery: 'group' | 'point-to-point', at: string): UnicastCommand {
    this.checkCatalogue();
    const o = checkObject(at, input, ['command', 'endpoints', 'group', 'type', 'version', 'activation'], 'a command');
    const command = checkOneOf<UnicastCommandType>(join(at, 'command'), o['command'], UNICAST_COMMANDS);
    const { records, base: mesh } = this;
    let members: number[];
    let group: string | null = null;
    if (delivery === 'group') {
      if (o['endpoints'] !== undefined) {
        throw new ValidationError(
          join(at, 'endpoints'),
          o['endpoints'],
          'nothing: a group command addresses its group',
        );
      }
      group = checkString(join(at, 'group'), o['group'], 'the name of a command group');
      const g = records.groupNames.indexOf(group);
      if (g < 0) {
        throw new ValidationError(
          join(at, 'group'),
          group,
          `a group of the head-end (${records.groupNames.join(', ') || 'none defined'})`,
        );
      }
      members = [];
      for (let v = 0; v < mesh.n; v++) if ((records.groups[v]! >> g) & 1) members.push(v);
    } else {
      if (o['group'] !== undefined) {
        throw new ValidationError(
          join(at, 'group'),
          o['group'],
          'nothing: a point-to-point command lists its endpoints',
        );
      }
      members = this.endpointList(o['endpoints'], join(at, 'endpoints')).sort((a, b) => a - b);
    }
    const refuse = (why: string, bad: number[]): never => {
      throw new ValidationError(
        join(at, delivery === 'group' ? 'group' : 'endpoints'),
        delivery === 'group' ? group : o['endpoints'],
        `endpoints ${why} (${bad.length} are not, e.g. ${bad
          .slice(0, 3)
          .map((v) => mesh.id(v))
          .join(', ')})`,
      );
    };
    let type: PackageType | null = null;
    let version: string | null = null;
    let activation: CommandActivation = 'now';
    let activationS = -Infinity;
    if (command === 'hanInitialization') {
      const bad = members.filter(
        (v) =>
          records.kind[v] !== KIND.meter ||
          (records.flags[v]! & RECORD_FLAGS.zigbeeCapable) === 0 ||
          !onHanPlatform(this.versions.name(records.firmware[0]![v]!)),
      );
      if (bad.length > 0) {
        refuse('that are ZigBee-capable meters whose records show module firmware of the 5.6 platform or later', bad);
      }
    }
    if (command === 'smallDcw' || command === 'firmwareDownload') {
      if (command === 'firmwareDownload') {
        const t = o['type'];
        if (t === 'smallDcw' || !(BROADCAST_TYPES as readonly unknown[]).includes(t)) {
          throw new ValidationError(
            join(at, 'type'),
            t,
            `a package type to download: ${BROADCAST_TYPES.filter((x) => x !== 'smallDcw').join(', ')}`,
          );
        }
        type = t as PackageType;
        const licence =
          type === 'gasModuleFirmware'
            ? 'gas'
            : type === 'waterModuleFirmware'
              ? 'water'
              : type === 'han'
                ? 'han'
                : null;
        if (licence !== null && !this.licences.has(licence)) {
          throw new ValidationError(
            join(at, 'type'),
            type,
            `a command the head-end is licensed for: it needs the '${licence}' licence`,
          );
        }
        ({ activation, activationS } = checkCommandActivation(this.context(), o['activation'], join(at, 'activation')));
      } else {
        if (o['type'] !== undefined)
          throw new ValidationError(join(at, 'type'), o['type'], 'nothing: Send Small DCW sends a Small DCW');
        type = 'smallDcw';
      }
      version = checkVersion(join(at, 'version'), o['version']);
      const bad = members.filter(
        (v) =>
          !this.catalogue.has(
            type!,
            version!,
            type === 'waterModuleFirmware' ? undefined : this.models.name(records.model[v]!),
          ),
      );
      if (bad.length > 0) refuse(`whose model has ${type} ${version} in the catalogue`, bad);
    } else {
      for (const f of ['type', 'version', 'activation'] as const) {
        if (o[f] !== undefined)
          throw new ValidationError(join(at, f), o[f], `nothing: ${COMMAND_NAMES[command]} takes no ${f}`);
      }
    }
    let expected = 0;
    for (const v of members) if (records.status[v] === STATUS.Normal) expected++;
    return {
      delivery,
      command,
      name: COMMAND_NAMES[command],
      group,
      members: Int32Array.from(members),
      type,
      version,
      activation,
      activationS,
      expected,
    };
  }

  private runUnicast(cmd: UnicastCommand, options: Omit<HeadEndRunOptions, 'atS'>, t0: number): UnicastOutcome {
    const id = this.entries.length;
    const { records, timing, field } = this;
    const mesh = this.currentMesh();
    let expected = 0;
    for (const v of cmd.members) if (records.status[v] === STATUS.Normal) expected++;
    const collectors = new Set<string>();
    for (const v of cmd.members) if (records.collector[v]! >= 0) collectors.add(mesh.id(records.collector[v]!));
    const models = new Set<string>();
    for (const v of cmd.members) models.add(this.models.name(records.model[v]!) ?? '');
    this.addEntry({
      delivery: cmd.delivery,
      command: cmd.command,
      name: cmd.name,
      issuedS: t0,
      model: models.size === 1 ? [...models][0]! : null,
      group: cmd.group,
      version: cmd.version,
      collectors: [...collectors].sort(),
      expected,
      total: cmd.members.length,
      totalsApplicable: true,
      outcome: null,
    });
    const seed = options.seed ?? 0;
    const downRng = createStream(seed, ...headendPath('downlink', id));
    const upRng = createStream(seed, ...headendPath('uplink', id));
    const down = delaySampler(timing.hop, downRng);
    const up = delaySampler(timing.hop, upRng);
    const n = cmd.members.length;
    const arrival = new Float64Array(n);
    let flood: BroadcastResult | null = null;
    const oneShot = cmd.command !== 'firmwareDownload' && cmd.command !== 'hanInitialization';
    if (cmd.delivery === 'group' && oneShot && collectors.size > 0) {
      // A group command: one packet flooded from the members' collectors. A gas / water module
      // hears it through its parent (one more hop).
      const holders = new Uint8Array(mesh.n);
      const holderOf = (v: number): number => (mesh.parent[v]! >= 0 ? mesh.parent[v]! : v);
      for (const v of cmd.members) holders[holderOf(v)] = 1;
      flood = runBroadcast(
        mesh,
        {
          origins: [...collectors].sort(),
          packets: 1,
          startS: t0 + timing.headendS,
          maxHops: 40,
          ttlS: timing.groupTtlS,
          targets: (d) => holders[mesh.index(d.id)] === 1,
          rebootS: 0,
          version: cmd.version ?? 'command',
        },
        { ...options, seed: this.seedOf(options, id) },
      );
      const heardS = new Float64Array(mesh.n).fill(NaN);
      const done = flood.targetCompletionS();
      flood.targetIndices().forEach((v, t) => (heardS[v] = done[t]!));
      cmd.members.forEach((v, i) => {
        const h = heardS[holderOf(v)]!;
        arrival[i] = holderOf(v) === v ? h : h + down();
      });
    } else if (cmd.command !== 'hanInitialization') {
      cmd.members.forEach((v, i) => {
        arrival[i] = t0 + timing.headendS + carry(mesh, v, false, timing.retries, downRng, down);
      });
    }

    const run = new UnicastRun(this.inbox, mesh, id, t0);
    if (cmd.command === 'hanInitialization') {
      this.runHanScript(cmd, run, down, downRng, up, upRng);
    } else {
      cmd.members.forEach((v, k) => {
        const arrive = arrival[k]!;
        if (Number.isNaN(arrive) || field.rebooting(v, arrive)) {
          run.fail(v, t0 + timing.timeoutS, false, Number.isNaN(arrive) ? 'not reached' : 'rebooting');
          return;
        }
        if (cmd.command === 'firmwareDownload') {
          this.downloadPointToPoint(cmd, v, arrive, run, down, downRng, up, upRng);
          return;
        }
        const executedS = arrive + timing.executeS;
        if (cmd.command === 'smallDcw') field.install(v, 1, this.versions.code(cmd.version!));
        const back = carry(mesh, v, true, timing.retries, upRng, up);
        if (Number.isNaN(back)) {
          run.fail(v, executedS + timing.timeoutS, true, 'response lost');
          return;
        }
        const i = run.succeed(v, executedS + back + timing.headendS);
        if (cmd.command === 'smallDcw') this.inbox.version[i] = this.versions.code(cmd.version!);
        else this.snapshot(i, v, executedS);
      });
    }
    const responses = run.responses.sort((a, b) => mesh.index(a.id) - mesh.index(b.id));
    this.clock = Math.max(this.clock, run.endS);
    this.settle(this.clock);
    return {
      delivery: cmd.delivery,
      id,
      command: cmd,
      issuedS: t0,
      expected,
      total: n,
      responses,
      endS: run.endS,
      flood,
    };
  }

  /** Fills a response with the endpoint's versions and pending image as they are at t. */
  private snapshot(i: number, v: number, t: number): void {
    const f = this.field;
    const activated = f.pendingField[v] !== 0 && f.activationS[v]! <= t;
    for (let k = 0; k < FIRMWARE_FIELDS.length; k++) {
      this.inbox.snapshot[4 * i + k] =
        activated && f.pendingField[v] === k + 1 ? f.pendingVersion[v]! : f.firmware[k]![v]!;
    }
    if (f.pendingField[v] !== 0 && !activated) {
      this.inbox.field[i] = f.pendingField[v]!;
      this.inbox.version[i] = f.pendingVersion[v]!;
      this.inbox.activationS[i] = f.activationS[v]!;
    }
    this.inbox.bits[i] = f.flags[v]! & RECORD_FLAGS.zigbeeCapable;
  }

  /**
   * A download to one endpoint point to point: its missing packets one at a time, each along the
   * route (with the hop retries) and acknowledged back before the next; a packet lost on the way
   * down or its acknowledgement on the way up is sent again, up to `timing.retries` more times.
   */
  private downloadPointToPoint(
    cmd: UnicastCommand,
    v: number,
    arrive: number,
    run: UnicastRun,
    down: () => number,
    downRng: () => number,
    up: () => number,
    upRng: () => number,
  ): void {
    const { timing, field } = this;
    const { mesh, id } = run;
    const type = cmd.type as BroadcastType;
    const model = this.models.name(this.records.model[v]!);
    const key = `${type}/${cmd.version}/${type === 'waterModuleFirmware' ? '' : (model ?? '')}`;
    const pkg = this.catalogue.find(type, cmd.version!, type === 'waterModuleFirmware' ? undefined : model)!;
    const packets = pkg.packets ?? Math.ceil(pkg.imageBytes! / this.payloadBytes);
    // Packets the endpoint still misses: from the image's last broadcast, else all.
    let missing = packets;
    const image = this.images.get(key);
    if (image !== undefined) {
      const left = image.result.missingOf(v);
      if (left >= 0) missing = left;
    }
    let t = arrive;
    for (let k = 0; k < missing; k++) {
      let delivered = false;
      for (let attempt = 0; attempt <= timing.retries && !delivered; attempt++) {
        const d = carry(mesh, v, false, timing.retries, downRng, down);
        if (Number.isNaN(d)) {
          t += timing.timeoutS;
          continue;
        }
        const a = carry(mesh, v, true, timing.retries, upRng, up);
        t += Number.isNaN(a) ? timing.timeoutS : d + a;
        delivered = !Number.isNaN(a);
      }
      if (!delivered) {
        run.fail(v, t, false, `packet ${k + 1} of ${missing} not delivered`);
        return;
      }
    }
    const fieldCode = fieldIndex(FIELD_OF_TYPE[type]!);
    const reboots = fieldCode === 1 ? 0 : timing.rebootS;
    const activationS = Math.max(t, cmd.activationS);
    const version = this.versions.code(cmd.version!);
    field.complete(v, fieldCode, version, activationS, activationS + reboots);
    // The completion report is the command's response.
    const report = carry(mesh, v, true, timing.retries, upRng, up);
    if (Number.isNaN(report)) run.fail(v, t + timing.timeoutS, true, 'completion report lost');
    else {
      const i = run.succeed(v, t + report + timing.headendS);
      this.inbox.field[i] = fieldCode;
      this.inbox.version[i] = version;
      this.inbox.activationS[i] = activationS;
    }
    const back = carry(mesh, v, true, timing.retries, upRng, up);
    if (!Number.isNaN(back)) {
      const j = this.inbox.add(activationS + reboots + back + timing.headendS, v, ACTIVATED, id);
      this.inbox.field[j] = fieldCode;
      this.inbox.version[j] = version;
    }
  }

  /**
   * HAN Initialization by script: each run initialises at most `hanPerCollector` meters per
   * collector, point to point; a meter whose initialisation is not heard to succeed is tried
   * again in a later run, at most `hanRetries` more times. It succeeds at a meter the command
   * reaches while not rebooting, ZigBee capable, on module firmware of the 5.6 platform or later.
   */
  private runHanScript(
    cmd: UnicastCommand,
    run: UnicastRun,
    down: () => number,
    downRng: () => number,
    up: () => number,
    upRng: () => number,
  ): void {
    const { timing, field, records } = this;
    const { mesh } = run;
    let queue = Array.from(cmd.members, (v) => ({ v, tries: 0 }));
    let runS = run.t0;
    while (queue.length > 0) {
      const perCollector = new Map<number, number>();
      const later: typeof queue = [];
      const retry: typeof queue = [];
      let runEnd = runS;
      for (const item of queue) {
        const c = records.collector[item.v]!;
        const used = perCollector.get(c) ?? 0;
        if (used >= timing.hanPerCollector) {
          later.push(item);
          continue;
        }
        perCollector.set(c, used + 1);
        const { v } = item;
        item.tries++;
        const last = item.tries > timing.hanRetries;
        const arrive = runS + timing.headendS + carry(mesh, v, false, timing.retries, downRng, down);
        const timeout = runS + timing.timeoutS;
        runEnd = Math.max(runEnd, timeout);
        if (Number.isNaN(arrive) || field.rebooting(v, arrive)) {
          if (last) run.fail(v, timeout, false, Number.isNaN(arrive) ? 'not reached' : 'rebooting');
          else retry.push(item);
          continue;
        }
        const executedS = arrive + timing.executeS;
        const able =
          (field.flags[v]! & RECORD_FLAGS.zigbeeCapable) !== 0 && onHanPlatform(this.versionAt(v, 0, executedS));
        if (able) field.state[v] = field.state[v]! | HAN_INITIALISED;
        const back = carry(mesh, v, true, timing.retries, upRng, up);
        const heard = executedS + back + timing.headendS;
        if (able && !Number.isNaN(back) && heard <= timeout) {
          run.succeed(v, heard);
          runEnd = Math.max(runEnd, heard);
        } else if (!last) retry.push(item);
        else
          run.fail(
            v,
            Number.isNaN(back) ? timeout : Math.min(heard, timeout),
            true,
            able ? 'response lost' : 'not on the 5.6 platform or not ZigBee capable',
          );
      }
      queue = [...later, ...retry];
      run.reach(runEnd);
      runS = runEnd;
    }
  }

  /** The version device v runs in field f at time t (a pending image counts once activated). */
  private versionAt(v: number, f: number, t: number): string | undefined {
    const s = this.field;
    if (s.pendingField[v] === f + 1 && s.activationS[v]! <= t) return this.versions.name(s.pendingVersion[v]!);
    return this.versions.name(s.firmware[f]![v]!);
  }
}

/**
 * The responses of one group or point-to-point command as they are decided: each success or
 * failure goes to the head-end's inbox, due when the head-end hears (or gives up on) it.
 */
class UnicastRun {
  readonly responses: UnicastResponse[] = [];
  endS: number;

  constructor(
    private readonly inbox: Inbox,
    readonly mesh: CompiledMesh,
    readonly id: number,
    readonly t0: number,
  ) {
    this.endS = t0;
  }

  /** The head-end hears endpoint v succeed at t; returns the message (to fill what it carries). */
  succeed(v: number, t: number): number {
    this.responses.push({ id: this.mesh.id(v), executed: true, successful: true, respondedS: t, reason: null });
    this.reach(t);
    return this.inbox.add(t, v, RESPONDED, this.id);
  }

  /** The head-end counts endpoint v unsuccessful at t. */
  fail(v: number, t: number, executed: boolean, reason: string): void {
    this.responses.push({ id: this.mesh.id(v), executed, successful: false, respondedS: null, reason });
    this.reach(t);
    this.inbox.add(t, v, FAILED, this.id);
  }

  /** The command runs at least until t. */
  reach(t: number): void {
    this.endS = Math.max(this.endS, t);
  }
}
