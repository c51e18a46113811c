import { checkObject, ValidationError } from '../errors.js';
import { delayMeanS, validateDelay, type DelaySpec } from '../random/distributions.js';

/** Frame size and bit rate, from which each hop's airtime is computed. */
export interface AirtimeOptions {
  /** Bytes on air per frame (payload, headers, preamble). */
  readonly frameBytes: number;
  /** Over-the-air bit rate in bits per second. */
  readonly bitRateBps: number;
}

/** How frames compete for the air. Only `'none'` (independent receptions) is available so far. */
export type ContentionMode = 'none';

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
export interface Radio {
  /** Per-hop delay distribution. */
  readonly delay: DelaySpec;
  /** Seconds of airtime added to every hop (0 without airtime). */
  readonly airtimeS: number;
  /** Contention model. */
  readonly contention: ContentionMode;
  /** Mean time per hop, delay plus airtime. */
  readonly meanHopS: number;
}

/**
 * The default per-hop delay: a relay forwards after a random jitter uniform on 1–3 s (a
 * broadcast backoff window; see docs/model.md "Per-hop delay").
 */
export const DEFAULT_DELAY: DelaySpec = { kind: 'uniform', minS: 1, maxS: 3 };

/**
 * Validates radio options and applies defaults.
 * @param options - caller's options
 * @param path - where they sit, for errors
 */
export function resolveRadio(options: RadioOptions = {}, path = 'radio'): Radio {
  checkObject(path, options, ['delay', 'airtime', 'contention'], 'radio options');
  const delay = validateDelay(options.delay ?? DEFAULT_DELAY, `${path}.delay`);
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
  const contention = options.contention ?? 'none';
  if (contention !== 'none') throw new ValidationError(`${path}.contention`, contention, "'none'");
  return { delay, airtimeS, contention, meanHopS: delayMeanS(delay) + airtimeS };
}
