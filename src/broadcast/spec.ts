import {
  CheckContext,
  checkFinite,
  checkInteger,
  checkObject,
  checkOneOf,
  checkPositive,
  checkString,
  join,
} from '../check.js';
import { ValidationError } from '../errors.js';
import { DEVICE_KINDS, KIND, type Device, type DeviceKind } from '../network/device.js';
import { checkTargets, type ResolvedTargets } from './targets.js';

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
export type Activation =
  | 'immediate'
  | {
      /** Seconds after the first packet. */
      readonly atS: number;
    }
  | {
      /** A calendar date and time (ISO 8601); needs `epoch`. */
      readonly at: string;
    };

/** Range checks applied to the spec: the head-end's, or wide ones for research graphs. */
export type Limits = 'headend' | 'research';

/**
 * Maximum Hops relative to the broadcast's collectors: the deepest Max. Layer among its origins
 * plus `maxLayerPlus` (the guide's advice is `{ maxLayerPlus: 1 }`). Meaning the same on every
 * network, it is what a study sweeps (`--hops-over-layer`).
 */
export interface RelativeHops {
  /** Hops beyond the deepest Max. Layer of the origins: 0 or more. */
  readonly maxLayerPlus: number;
}

/** Duplicate suppression across origins, see {@link BroadcastSpec.duplicates}. */
export type Duplicates = 'per-packet' | 'per-origin';

/**
 * One broadcast pass, in the head-end's terms. Times are seconds on the simulation clock.
 */
export interface BroadcastSpec {
  /** Collectors whose radios inject the packets (at least one), or `'all'`: every collector. */
  readonly origins: readonly string[] | 'all';
  /** Image size in packets. Give this, or `imageBytes` and `payloadBytes`. */
  readonly packets?: number;
  /** Image size in bytes (with `payloadBytes`: packets = ceil(imageBytes / payloadBytes)). */
  readonly imageBytes?: number;
  /** Image bytes carried per packet. */
  readonly payloadBytes?: number;
  /** Seconds between packets sent by the head-end. @defaultValue 70 */
  readonly spacingS?: number;
  /** Clock time of the first packet. @defaultValue 0, or the previous pass's end when continuing */
  readonly startS?: number;
  /**
   * Maximum Hops: 2–40 (head-end), or relative to the origins' Max. Layer — `{ maxLayerPlus: 1 }`
   * is the guide's setting, the deepest Max. Layer among the origins plus one. @defaultValue 40
   */
  readonly maxHops?: number | RelativeHops;
  /** Maximum TTL in seconds: 60–600 (head-end). @defaultValue 300 */
  readonly ttlS?: number;
  /** Maximum Segments: 0 sends the whole image; n > 0 at most n segments this pass. @defaultValue 0 */
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
   * inject it. `'per-origin'`: each collector sends its own message per packet (as in the
   * field), so a node forwards each collector's copy once and overlapping floods carry the
   * packet several times — the redundant traffic behind the advice to keep collectors within
   * about 2 miles out of one broadcast (docs/decisions/0008-duplicates-per-origin.md). `'per-packet'`: a node forwards
   * each packet once, whichever collector's copy reaches it first (one multi-source flood).
   * Same result with one origin.
   * @defaultValue 'per-origin'
   */
  readonly duplicates?: Duplicates;
}

/** The fields of {@link BroadcastSpec}. */
export const SPEC_FIELDS = [
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
] as const;

/**
 * A {@link BroadcastSpec} checked, with defaults applied: everything a pass needs but the
 * network (origins are still ids; {@link PassSpec} is the spec bound to a mesh).
 */
