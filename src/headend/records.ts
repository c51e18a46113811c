import { checkObject, checkOneOf, checkProbability, checkSeed, join } from '../check.js';
import { ValidationError } from '../errors.js';
import { DEVICE_KINDS, FLAG_BITS, KIND, type DeviceKind } from '../network/device.js';
import type { CompiledMesh } from '../network/mesh.js';
import { headendPath } from '../random/purposes.js';
import { createStream, type Seed } from '../random/stream.js';
import type { Codes } from './codes.js';

/** An endpoint's status in the head-end (Normal, Configure, Discovered, Inactive). */
export const STATUSES = ['Normal', 'Configure', 'Discovered', 'Inactive'] as const;

/** One of {@link STATUSES}. */
export type Status = (typeof STATUSES)[number];

/** Status codes, as kept in {@link Records.status}. */
export const STATUS: Readonly<Record<Status, number>> = { Normal: 0, Configure: 1, Discovered: 2, Inactive: 3 };

/** The firmware a device runs, by field: module firmware, DCW, metrology, HAN / ZigBee. */
export const FIRMWARE_FIELDS = ['module', 'dcw', 'metrology', 'han'] as const;

/** One of {@link FIRMWARE_FIELDS}. */
export type FirmwareField = (typeof FIRMWARE_FIELDS)[number];

/** How the head-end's records start. */
export interface RecordOptions {
  /**
   * Share of endpoint records out of date: the head-end does not know their versions (shown as
   * unknown, so a filter naming a version does not count them as expected) until a Get Endpoint
   * Info or Get Endpoint Configuration reply re-synchronises them. @defaultValue 0
   */
  readonly staleShare?: number;
  /** Seed of which records are stale and which endpoints have another status. @defaultValue 0 */
  readonly seed?: Seed;
  /** Shares of endpoints whose status is not Normal. @defaultValue none */
  readonly statuses?: Partial<Record<Exclude<Status, 'Normal'>, number>>;
  /** Status of particular collectors (others are Normal). */
  readonly collectors?: Readonly<Record<string, Status>>;
}

/** The fields of {@link RecordOptions}. */
const RECORD_FIELDS = ['staleShare', 'seed', 'statuses', 'collectors'] as const;

/** What the head-end's record of one endpoint says. */
export interface EndpointRecord {
  /** Device id. */
  readonly id: string;
  /** Status. */
  readonly status: Status;
  /** Kind of device. */
  readonly kind: DeviceKind;
  /** Endpoint model. */
  readonly model: string;
  /** Registered collector id (null: none). */
  readonly collector: string | null;
  /** Command groups it belongs to. */
  readonly groups: readonly string[];
  /** Module firmware version (null: unknown). */
  readonly moduleFirmware: string | null;
  /** DCW version (null: unknown). */
  readonly dcw: string | null;
  /** Metrology firmware version (null: unknown). */
  readonly metrology: string | null;
  /** HAN / ZigBee firmware version (null: unknown). */
  readonly han: string | null;
  /**
   * A downloaded image waiting for its activation date, as the endpoint's completion report or a
   * Get Endpoint Info / Configuration reply gave it (Downloadable Code's "will be activated on");
   * null: none reported.
   */
  readonly pending: {
    /** The firmware field the image replaces. */
    readonly field: FirmwareField;
    /** The image's version. */
    readonly version: string;
    /** When it activates, clock seconds: the command's activation date, or when the image completed if later. */
    readonly activationS: number;
  } | null;
  /** ZigBee capable. */
  readonly zigbeeCapable: boolean;
  /** HAN Initialization has succeeded (as reported). */
  readonly hanInitialised: boolean;
}

/**
 * Record flag bits: ZigBee capable (the same bit as {@link FLAG_BITS}), and HAN Initialization
 * heard to succeed.
 */
export const RECORD_FLAGS = { zigbeeCapable: FLAG_BITS.zigbeeCapable, hanInitialised: 128 } as const;

/**
 * The head-end's records, apart from the devices: per endpoint its status, model, versions,
 * pending image, flags, collector and command groups, in typed columns of
 * {@link Records.BYTES_PER_ENDPOINT} bytes (a million endpoints in 30 MB). Versions and models
 * are codes of the head-end's tables (0: unknown). Records change only from what reaches the
 * head-end: completion and activation reports, Get Endpoint Info / Configuration replies, HAN
 * Initialization responses.
 */
