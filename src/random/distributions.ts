import { randomExponential, randomGamma, randomLogNormal, randomUniform } from 'd3-random';
import { checkObject, checkPositive } from '../check.js';
import { ValidationError } from '../errors.js';
import { counterUniform, subKey, type CounterKey } from './counter.js';
import type { Rng } from './stream.js';

/**
 * A per-hop delay distribution, in seconds.
 * - `constant`: always `valueS`.
 * - `uniform`: uniform on [`minS`, `maxS`).
 * - `exponential`: mean `meanS`.
 * - `lognormal`: the delay's own mean `meanS` and coefficient of variation `cv` (σ/μ).
 * - `gamma`: shape `shape` and mean `meanS` (scale = meanS / shape).
 */
export type DelaySpec =
  | {
      /** Always the same delay. */
      readonly kind: 'constant';
      /** The delay, seconds. */
      readonly valueS: number;
    }
  | {
      /** Uniform between two bounds. */
      readonly kind: 'uniform';
      /** Least delay, seconds. */
      readonly minS: number;
      /** Greatest delay, seconds. */
      readonly maxS: number;
    }
  | {
      /** Exponential (memoryless). */
      readonly kind: 'exponential';
      /** Mean delay, seconds. */
      readonly meanS: number;
    }
  | {
      /** Log-normal, by its mean and coefficient of variation. */
      readonly kind: 'lognormal';
      /** Mean delay, seconds. */
      readonly meanS: number;
      /** Coefficient of variation (standard deviation / mean). */
      readonly cv: number;
    }
  | {
      /** Gamma, by its shape and mean. */
      readonly kind: 'gamma';
      /** Shape parameter k. */
      readonly shape: number;
      /** Mean delay, seconds. */
      readonly meanS: number;
    };

/** The delay kinds {@link DelaySpec} accepts. */
export const DELAY_KINDS = ['constant', 'uniform', 'exponential', 'lognormal', 'gamma'] as const;

/** A sampler bound to a stream: each call returns one delay in seconds. */
export type DelaySampler = () => number;

/**
 * Checks a delay spec once, outside the sampler (a d3 habit: parameters are validated when
 * the sampler is made, never per draw).
 * @param spec - the spec to check
 * @param path - where the spec sits in the caller's options, for error messages
 * @returns the spec, typed
 */
export function checkDelay(spec: unknown, path = 'delay'): DelaySpec {
  if (typeof spec !== 'object' || spec === null) {
    throw new ValidationError(path, spec, `an object with kind one of ${DELAY_KINDS.join(', ')}`);
  }
  const s = spec as Record<string, unknown>;
  const fields: Record<string, readonly string[]> = {
    constant: ['kind', 'valueS'],
    uniform: ['kind', 'minS', 'maxS'],
    exponential: ['kind', 'meanS'],
    lognormal: ['kind', 'meanS', 'cv'],
    gamma: ['kind', 'shape', 'meanS'],
  };
  const allowed = typeof s['kind'] === 'string' ? fields[s['kind']] : undefined;
  if (allowed !== undefined) checkObject(path, spec, allowed, `a ${String(s['kind'])} delay`);
  switch (s['kind']) {
    case 'constant':
      return { kind: 'constant', valueS: checkPositive(`${path}.valueS`, s['valueS'], true) };
    case 'uniform': {
      const minS = checkPositive(`${path}.minS`, s['minS'], true);
      const maxS = checkPositive(`${path}.maxS`, s['maxS'], true);
      if (maxS < minS) throw new ValidationError(`${path}.maxS`, maxS, `a number >= minS (${minS})`);
      return { kind: 'uniform', minS, maxS };
    }
    case 'exponential':
      return { kind: 'exponential', meanS: checkPositive(`${path}.meanS`, s['meanS']) };
    case 'lognormal':
      return {
        kind: 'lognormal',
        meanS: checkPositive(`${path}.meanS`, s['meanS']),
        cv: checkPositive(`${path}.cv`, s['cv']),
      };
    case 'gamma':
      return {
        kind: 'gamma',
        shape: checkPositive(`${path}.shape`, s['shape']),
        meanS: checkPositive(`${path}.meanS`, s['meanS']),
      };
    default:
      throw new ValidationError(`${path}.kind`, s['kind'], DELAY_KINDS.join(', '));
  }
}

