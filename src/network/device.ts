/** Kinds of device in an AMI RF mesh (see docs/model.md, "The network"). */
export const DEVICE_KINDS = [
  'collector',
  'router',
  'meshExtender',
  'meter',
  'gasModule',
  'waterModule',
  'concentrator',
  'repeater920',
] as const;

/** One of {@link DEVICE_KINDS}. */
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/**
 * The code of each kind in a compiled mesh's `kind` column: its index in {@link DEVICE_KINDS}.
 * @example
 * ```ts
 * mesh.kind[v] === KIND.meter; // v is an electric meter
 * ```
 */
export const KIND: Readonly<Record<DeviceKind, number>> = Object.freeze(
  Object.fromEntries(DEVICE_KINDS.map((k, i) => [k, i])) as Record<DeviceKind, number>,
);

/** Kinds that are battery child modules of an electric meter: they never relay. */
export const CHILD_KINDS: readonly DeviceKind[] = ['gasModule', 'waterModule'];

/** True for gas and water modules, which hang off an electric parent and do not relay. */
export function isChildKind(kind: DeviceKind): boolean {
  return kind === 'gasModule' || kind === 'waterModule';
}

/** A position in metres on the service territory's plane. */
export interface Position {
  /** Easting in metres. */
  readonly xM: number;
  /** Northing in metres. */
  readonly yM: number;
}

/** Firmware versions held by a device (strings such as `"5.18"`); absent when unknown. */
export interface FirmwareVersions {
  /** Communication-module firmware. */
  readonly module?: string;
  /** Device configuration word. */
  readonly dcw?: string;
  /** Meter metrology firmware. */
  readonly metrology?: string;
  /** ZigBee / HAN firmware. */
  readonly han?: string;
}

/** Per-device flags that change how it takes part in a campaign. */
export interface DeviceFlags {
  /** ZigBee (HAN) capable. @defaultValue false */
  readonly zigbeeCapable: boolean;
  /** Has an active HAN. @defaultValue false */
  readonly activeHan: boolean;
  /** The Disable Broadcasts bit: the device relays but does not take broadcast images. @defaultValue false */
  readonly disableBroadcasts: boolean;
  /** The Encrypt FW Download bit: the device does not take broadcast images. @defaultValue false */
  readonly encryptFwDownload: boolean;
}

/**
 * The meter program an electric meter runs, as far as the head-end's upgrade rules need it: the
 * firmware's PDU CRC covers the program (module firmware 7.xx) and from 9.5x also the tariff and
 * misc ids, so endpoints sharing these share a CRC (docs/model.md, "The upgrade campaign").
 */
export interface MeterProgram {
  /** Meter program id. */
  readonly program: string;
  /** Meter configuration. */
  readonly configuration?: string;
  /** Program factor. */
  readonly factor?: string;
  /** Tariff id. */
  readonly tariff?: string;
  /** Misc id. */
  readonly misc?: string;
}

/** The fields of {@link MeterProgram}. */
export const METER_PROGRAM_FIELDS = ['program', 'configuration', 'factor', 'tariff', 'misc'] as const;

/** What a caller gives to create a device; everything but `id` and `kind` is optional. */
export interface DeviceInput {
  /** Unique id, e.g. `"C1"` or a meter serial number. */
  readonly id: string;
  /** The kind of device. */
  readonly kind: DeviceKind;
  /** Model name, e.g. `"focus-ax-integrated"`. @defaultValue the kind */
  readonly model?: string;
  /** Position in metres, if known. */
  readonly position?: Position;
  /** Id of the collector the device is registered to (else the one its route ends at). */
  readonly collector?: string;
  /** Electric parent of a gas / water module (required for those kinds, forbidden otherwise). */
  readonly parent?: string;
  /** Flags; omitted ones are false. */
  readonly flags?: Partial<DeviceFlags>;
  /** Firmware versions. */
  readonly firmware?: FirmwareVersions;
  /** Meter program (electric meters). */
  readonly program?: MeterProgram;
}

/** A device as stored in a {@link Network}: the input with defaults applied. */
export interface Device {
  /** Unique id. */
  readonly id: string;
  /** The kind of device. */
  readonly kind: DeviceKind;
  /** Model name (the kind when none was given). */
  readonly model: string;
  /** Position in metres, if known. */
  readonly position?: Position;
  /** Registered collector id, if given. */
  readonly collector?: string;
  /** Electric parent id (gas / water modules only). */
  readonly parent?: string;
  /** Flags, all present. */
  readonly flags: DeviceFlags;
  /** Firmware versions. */
  readonly firmware: FirmwareVersions;
  /** Meter program, if given (electric meters). */
  readonly program?: MeterProgram;
}

/** Bit positions of {@link DeviceFlags} in the compiled mesh's `flags` array. */
export const FLAG_BITS = {
  /** The meter has a ZigBee radio. */
  zigbeeCapable: 1,
  /** The meter's HAN is active. */
  activeHan: 2,
  /** The device takes no broadcast. */
  disableBroadcasts: 4,
  /** Firmware downloads to it are encrypted. */
  encryptFwDownload: 8,
  /** Module firmware 4.2x: such endpoints take no broadcast image (broadcast came with 5.x). */
  moduleFirmware42x: 16,
} as const;