export class Records {
  /** Bytes the columns take per endpoint. */
  static readonly BYTES_PER_ENDPOINT = 1 + 1 + 1 + 2 + 2 * FIRMWARE_FIELDS.length + 1 + 2 + 8 + 4 + 2;

  /** Endpoints (every device of the mesh, collectors included). */
  readonly n: number;
  /** Status code: the status's index in {@link STATUSES} (0 Normal, 1 Configure, 2 Discovered, 3 Inactive). */
  readonly status: Uint8Array;
  /** Flag bits: 1 ZigBee capable (as {@link FLAG_BITS}), 128 HAN Initialization heard to succeed. */
  readonly flags: Uint8Array;
  /** Kind code ({@link KIND}). */
  readonly kind: Uint8Array;
  /** Model code. */
  readonly model: Uint16Array;
  /** Version codes, one column per {@link FIRMWARE_FIELDS} entry. */
  readonly firmware: readonly Uint16Array[];
  /** Pending image's field (index in {@link FIRMWARE_FIELDS} + 1; 0: none). */
  readonly pendingField: Uint8Array;
  /** Pending image's version code. */
  readonly pendingVersion: Uint16Array;
  /** Pending image's activation time (clock seconds). */
  readonly activationS: Float64Array;
  /** Registered collector index (-1: none). */
  readonly collector: Int32Array;
  /** Command groups, one bit per group (see {@link Records.groupNames}). */
  readonly groups: Uint16Array;
  /** Group names, by bit. */
  readonly groupNames: string[] = [];

  /** @internal Built by the head-end. */
  constructor(
    private readonly mesh: CompiledMesh,
    private readonly versions: Codes,
    private readonly models: Codes,
  ) {
    const n = mesh.n;
    this.n = n;
    this.status = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.kind = mesh.kind.slice();
    this.model = new Uint16Array(n);
    this.firmware = FIRMWARE_FIELDS.map(() => new Uint16Array(n));
    this.pendingField = new Uint8Array(n);
    this.pendingVersion = new Uint16Array(n);
    this.activationS = new Float64Array(n);
    this.collector = mesh.collector.slice();
    this.groups = new Uint16Array(n);
  }

  /** Bytes the columns take. */
  get bytes(): number {
    return this.n * Records.BYTES_PER_ENDPOINT;
  }

  /** The version the record of device index v shows in a field (null: unknown or none). */
  version(v: number, field: FirmwareField): string | null {
    return this.versions.name(this.firmware[FIRMWARE_FIELDS.indexOf(field)]![v]!) ?? null;
  }

  /** The model the record of device index v shows. */
  modelOf(v: number): string {
    return this.models.name(this.model[v]!) ?? '';
  }

  /** The code of a version in the records' table (-1: no record shows it). */
  versionCode(version: string): number {
    return this.versions.find(version);
  }

  /** The record of device index v. */
  get(v: number): EndpointRecord {
    const { mesh, versions } = this;
    const version = (code: number): string | null => versions.name(code) ?? null;
    const field = this.pendingField[v]!;
    const groups: string[] = [];
    for (let g = 0; g < this.groupNames.length; g++) if ((this.groups[v]! >> g) & 1) groups.push(this.groupNames[g]!);
    const c = this.collector[v]!;
    return {
      id: mesh.id(v),
      status: STATUSES[this.status[v]!]!,
      kind: DEVICE_KINDS[this.kind[v]!]!,
      model: this.models.name(this.model[v]!) ?? '',
      collector: c < 0 ? null : mesh.id(c),
      groups,
      moduleFirmware: version(this.firmware[0]![v]!),
      dcw: version(this.firmware[1]![v]!),
      metrology: version(this.firmware[2]![v]!),
      han: version(this.firmware[3]![v]!),
      pending:
        field === 0
          ? null
          : {
              field: FIRMWARE_FIELDS[field - 1]!,
              version: version(this.pendingVersion[v]!) ?? '',
              activationS: this.activationS[v]!,
            },
      zigbeeCapable: (this.flags[v]! & RECORD_FLAGS.zigbeeCapable) !== 0,
      hanInitialised: (this.flags[v]! & RECORD_FLAGS.hanInitialised) !== 0,
    };
  }