export interface ResolvedSpec {
  /** Origin collector ids, or every collector. */
  readonly origins: readonly string[] | 'all';
  /** Image size in packets. */
  readonly packets: number;
  /** Segments sent in this pass: `firstSegment .. firstSegment + segments - 1`. */
  readonly firstSegment: number;
  /** Number of segments sent in this pass. */
  readonly segments: number;
  /** Seconds between packets. */
  readonly spacingS: number;
  /** Clock time of the first packet; null: 0, or the previous pass's end when continuing. */
  readonly startS: number | null;
  /** Maximum Hops, or relative to the origins' Max. Layer (resolved when the spec meets a network). */
  readonly maxHops: number | RelativeHops;
  /** Maximum TTL in seconds. */
  readonly ttlS: number;
  /** Who takes the image. */
  readonly targets: ResolvedTargets;
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

/** A spec as a pass runs it: resolved and bound to a mesh (origins as node indices, start known). */
export interface PassSpec extends Omit<ResolvedSpec, 'origins' | 'startS' | 'maxHops'> {
  /** Origin collector indices. */
  readonly origins: Int32Array;
  /** Maximum Hops (a relative setting resolved from the origins' Max. Layers). */
  readonly maxHops: number;
  /** Clock time of the first packet. */
  readonly startS: number;
}

/** The head-end's ranges (docs/model.md, "Checks against the guide"). */
const HEADEND = { maxHops: [2, 40], ttlS: [60, 600] } as const;

/**
 * The clock's range, ± seconds: a pass's packets are sent and expire within it. Beyond, a double
 * no longer resolves milliseconds (at 1e12 s one step is 0.12 ms), so hop delays and TTLs would
 * vanish into rounding.
 */
export const MAX_CLOCK_S = 1e12;

/** Largest image meshcast takes, in packets. */
const MAX_PACKETS = 10_000_000;

/**
 * Checks a broadcast spec (every field but whether its origins are collectors of a network) and
 * applies defaults.
 * @param spec - the caller's spec
 * @param at - where the spec sits, for errors (`spec`, `specs[1]`, `broadcast`)
 * @param context - where errors go (by default the first is thrown); with a collecting context
 *   each field is checked on its own, and the fields whose rules depend on `limits` or `packets`
 *   only when those are valid
 */
export function checkSpec(spec: unknown, at = 'spec', context = new CheckContext()): ResolvedSpec {
  const s = checkObject(at, spec, SPEC_FIELDS, 'a broadcast spec', context);
  const mark = context.mark();
  const field = <T>(check: () => T): T | undefined => context.field(check);
  const limits = field(() => checkOneOf<Limits>(join(at, 'limits'), s['limits'] ?? 'headend', ['headend', 'research']));
  const research = limits === 'research';
  const duplicates = field(() =>
    checkOneOf<Duplicates>(join(at, 'duplicates'), s['duplicates'] ?? 'per-origin', ['per-packet', 'per-origin']),
  );
  const origins = field(() => checkOrigins(s['origins'], join(at, 'origins')));
  const targets = field(() => checkTargets(s['targets'], join(at, 'targets')));
  if (targets !== undefined && limits === 'headend') field(() => checkHeadendTargets(targets, join(at, 'targets')));
  const packets = field(() => checkPackets(s, at));
  const spacingS = limits === undefined ? undefined : field(() => checkSpacing(s['spacingS'] ?? 70, at, research));
  const startS = field(() => (s['startS'] === undefined ? null : checkClock(join(at, 'startS'), s['startS'])));
  const maxHops =
    limits === undefined ? undefined : field(() => checkMaxHops(s['maxHops'] ?? 40, join(at, 'maxHops'), research));
  const ttlS = limits === undefined ? undefined : field(() => checkTtl(s['ttlS'] ?? 300, join(at, 'ttlS'), research));
  const maxSegments = field(() => checkInteger(join(at, 'maxSegments'), s['maxSegments'] ?? 0, 0, MAX_PACKETS));
  const firstSegment =
    packets === undefined
      ? undefined
      : field(() => checkInteger(join(at, 'firstSegment'), s['firstSegment'] ?? 0, 0, packets - 1));
  const activationAtS = field(() => checkActivation(s['activation'], s['epoch'], at));
  const rebootS = field(() => checkPositive(join(at, 'rebootS'), s['rebootS'] ?? 90, true));
  const version = field(() => checkString(join(at, 'version'), s['version'] ?? 'target', 'a version string'));
  context.settle(mark);

  // Every field is valid here (settle threw otherwise).
  const remaining = packets! - firstSegment!;
  const segments = maxSegments === 0 ? remaining : Math.min(maxSegments!, remaining);
  return {
    origins: origins!,
    packets: packets!,
    firstSegment: firstSegment!,
    segments,
    spacingS: spacingS!,
    startS: startS!,
    maxHops: maxHops!,
    ttlS: ttlS!,
    targets: targets!,
    activationAtS: activationAtS!,
    rebootS: rebootS!,
    version: version!,
    limits: limits!,
    duplicates: duplicates!,
  };
}

/** The image size: `packets`, or `imageBytes` in packets of `payloadBytes`. */
function checkPackets(s: Record<string, unknown>, at: string): number {
  if (s['packets'] !== undefined) {
    for (const field of ['imageBytes', 'payloadBytes'] as const) {
      if (s[field] !== undefined) throw new ValidationError(join(at, field), s[field], 'nothing when packets is given');
    }
    return checkInteger(join(at, 'packets'), s['packets'], 1, MAX_PACKETS);
  }
  const bytes = checkInteger(join(at, 'imageBytes'), s['imageBytes'], 1, 2 ** 31 - 1);
  const payload = checkInteger(join(at, 'payloadBytes'), s['payloadBytes'], 1, 65_535);
  const packets = Math.ceil(bytes / payload);
  if (packets > MAX_PACKETS) {
    throw new ValidationError(
      join(at, 'imageBytes'),
      bytes,
      `an image of at most ${MAX_PACKETS.toLocaleString('en-US')} packets of payloadBytes ` +
        `(${payload} B each; this one makes ${packets.toLocaleString('en-US')})`,
    );
  }
  return packets;
}

/** Seconds between packets: > 0 (>= 0 for research) and within the clock's range. */
function checkSpacing(spacingS: unknown, at: string, research: boolean): number {
  if (typeof spacingS !== 'number' || !(spacingS <= MAX_CLOCK_S) || spacingS < 0 || (!research && spacingS === 0)) {
    throw new ValidationError(
      join(at, 'spacingS'),
      spacingS,
      `${research ? 'a number of seconds >= 0' : 'a number of seconds > 0'} and at most ${MAX_CLOCK_S}`,
    );
  }
  return spacingS;
}

/** Maximum TTL: the head-end's range, or any positive time (Infinity included) for research. */
function checkTtl(ttlS: unknown, at: string, research: boolean): number {
  if (research) {
    if (typeof ttlS !== 'number' || !(ttlS > 0)) {
      throw new ValidationError(at, ttlS, 'a number of seconds > 0 (Infinity allowed)');
    }
  } else if (typeof ttlS !== 'number' || !(ttlS >= HEADEND.ttlS[0] && ttlS <= HEADEND.ttlS[1])) {
    throw new ValidationError(at, ttlS, `${HEADEND.ttlS[0]} to ${HEADEND.ttlS[1]} seconds (or limits: 'research')`);
  }
  return ttlS;
}

/** Maximum Hops: an integer in the limits' range, or `{ maxLayerPlus }`. */
function checkMaxHops(v: unknown, at: string, research: boolean): number | RelativeHops {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = checkObject(at, v, ['maxLayerPlus'], 'Maximum Hops relative to the Max. Layer');
    return {
      maxLayerPlus: checkInteger(
        join(at, 'maxLayerPlus'),
        o['maxLayerPlus'],
        0,
        research ? 2 ** 31 - 2 : HEADEND.maxHops[1],
      ),
    };
  }
  return research ? checkInteger(at, v, 1, 2 ** 31 - 1) : checkInteger(at, v, HEADEND.maxHops[0], HEADEND.maxHops[1]);
}