/**
 * Mean of a delay distribution in seconds (used by reports and by tests of the laws).
 * @param spec - a validated delay spec
 */
export function delayMeanS(spec: DelaySpec): number {
  switch (spec.kind) {
    case 'constant':
      return spec.valueS;
    case 'uniform':
      return (spec.minS + spec.maxS) / 2;
    default:
      return spec.meanS;
  }
}

/**
 * Builds a delay sampler drawing from `rng` through d3-random's `.source()`.
 * @param spec - a validated delay spec
 * @param rng - the stream to draw from
 */
export function delaySampler(spec: DelaySpec, rng: Rng): DelaySampler {
  switch (spec.kind) {
    case 'constant': {
      const v = spec.valueS;
      return () => v;
    }
    case 'uniform':
      return randomUniform.source(rng)(spec.minS, spec.maxS);
    case 'exponential':
      return randomExponential.source(rng)(1 / spec.meanS);
    case 'lognormal': {
      // Parameters of the underlying normal from the delay's own mean and cv.
      const sigma2 = Math.log(1 + spec.cv * spec.cv);
      const mu = Math.log(spec.meanS) - sigma2 / 2;
      return randomLogNormal.source(rng)(mu, Math.sqrt(sigma2));
    }
    case 'gamma':
      return randomGamma.source(rng)(spec.shape, spec.meanS / spec.shape);
  }
}

/**
 * The smallest delay a distribution draws, in seconds: `valueS` or `minS` for constant and
 * uniform delays, 0 for the others. Floods handle every node whose earliest copy arrives within
 * this long of the earliest one still waiting as one batch.
 * @param spec - a validated delay spec
 */
export function delayMinS(spec: DelaySpec): number {
  switch (spec.kind) {
    case 'constant':
      return spec.valueS;
    case 'uniform':
      return spec.minS;
    default:
      return 0;
  }
}

/**
 * The largest delay a distribution draws, in seconds: `valueS` or `maxS` for constant and
 * uniform delays, Infinity for the others. Floods with bounded delays wait in a ring of arrival
 * windows instead of an event queue.
 * @param spec - a validated delay spec
 */
export function delayMaxS(spec: DelaySpec): number {
  switch (spec.kind) {
    case 'constant':
      return spec.valueS;
    case 'uniform':
      return spec.maxS;
    default:
      return Infinity;
  }
}

/**
 * A packet's hop delays as a function of the link: `at(e)` is the delay of the copy sent over
 * directed link `e`, in seconds, the same whenever and however often it is asked. Made by
 * {@link linkDelays}.
 *
 * One class for every distribution, choosing by kind inside `at`, so the flood's call site
 * stays monomorphic and the JIT inlines it (a closure per packet cost ~3 ns per copy).
 */
export class LinkDelays {
  private readonly kind: number;
  private readonly k0: number;
  private readonly k1: number;
  private readonly k2: number;
  // Per kind: constant (a), uniform (a + b·u), exponential (−a·ln(1 − u)), lognormal
  // (exp(a + b·N)), gamma (Marsaglia–Tsang with d = a, c = b, then × scale, boosted below shape 1).
  private readonly a: number;
  private readonly b: number;
  private readonly scaleS: number;
  private readonly shape: number;

