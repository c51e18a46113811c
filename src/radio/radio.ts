import { checkObject } from '../check.js';
import { ValidationError } from '../errors.js';
import { delayMeanS, checkDelay, type DelaySpec } from '../random/distributions.js';

/** Frame size and bit rate, from which each hop's airtime is computed. */
export interface AirtimeOptions {
  /** Bytes on air per frame (payload, headers, preamble). */
  readonly frameBytes: number;
  /** Over-the-air bit rate in bits per second. */
  readonly bitRateBps: number;
}

/**
 * Shared-air model ("contention"): frames take airtime, each node sends one frame at a time
 * from a queue after a random backoff (the per-hop `delay`), defers while it hears a neighbour
 * (carrier sense), and a reception fails when another frame reaches the same receiver in
 * overlapping time on the same channel (hidden terminals included) or the receiver is itself
 * transmitting. See docs/model.md "Contention".
 */
export interface ContentionOptions {
  /**
   * Frequency-hopping channels: two overlapping frames share a channel with probability 1 / channels.
   * @defaultValue 1
   */
  readonly channels?: number;
  /** Carrier sense: defer while hearing a neighbour. @defaultValue true */
  readonly carrierSense?: boolean;
  /** Upper end of the random wait (uniform) before retrying after a deferral, in seconds. @defaultValue 0.25 */
  readonly deferMaxS?: number;
}

/** {@link ContentionOptions} resolved. */
export interface ResolvedContention {
  /** Frequency-hopping channels. */
  readonly channels: number;
  /** Whether nodes defer while hearing a neighbour. */
  readonly carrierSense: boolean;
  /** Upper end of the uniform wait after a deferral (and of unicast MAC backoff), seconds. */
  readonly deferMaxS: number;
}

/** How frames compete for the air: `'none'` (independent receptions) or a {@link ContentionOptions} model. */
export type ContentionMode = 'none' | 'csma' | ContentionOptions;

/** Radio options of a run. */
export interface RadioOptions {
  /** Per-hop forwarding delay. @defaultValue `{ kind: 'uniform', minS: 1, maxS: 3 }` */
  readonly delay?: DelaySpec;
  /** When given, every hop also takes frameBytes × 8 / bitRateBps seconds of airtime. */
  readonly airtime?: AirtimeOptions;
  /**
   * Contention model. `'none'`: every reception is an independent trial with the link's
   * success probability and every hop's delay an independent draw. @defaultValue 'none'
   */
  readonly contention?: ContentionMode;
}

/** {@link RadioOptions} validated, with defaults applied and airtime computed. */
export interface ResolvedRadio {
  /** Per-hop delay distribution. */
  readonly delay: DelaySpec;
  /** Seconds of airtime added to every hop (0 without airtime). */
  readonly airtimeS: number;
  /** Contention model (`'none'`, or the resolved shared-air model). */
  readonly contention: 'none' | ResolvedContention;
  /** Mean time per hop, delay plus airtime. */
  readonly meanHopS: number;
}

/**
 * Airtime of a frame under contention when none is configured: 160 bytes at 38.4 kbit/s
 * (a ~100-byte firmware segment plus headers and preamble at a common 900 MHz FHSS AMI rate;
 * see docs/model.md "Contention").
 */
export const DEFAULT_AIRTIME_S = (160 * 8) / 38_400;

/**
 * The default per-hop delay: a relay forwards after a jitter uniform on 1.5–2.5 s — a 2 s hop,
 * ±25 %, near-synchronous relaying as slotted meshes forward broadcasts, under which a node's
 * first copy travels its route and Maximum Hops = Max. Layer + 1 reaches the deepest layer, as
 * the guide says it does (docs/model.md "Per-hop delay";
 * docs/decisions/0014-layers-from-routes.md).
 */
export const DEFAULT_DELAY: DelaySpec = { kind: 'uniform', minS: 1.5, maxS: 2.5 };

/**
 * Validates radio options and applies defaults.
 * @param options - caller's options
 * @param path - where they sit, for errors
 */
export function checkRadio(options: RadioOptions = {}, path = 'radio'): ResolvedRadio {
  checkObject(path, options, ['delay', 'airtime', 'contention'], 'radio options');
  const delay = checkDelay(options.delay ?? DEFAULT_DELAY, `${path}.delay`);
  let airtimeS = 0;
  if (options.airtime !== undefined) {
    checkObject(`${path}.airtime`, options.airtime, ['frameBytes', 'bitRateBps'], 'airtime');
    const { frameBytes, bitRateBps } = options.airtime;
    if (!(Number.isInteger(frameBytes) && frameBytes > 0 && frameBytes <= 65_535)) {
      throw new ValidationError(`${path}.airtime.frameBytes`, frameBytes, 'an integer in 1..65535');
    }
    if (!(bitRateBps > 0 && Number.isFinite(bitRateBps))) {
      throw new ValidationError(`${path}.airtime.bitRateBps`, bitRateBps, 'a bit rate > 0');
    }
    airtimeS = (frameBytes * 8) / bitRateBps;
  }
  const given = options.contention ?? 'none';
  let contention: ResolvedRadio['contention'] = 'none';
  if (given !== 'none') {
    const c: ContentionOptions = given === 'csma' ? {} : given;
    if (typeof c !== 'object' || c === null)
      throw new ValidationError(`${path}.contention`, given, "'none', 'csma' or { channels, carrierSense, deferMaxS }");
    for (const moved of ['reads', 'reports'] as const) {
      if (moved in c)
        throw new ValidationError(
          `${path}.contention.${moved}`,
          (c as Record<string, unknown>)[moved],
          `no ${moved} here: AMI traffic is its own option, traffic.${moved} beside radio`,
        );
    }
    checkObject(`${path}.contention`, c, ['channels', 'carrierSense', 'deferMaxS'], 'contention options');
    const channels = c.channels ?? 1;
    if (!Number.isInteger(channels) || channels < 1 || channels > 1000)
      throw new ValidationError(`${path}.contention.channels`, channels, 'an integer in 1..1000');
    const carrierSense = c.carrierSense ?? true;
    if (typeof carrierSense !== 'boolean')
      throw new ValidationError(`${path}.contention.carrierSense`, carrierSense, 'true or false');
    const deferMaxS = c.deferMaxS ?? 0.25;
    if (!(deferMaxS > 0 && Number.isFinite(deferMaxS)))
      throw new ValidationError(`${path}.contention.deferMaxS`, deferMaxS, 'a number of seconds > 0');
    if (airtimeS === 0) airtimeS = DEFAULT_AIRTIME_S; // frames must take time on a shared air
    contention = { channels, carrierSense, deferMaxS };
  }
  return { delay, airtimeS, contention, meanHopS: delayMeanS(delay) + airtimeS };
}
