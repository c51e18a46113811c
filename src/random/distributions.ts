import { randomExponential, randomGamma, randomLogNormal, randomUniform } from 'd3-random';
import { checkObject, checkPositive, ValidationError } from '../errors.js';
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
  | { readonly kind: 'constant'; readonly valueS: number }
  | { readonly kind: 'uniform'; readonly minS: number; readonly maxS: number }
  | { readonly kind: 'exponential'; readonly meanS: number }
  | { readonly kind: 'lognormal'; readonly meanS: number; readonly cv: number }
  | { readonly kind: 'gamma'; readonly shape: number; readonly meanS: number };

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
export function validateDelay(spec: unknown, path = 'delay'): DelaySpec {
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
