import { checkObject } from '../../check.js';
import { ValidationError } from '../../errors.js';
import { mix32 } from '../../random/counter.js';

/**
 * Log-distance path loss with log-normal shadowing, and per-transmission fading, for a
 * 902–928 MHz mesh. The defaults and their sources are in `docs/model.md` ("Link model").
 *
 * Mean received power at distance d (metres):
 *   Pr(d) = Pt + Gt + Gr − PL(d0) − 10 · n · log10(d / d0) + X,   X ~ N(0, σ_shadow) per link
 * with PL(d0) the free-space loss at d0 and X fixed for the link (obstacles do not move).
 * Each transmission then fades by a further N(0, σ_fade), so the link's success probability is
 *   P(success) = Φ((Pr(d) − sensitivity) / σ_fade).
 */
export interface PathLossOptions {
  /** Carrier frequency. @defaultValue 915 */
  readonly frequencyMHz?: number;
  /** Path-loss exponent n (2 free space; 2.7–3.5 suburban; 4+ dense clutter). @defaultValue 3.3 */
  readonly exponent?: number;
  /** Reference distance d0 in metres. @defaultValue 1 */
  readonly referenceDistanceM?: number;
  /** Shadowing standard deviation (per link, fixed). @defaultValue 6 */
  readonly shadowingSigmaDb?: number;
  /** Per-transmission fading standard deviation. @defaultValue 4 */
  readonly fadingSigmaDb?: number;
  /** Receiver sensitivity. @defaultValue -100 */
  readonly sensitivityDbm?: number;
}

/** Fully resolved {@link PathLossOptions}. */
export type ResolvedPathLoss = Required<PathLossOptions>;

/** The documented defaults of {@link PathLossOptions}. */
export const PATH_LOSS_DEFAULTS: ResolvedPathLoss = {
  frequencyMHz: 915,
  exponent: 3.3,
  referenceDistanceM: 1,
  shadowingSigmaDb: 6,
  fadingSigmaDb: 4,
  sensitivityDbm: -100,
};

/**
 * Applies defaults and checks ranges.
 * @param options - caller's options
 * @param path - where they sit, for errors
 */
export function checkPathLoss(options: PathLossOptions = {}, path = 'pathLoss'): ResolvedPathLoss {
  checkObject(path, options, Object.keys(PATH_LOSS_DEFAULTS), 'path-loss options');
  const r = { ...PATH_LOSS_DEFAULTS, ...options };
  const check = (key: keyof ResolvedPathLoss, ok: boolean, allowed: string): void => {
    if (!ok) throw new ValidationError(`${path}.${key}`, r[key], allowed);
  };
  check('frequencyMHz', r.frequencyMHz > 0 && Number.isFinite(r.frequencyMHz), 'a frequency > 0 MHz');
  check('exponent', r.exponent >= 1 && r.exponent <= 8, 'an exponent in [1, 8]');
  check('referenceDistanceM', r.referenceDistanceM > 0 && Number.isFinite(r.referenceDistanceM), 'a distance > 0 m');
  check('shadowingSigmaDb', r.shadowingSigmaDb >= 0 && r.shadowingSigmaDb <= 20, 'a standard deviation in [0, 20] dB');
  check('fadingSigmaDb', r.fadingSigmaDb > 0 && r.fadingSigmaDb <= 20, 'a standard deviation in (0, 20] dB');
  check('sensitivityDbm', Number.isFinite(r.sensitivityDbm), 'a finite power in dBm');
  return r;
}

/** Free-space loss at the reference distance: 20·log10(4π·d0/λ). */
export function referenceLossDb(p: ResolvedPathLoss): number {
  const lambdaM = 299_792_458 / (p.frequencyMHz * 1e6);
  return 20 * Math.log10((4 * Math.PI * p.referenceDistanceM) / lambdaM);
}

/**
 * Mean link margin (dB above sensitivity) before shadowing, for a transmitter EIRP plus
 * receive gain `budgetDb` (= Pt + Gt + Gr in dBm) at distance `distanceM`.
 */
export function meanMarginDb(
  p: ResolvedPathLoss,
  budgetDb: number,
  distanceM: number,
  refLossDb = referenceLossDb(p),
): number {
  const d = Math.max(distanceM, p.referenceDistanceM);
  return budgetDb - refLossDb - 10 * p.exponent * Math.log10(d / p.referenceDistanceM) - p.sensitivityDbm;
}

/**
 * Largest distance at which a link with budget `budgetDb` can still reach `minSuccess` when
 * its shadowing is `sigmas` standard deviations favourable: the search radius of generators.
 */
export function maxRangeM(p: ResolvedPathLoss, budgetDb: number, minSuccess: number, sigmas = 3): number {
  const needMarginDb = p.fadingSigmaDb * inverseNormalCdf(minSuccess) - sigmas * p.shadowingSigmaDb;
  const spareDb = budgetDb - referenceLossDb(p) - p.sensitivityDbm - needMarginDb;
  return p.referenceDistanceM * 10 ** (spareDb / (10 * p.exponent));
}

/** Standard normal CDF Φ(x) (W. J. Cody-style rational erfc; absolute error < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  // Numerical Recipes erfc approximation (Chebyshev fit), fractional error < 1.2e-7.
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Inverse of {@link normalCdf} by bisection (used once per generator, not per link). */
export function inverseNormalCdf(p: number): number {
  if (!(p > 0 && p < 1)) throw new ValidationError('probability', p, 'a probability strictly between 0 and 1');
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * A standard normal value determined by `(seed, a, b)` alone, symmetric in a and b: the
 * shadowing of the link between devices a and b. Counter-based (a hash, not a sequential
 * stream) because a link is looked at from both of its ends in any order.
 */
export function pairNormal(seed: number, a: number, b: number): number {
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  const h1 = mix32(mix32(seed ^ 0x9e3779b9) ^ mix32(lo + 0x632be5ab) ^ mix32(hi * 0x85ebca6b + 0x1b873593));
  const h2 = mix32(h1 ^ 0x27d4eb2f);
  const u1 = ((h1 >>> 0) + 1) / 4294967297; // (0, 1)
  const u2 = (h2 >>> 0) / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Turns a seed of either type into a 32-bit integer for {@link pairNormal}. */
export function seedToInt(seed: number | string): number {
  const s = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** A uniform value in [0, 1) determined by the ordered triple `(seed, a, b)`. */
export function pairUniform(seed: number, a: number, b: number): number {
  return (
    (mix32(mix32(seed ^ 0x2545f491) ^ mix32(a + 0x3c6ef372) ^ mix32(Math.imul(b, 0x27d4eb2f) + 0x165667b1)) >>> 0) /
    4294967296
  );
}