/**
 * Maximum Hops of a spec on a network: a number as it is; `{ maxLayerPlus: n }` as the deepest
 * Max. Layer among the origins plus n — no fewer than the head-end's 2 hops (1 for research),
 * and within its 40, else refused.
 * @param maxLayers - Max. Layer of each origin
 * @param at - where the spec sits, for errors
 */
export function resolveMaxHops(spec: ResolvedSpec, maxLayers: readonly number[], at: string): number {
  if (typeof spec.maxHops === 'number') return spec.maxHops;
  const research = spec.limits === 'research';
  const hops = Math.max(research ? 1 : HEADEND.maxHops[0], Math.max(0, ...maxLayers) + spec.maxHops.maxLayerPlus);
  if (!research && hops > HEADEND.maxHops[1]) {
    throw new ValidationError(
      join(at, 'maxHops'),
      spec.maxHops,
      `a setting within the head-end's ${HEADEND.maxHops[1]} hops (the origins' deepest Max. Layer is ` +
        `${Math.max(...maxLayers)})`,
    );
  }
  return hops;
}

/**
 * The head-end's rules for a broadcast's targets (docs/model.md, "Checks against the guide"): one
 * endpoint model per broadcast — a filter names at most one model and one kind of device — and
 * no model or DCW filter on a water-module image, to which they do not apply.
 */
