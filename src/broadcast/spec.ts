import { checkInteger, checkObject } from '../check.js';
import { ValidationError } from '../errors.js';
import { DEVICE_KINDS, FLAG_BITS, KIND, type Device, type DeviceKind } from '../network/device.js';
import type { CompiledMesh } from '../network/mesh.js';

/**
 * Declarative target filter, the head-end's broadcast filter fields. Every given field must
 * match; omitted fields match everything.
 */
export interface TargetFilter {
  /** Device kinds. @defaultValue ['meter'] when the whole filter is omitted */
  readonly kinds?: readonly DeviceKind[];
  /** Endpoint models (the head-end allows one model per broadcast; studies may give several). */
  readonly models?: readonly string[];
  /** Module firmware versions, or 'All'. @defaultValue 'All' */
  readonly moduleFirmware?: readonly string[] | 'All';
  /** DCW versions, or 'All'. @defaultValue 'All' */
  readonly dcw?: readonly string[] | 'All';
  /** ZigBee-capable filter (Yes / No). */
  readonly zigbeeCapable?: boolean;
  /** Only devices registered to these collectors. */
  readonly collectors?: readonly string[];
}

/** Which devices must take the image: a declarative filter or any predicate. */
export type TargetSelector = TargetFilter | ((device: Device) => boolean);

/** When a completed image is activated. */
export type Activation = 'immediate' | { readonly atS: number } | { readonly at: string };

/** Range checks applied to the spec: the head-end's, or wide ones for research graphs. */
export type Limits = 'headend' | 'research';

/**
 * One broadcast pass, in the head-end's terms. Times are seconds on the simulation clock.
 */
export interface BroadcastSpec {
  /** Collectors whose radios inject the packets (at least one). */
  readonly origins: readonly string[];
  /** Image size in packets. Give this, or `imageBytes` and `payloadBytes`. */
  readonly packets?: number;
  /** Image size in bytes (with `payloadBytes`: packets = ceil(imageBytes / payloadBytes)). */
  readonly imageBytes?: number;
  /** Image bytes carried per packet. */
  readonly payloadBytes?: number;
  /** Seconds between packets sent by the head-end. @defaultValue 70 */
  readonly spacingS?: number;
  /** Clock time at which the first packet is sent. @defaultValue 0, or the previous pass's end when continuing */
  readonly startS?: number;
  /** Maximum Hops: 2–40 (head-end). @defaultValue 40 */
  readonly maxHops?: number;
  /** Maximum TTL in seconds: 60–600 (head-end). @defaultValue 300 */
  readonly ttlS?: number;
  /** Maximum Segments: 0 sends the whole image; n > 0 sends at most n segments in this pass. @defaultValue 0 */
  readonly maxSegments?: number;
  /** First image segment this pass sends (with `maxSegments`, to send the image in slices). @defaultValue 0 */
  readonly firstSegment?: number;
  /** Devices that must take the image. @defaultValue `{ kinds: ['meter'] }` */
  readonly targets?: TargetSelector;
  /** When a complete image is activated. @defaultValue 'immediate' */
  readonly activation?: Activation;
  /** ISO date-time of clock 0, needed when `activation` gives a calendar date. */
  readonly epoch?: string;
  /** Seconds an endpoint takes to reboot on activation. @defaultValue 90 */
  readonly rebootS?: number;
  /** Version of the image (shown as the pending version before activation). @defaultValue 'target' */
  readonly version?: string;
  /** Ranges enforced: the head-end's, or research ranges for synthetic studies. @defaultValue 'headend' */
  readonly limits?: Limits;
  /**
   * What makes two copies "the same packet" for duplicate suppression when several collectors
   * inject it. `'per-packet'`: a node forwards each packet once, whichever collector's copy
   * reaches it first. `'per-origin'`: each collector sends its own message per packet (as in
   * the field), so a node forwards each collector's copy once and overlapping floods carry the
   * packet several times — the redundant traffic behind the advice to keep collectors within
   * about 2 miles out of one broadcast (docs/decisions/0008). Same result with one origin.
   * @defaultValue 'per-packet'
   */
  readonly duplicates?: Duplicates;
}

/** Duplicate suppression across origins, see {@link BroadcastSpec.duplicates}. */
export type Duplicates = 'per-packet' | 'per-origin';