  /**
   * @param spec - a validated delay spec
   * @param key - the packet's delay stream
   */
  constructor(spec: DelaySpec, key: CounterKey) {
    this.k0 = key.k0;
    this.k1 = key.k1;
    this.k2 = subKey(key.k1, 1);
    this.scaleS = 1;
    this.shape = 1;
    switch (spec.kind) {
      case 'constant':
        [this.kind, this.a, this.b] = [CONSTANT, spec.valueS, 0];
        break;
      case 'uniform':
        [this.kind, this.a, this.b] = [UNIFORM, spec.minS, spec.maxS - spec.minS];
        break;
      case 'exponential':
        [this.kind, this.a, this.b] = [EXPONENTIAL, spec.meanS, 0];
        break;
      case 'lognormal': {
        const sigma2 = Math.log(1 + spec.cv * spec.cv);
        [this.kind, this.a, this.b] = [LOGNORMAL, Math.log(spec.meanS) - sigma2 / 2, Math.sqrt(sigma2)];
        break;
      }
      case 'gamma': {
        // Marsaglia–Tsang needs shape ≥ 1; below, draw Gamma(shape + 1) and scale by U^(1/shape).
        const d = (spec.shape < 1 ? spec.shape + 1 : spec.shape) - 1 / 3;
        [this.kind, this.a, this.b] = [GAMMA, d, 1 / Math.sqrt(9 * d)];
        this.scaleS = spec.meanS / spec.shape;
        this.shape = spec.shape;
        break;
      }
    }
  }

  /**
   * The delay of the copy sent over link `e`, seconds.
   * @param e - directed link index
   */
  at(e: number): number {
    switch (this.kind) {
      case UNIFORM:
        return this.a + this.b * counterUniform(this.k0, this.k1, e);
      case CONSTANT:
        return this.a;
      case EXPONENTIAL:
        return -this.a * Math.log1p(-counterUniform(this.k0, this.k1, e));
      case LOGNORMAL:
        return Math.exp(
          this.a + this.b * boxMuller(counterUniform(this.k0, this.k1, e), counterUniform(this.k0, this.k2, e)),
        );
      default:
        return this.gamma(e);
    }
  }

  private gamma(e: number): number {
    const { k0, k1, a: d, b: c } = this;
    for (let j = 1; ; j += 3) {
      const x = boxMuller(counterUniform(k0, subKey(k1, j), e), counterUniform(k0, subKey(k1, j + 1), e));
      const t = 1 + c * x;
      if (t <= 0) continue;
      const v = t * t * t;
      const u = counterUniform(k0, subKey(k1, j + 2), e);
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        const g = d * v * this.scaleS;
        return this.shape < 1 ? g * Math.pow(1 - counterUniform(k0, k1, e), 1 / this.shape) : g;
      }
    }
  }
}

const CONSTANT = 0;
const UNIFORM = 1;
const EXPONENTIAL = 2;
const LOGNORMAL = 3;
const GAMMA = 4;

/**
 * Builds the hop delays of one packet from the counter-based stream `key` (see
 * {@link counterUniform}): link e's delay is drawn from uniform number e of the stream (and,
 * for lognormal and gamma delays, number e of further streams keyed by `subKey`).
 *
 * The samplers are meshcast's own rather than d3-random's because each delay must depend on its
 * link alone: d3's normal sampler keeps its second variate for the next call, so the delay of
 * one link would depend on which link was drawn before it. Same laws: uniform by scaling,
 * exponential by inversion, lognormal through a Box–Muller normal, gamma by Marsaglia and
 * Tsang's method (shape < 1 boosted by U^(1/shape)).
 * @param spec - a validated delay spec
 * @param key - the packet's delay stream
 * @example
 * ```ts
 * const delays = linkDelays({ kind: 'uniform', minS: 1, maxS: 3 }, counterKey(42, 'delay', 0));
 * delays.at(17) === delays.at(17); // true: link 17's delay for this packet
 * ```
 */
export function linkDelays(spec: DelaySpec, key: CounterKey): LinkDelays {
  return new LinkDelays(spec, key);
}

/** A standard normal variate from two uniforms in [0, 1) (Box–Muller, cosine branch). */
function boxMuller(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}