function checkHeadendTargets(targets: ResolvedTargets, at: string): void {
  if (targets.kind !== 'filter') return;
  const rule = "one model per broadcast (the head-end's rule; limits: 'research' for studies of several)";
  if (targets.models !== null && targets.models.size > 1)
    throw new ValidationError(join(at, 'models'), [...targets.models], rule);
  if (targets.kinds !== null && targets.kinds.reduce((a, b) => a + b, 0) > 1) {
    const names = DEVICE_KINDS.filter((_, i) => targets.kinds![i] === 1);
    throw new ValidationError(join(at, 'kinds'), names, `${rule}: one kind of device`);
  }
  if (targets.kinds !== null && targets.kinds[KIND.waterModule] === 1) {
    for (const field of ['models', 'dcw'] as const) {
      if (targets[field] !== null) {
        throw new ValidationError(
          join(at, field),
          [...targets[field]],
          "'All': the model and DCW filters do not apply to water firmware",
        );
      }
    }
  }
}

/** A clock time within ±{@link MAX_CLOCK_S}. */
function checkClock(at: string, v: unknown): number {
  const t = checkFinite(at, v, `a clock time in seconds, within ±${MAX_CLOCK_S}`);
  if (!(Math.abs(t) <= MAX_CLOCK_S))
    throw new ValidationError(at, t, `a clock time in seconds, within ±${MAX_CLOCK_S}`);
  return t;
}

/** Origins: `'all'`, or a non-empty list of distinct collector ids. */
function checkOrigins(v: unknown, at: string): readonly string[] | 'all' {
  if (v === 'all') return 'all';
  if (!Array.isArray(v) || v.length === 0)
    throw new ValidationError(at, v, "'all' or a non-empty list of collector ids");
  v.forEach((id: unknown, i) => {
    checkString(join(at, i), id, 'a collector id');
    if (v.indexOf(id) !== i) throw new ValidationError(join(at, i), id, 'each collector once');
  });
  return [...(v as string[])];
}

/** The clock time of a scheduled activation, or -Infinity for 'immediate'. */
function checkActivation(activation: unknown, epoch: unknown, at: string): number {
  const where = join(at, 'activation');
  const allowed = "'immediate', { atS } or { at: ISO date-time }";
  if (activation === undefined || activation === 'immediate') return -Infinity;
  if (typeof activation !== 'object' || activation === null || Array.isArray(activation)) {
    throw new ValidationError(where, activation, allowed);
  }
  if ('atS' in activation) {
    const a = checkObject(where, activation, ['atS']);
    return checkClock(join(where, 'atS'), a['atS']);
  }
  if ('at' in activation) {
    const a = checkObject(where, activation, ['at']);
    const when = typeof a['at'] === 'string' ? Date.parse(a['at']) : NaN;
    if (Number.isNaN(when)) throw new ValidationError(join(where, 'at'), a['at'], 'an ISO 8601 date-time');
    const zero = typeof epoch === 'string' ? Date.parse(epoch) : NaN;
    if (Number.isNaN(zero)) {
      throw new ValidationError(join(at, 'epoch'), epoch, 'an ISO 8601 date-time (clock 0), needed by activation.at');
    }
    return (when - zero) / 1000;
  }
  throw new ValidationError(where, activation, allowed);
}