/** A {@link BroadcastSpec} checked and resolved against a mesh. */
export interface ResolvedSpec {
  /** Origin collector indices. */
  readonly origins: Int32Array;
  /** Image size in packets. */
  readonly packets: number;
  /** Segments sent in this pass: `firstSegment .. firstSegment + segments - 1`. */
  readonly firstSegment: number;
  /** Number of segments sent in this pass. */
  readonly segments: number;
  /** Seconds between packets. */
  readonly spacingS: number;
  /** Clock time of the first packet. */
  readonly startS: number;
  /** Maximum Hops. */
  readonly maxHops: number;
  /** Maximum TTL in seconds. */
  readonly ttlS: number;
  /** Clock time of scheduled activation (-Infinity for immediate). */
  readonly activationAtS: number;
  /** Reboot seconds. */
  readonly rebootS: number;
  /** Image version. */
  readonly version: string;
  /** Limits used. */
  readonly limits: Limits;
  /** Duplicate suppression across origins. */
  readonly duplicates: Duplicates;
}

const HEADEND = { maxHops: [2, 40], ttlS: [60, 600] } as const;

/**
 * Checks a spec against the mesh and the chosen limits, and resolves defaults.
 * @param spec - the caller's spec
 * @param mesh - the compiled mesh it runs on
 * @param defaultStartS - start time when the spec gives none
 */
export function resolveSpec(spec: BroadcastSpec, mesh: CompiledMesh, defaultStartS = 0): ResolvedSpec {
  const checked = checkSpec(spec, defaultStartS);
  const origins = new Int32Array(spec.origins.length);
  spec.origins.forEach((id, i) => {
    const v = mesh.index(id);
    if (v < 0 || mesh.kind[v] !== KIND.collector) {
      throw new ValidationError(`spec.origins[${i}]`, id, 'the id of a collector in the network');
    }
    origins[i] = v;
  });
  return { ...checked, origins };
}

/**
 * Checks every field of a spec that does not depend on the network (all but whether the
 * origins are collectors of it) and resolves defaults.
 * @param spec - the caller's spec
 * @param defaultStartS - start time when the spec gives none
 */