  /**
   * Fills the records from the devices (what the head-end knew when its records were last in
   * step), then makes a seeded share stale and gives seeded shares other statuses. Collectors are
   * never stale; their status is Normal unless given.
   * @param truth - the devices' version codes, by field
   * @internal
   */
  fill(truth: readonly Uint16Array[], options: ResolvedRecordOptions): void {
    const { mesh, models } = this;
    for (let f = 0; f < FIRMWARE_FIELDS.length; f++) this.firmware[f]!.set(truth[f]!);
    const rng = createStream(options.seed, ...headendPath('records'));
    const [configure, discovered, inactive] = options.statuses;
    for (let v = 0; v < this.n; v++) {
      this.model[v] = models.code(mesh.device(v).model);
      this.flags[v] = mesh.flags[v]! & FLAG_BITS.zigbeeCapable;
      // Two draws per endpoint, whatever the options: staleness, then status.
      const stale = rng();
      const status = rng();
      if (mesh.kind[v] === KIND.collector) continue;
      if (stale < options.staleShare) for (let f = 0; f < FIRMWARE_FIELDS.length; f++) this.firmware[f]![v] = 0;
      if (status < configure) this.status[v] = STATUS.Configure;
      else if (status < configure + discovered) this.status[v] = STATUS.Discovered;
      else if (status < configure + discovered + inactive) this.status[v] = STATUS.Inactive;
    }
    for (const [id, status] of options.collectors) {
      const v = mesh.index(id);
      if (v < 0 || mesh.kind[v] !== KIND.collector) {
        throw new ValidationError(
          `options.records.collectors.${id}`,
          status,
          'the status of a collector of the network',
        );
      }
      this.status[v] = STATUS[status];
    }
  }

  /** Names a group, returning its bit (at most 16 groups). */
  group(name: string, at: string): number {
    let g = this.groupNames.indexOf(name);
    if (g < 0) {
      if (this.groupNames.length === 16) throw new ValidationError(at, name, 'at most 16 groups in the head-end');
      g = this.groupNames.push(name) - 1;
    }
    return g;
  }
}

/** {@link RecordOptions} checked. */
export interface ResolvedRecordOptions {
  /** Share of endpoint records whose versions are unknown, in [0, 1]. */
  readonly staleShare: number;
  /** Seed of the stream `headend/records` (staleness and status: two draws per endpoint). */
  readonly seed: Seed;
  /** Shares of endpoints that start Configure, Discovered and Inactive, in that order (sum ≤ 1). */
  readonly statuses: readonly [number, number, number];
  /** Status of particular collectors, by id. */
  readonly collectors: ReadonlyMap<string, Status>;
}

/** Checks record options. */
export function checkRecordOptions(options: unknown, at: string): ResolvedRecordOptions {
  const o = checkObject(at, options ?? {}, RECORD_FIELDS, 'record options');
  const staleShare = checkProbability(join(at, 'staleShare'), o['staleShare'] ?? 0, 'a share in [0, 1]');
  const seed = checkSeed(join(at, 'seed'), o['seed'] ?? 0);
  const s = checkObject(join(at, 'statuses'), o['statuses'] ?? {}, ['Configure', 'Discovered', 'Inactive'], 'shares');
  const shares = (['Configure', 'Discovered', 'Inactive'] as const).map((k) =>
    checkProbability(join(join(at, 'statuses'), k), s[k] ?? 0, 'a share in [0, 1]'),
  ) as [number, number, number];
  if (shares[0] + shares[1] + shares[2] > 1) {
    throw new ValidationError(join(at, 'statuses'), s, 'shares adding up to at most 1');
  }
  const c = checkObject(join(at, 'collectors'), o['collectors'] ?? {}, Object.keys(o['collectors'] ?? {}), 'statuses');
  const collectors = new Map<string, Status>();
  for (const [id, status] of Object.entries(c)) {
    collectors.set(id, checkOneOf<Status>(join(join(at, 'collectors'), id), status, STATUSES));
  }
  return { staleShare, seed, statuses: shares, collectors };
}