export function checkSpec(spec: BroadcastSpec, defaultStartS = 0): Omit<ResolvedSpec, 'origins'> {
  if (typeof spec !== 'object' || spec === null) throw new ValidationError('spec', spec, 'a broadcast spec object');
  const knownFields = [
    'origins',
    'packets',
    'imageBytes',
    'payloadBytes',
    'spacingS',
    'startS',
    'maxHops',
    'ttlS',
    'maxSegments',
    'firstSegment',
    'targets',
    'activation',
    'epoch',
    'rebootS',
    'version',
    'limits',
    'duplicates',
  ];
  for (const key of Object.keys(spec)) {
    if (!knownFields.includes(key))
      throw new ValidationError(
        `spec.${key}`,
        (spec as unknown as Record<string, unknown>)[key],
        `a broadcast field: ${knownFields.join(', ')}`,
      );
  }
  const limits = spec.limits ?? 'headend';
  if (limits !== 'headend' && limits !== 'research')
    throw new ValidationError('spec.limits', limits, "'headend' or 'research'");
  const research = limits === 'research';
  const duplicates = spec.duplicates ?? 'per-packet';
  if (duplicates !== 'per-packet' && duplicates !== 'per-origin')
    throw new ValidationError('spec.duplicates', duplicates, "'per-packet' or 'per-origin'");

  if (!Array.isArray(spec.origins) || spec.origins.length === 0) {
    throw new ValidationError('spec.origins', spec.origins, 'a non-empty list of collector ids');
  }
  spec.origins.forEach((id, i) => {
    if (typeof id !== 'string' || id.length === 0)
      throw new ValidationError(`spec.origins[${i}]`, id, 'a collector id');
    if (spec.origins.indexOf(id) !== i) throw new ValidationError(`spec.origins[${i}]`, id, 'each collector once');
  });
  if (spec.targets !== undefined && typeof spec.targets !== 'function') checkTargetFilter(spec.targets);

  let packets: number;
  if (spec.packets !== undefined) {
    for (const field of ['imageBytes', 'payloadBytes'] as const) {
      if (spec[field] !== undefined)
        throw new ValidationError(`spec.${field}`, spec[field], 'nothing when packets is given');
    }
    packets = checkInteger('spec.packets', spec.packets, 1, 10_000_000);
  } else {
    const bytes = checkInteger('spec.imageBytes', spec.imageBytes, 1, 2 ** 31 - 1);
    const payload = checkInteger('spec.payloadBytes', spec.payloadBytes, 1, 65_535);
    packets = Math.ceil(bytes / payload);
    if (packets > 10_000_000)
      throw new ValidationError(
        'spec.imageBytes',
        bytes,
        `an image of at most 10,000,000 packets of payloadBytes (${payload} B each; this one makes ${packets.toLocaleString('en-US')})`,
      );
  }

  const spacingS = spec.spacingS ?? 70;
  if (typeof spacingS !== 'number' || !Number.isFinite(spacingS) || spacingS < 0 || (!research && spacingS === 0)) {
    throw new ValidationError(
      'spec.spacingS',
      spacingS,
      research ? 'a finite number of seconds >= 0' : 'a finite number of seconds > 0',
    );
  }
  const startS = spec.startS ?? defaultStartS;
  if (typeof startS !== 'number' || !Number.isFinite(startS))
    throw new ValidationError('spec.startS', startS, 'a finite clock time in seconds');

  const maxHops = research
    ? checkInteger('spec.maxHops', spec.maxHops ?? 40, 1, 2 ** 31 - 1)
    : checkInteger('spec.maxHops', spec.maxHops ?? 40, HEADEND.maxHops[0], HEADEND.maxHops[1]);
  const ttlS = spec.ttlS ?? 300;
  if (research) {
    if (typeof ttlS !== 'number' || !(ttlS > 0))
      throw new ValidationError('spec.ttlS', ttlS, 'a number of seconds > 0 (Infinity allowed)');
  } else if (typeof ttlS !== 'number' || !(ttlS >= HEADEND.ttlS[0] && ttlS <= HEADEND.ttlS[1])) {
    throw new ValidationError(
      'spec.ttlS',
      ttlS,
      `${HEADEND.ttlS[0]} to ${HEADEND.ttlS[1]} seconds (or limits: 'research')`,
    );
  }

  const maxSegments = checkInteger('spec.maxSegments', spec.maxSegments ?? 0, 0, 10_000_000);
  const firstSegment = checkInteger('spec.firstSegment', spec.firstSegment ?? 0, 0, packets - 1);
  const remaining = packets - firstSegment;
  const segments = maxSegments === 0 ? remaining : Math.min(maxSegments, remaining);

  const activation = spec.activation ?? 'immediate';
  let activationAtS = -Infinity;
  if (activation !== 'immediate') {
    if (typeof activation !== 'object' || activation === null) {
      throw new ValidationError('spec.activation', activation, "'immediate', { atS } or { at: ISO date-time }");
    }
    if (Array.isArray(activation))
      throw new ValidationError('spec.activation', activation, "'immediate', { atS } or { at: ISO date-time }");
    if ('atS' in activation) {
      checkObject('spec.activation', activation, ['atS']);
      if (!Number.isFinite(activation.atS))
        throw new ValidationError('spec.activation.atS', activation.atS, 'a finite clock time in seconds');
      activationAtS = activation.atS;
    } else if ('at' in activation) {
      checkObject('spec.activation', activation, ['at']);
      const at = Date.parse(activation.at);
      if (Number.isNaN(at)) throw new ValidationError('spec.activation.at', activation.at, 'an ISO 8601 date-time');
      const epoch = spec.epoch === undefined ? NaN : Date.parse(spec.epoch);
      if (Number.isNaN(epoch))
        throw new ValidationError('spec.epoch', spec.epoch, 'an ISO 8601 date-time (clock 0), needed by activation.at');
      activationAtS = (at - epoch) / 1000;
    } else {
      throw new ValidationError('spec.activation', activation, "'immediate', { atS } or { at: ISO date-time }");
    }
  }
  const rebootS = spec.rebootS ?? 90;
  if (typeof rebootS !== 'number' || !(rebootS >= 0) || !Number.isFinite(rebootS)) {
    throw new ValidationError('spec.rebootS', rebootS, 'a finite number of seconds >= 0');
  }
  const version = spec.version ?? 'target';
  if (typeof version !== 'string' || version.length === 0)
    throw new ValidationError('spec.version', version, 'a version string');

  return {
    packets,
    firstSegment,
    segments,
    spacingS,
    startS,
    maxHops,
    ttlS,
    activationAtS,
    rebootS,
    version,
    limits,
    duplicates,
  };
}

/**
 * Turns a target selector into a predicate over dense node indices, checking the declarative
 * form once. Kind, ZigBee and collector filters read typed columns; model and firmware filters
 * read device records.
 * @param selector - filter or predicate (`undefined`: every electric meter)
 * @param mesh - the compiled mesh
 */
export function targetPredicate(selector: TargetSelector | undefined, mesh: CompiledMesh): (v: number) => boolean {
  if (selector === undefined) return (v) => mesh.kind[v] === KIND.meter;
  if (typeof selector === 'function') return (v) => selector(mesh.device(v));
  const { kinds, models, modules, dcws, collectorIds, zigbee } = checkTargetFilter(selector);
  let collectors: Set<number> | undefined;
  if (collectorIds !== undefined) {
    collectors = new Set();
    for (const id of collectorIds) {
      const i = mesh.index(id);
      if (i < 0 || mesh.kind[i] !== KIND.collector)
        throw new ValidationError('spec.targets.collectors', id, 'collector ids in the network');
      collectors.add(i);
    }
  }
  const needsRecord = models !== undefined || modules !== undefined || dcws !== undefined;
  return (v) => {
    if (kinds !== undefined && kinds[mesh.kind[v]!] !== 1) return false;
    if (zigbee !== undefined && ((mesh.flags[v]! & FLAG_BITS.zigbeeCapable) !== 0) !== zigbee) return false;
    if (collectors !== undefined && !collectors.has(mesh.collector[v]!)) return false;
    if (!needsRecord) return true;
    const d = mesh.device(v);
    return (
      (models === undefined || models.has(d.model)) &&
      (modules === undefined || (d.firmware.module !== undefined && modules.has(d.firmware.module))) &&
      (dcws === undefined || (d.firmware.dcw !== undefined && dcws.has(d.firmware.dcw)))
    );
  };
}

/** A declarative target filter checked and turned into lookup sets (no network needed). */
interface CheckedFilter {
  readonly kinds: Uint8Array | undefined;
  readonly models: Set<string> | undefined;
  readonly modules: Set<string> | undefined;
  readonly dcws: Set<string> | undefined;
  readonly collectorIds: Set<string> | undefined;
  readonly zigbee: boolean | undefined;
}

function checkTargetFilter(selector: TargetFilter): CheckedFilter {
  checkObject(
    'spec.targets',
    selector,
    ['kinds', 'models', 'moduleFirmware', 'dcw', 'zigbeeCapable', 'collectors'],
    'a target filter (or a predicate function)',
  );
  const list = (key: string, v: unknown): Set<string> | undefined => {
    if (v === undefined || v === 'All') return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      throw new ValidationError(`spec.targets.${key}`, v, "a list of strings (or 'All')");
    return new Set(v as string[]);
  };
  const kindNames = list('kinds', selector.kinds);
  let kinds: Uint8Array | undefined;
  if (kindNames !== undefined) {
    kinds = new Uint8Array(DEVICE_KINDS.length);
    for (const k of kindNames) {
      const code = (DEVICE_KINDS as readonly string[]).indexOf(k);
      if (code < 0) throw new ValidationError('spec.targets.kinds', k, DEVICE_KINDS.join(', '));
      kinds[code] = 1;
    }
  }
  const models = list('models', selector.models);
  const modules = list('moduleFirmware', selector.moduleFirmware);
  const dcws = list('dcw', selector.dcw);
  const collectorIds = list('collectors', selector.collectors);
  const zigbee = selector.zigbeeCapable;
  if (zigbee !== undefined && typeof zigbee !== 'boolean')
    throw new ValidationError('spec.targets.zigbeeCapable', zigbee, 'true or false');
  return { kinds, models, modules, dcws, collectorIds, zigbee };
}
