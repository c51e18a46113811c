import { checkObject } from '../check.js';
import { ValidationError } from '../errors.js';
import type { Rng } from '../random/stream.js';

/**
 * How an electric parent hands a gas / water module image to its child (a model choice,
 * documented in docs/model.md "Child-module hand-off"): the battery module wakes every
 * `wakeIntervalS`, first at a uniformly random phase after the parent completes the image;
 * at each wake the parent tries to transfer the whole image, which takes `transferS` and
 * succeeds with probability `attemptSuccess`; after `maxAttempts` failures the hand-off waits
 * for the next pass.
 */
export interface HandoffOptions {
  /** Seconds between the battery module's wake-ups. @defaultValue 900 */
  readonly wakeIntervalS?: number;
  /** Seconds to transfer the image over the parent–child link. @defaultValue 120 */
  readonly transferS?: number;
  /** Probability one transfer attempt succeeds. @defaultValue 0.95 */
  readonly attemptSuccess?: number;
  /** Attempts per pass before giving up until the next pass. @defaultValue 8 */
  readonly maxAttempts?: number;
}

/** {@link HandoffOptions} with defaults applied. */
export type ResolvedHandoff = Required<HandoffOptions>;

/**
 * Validates hand-off options.
 * @param options - caller's options
 * @param path - where they sit, for errors
 */
export function checkHandoff(options: HandoffOptions = {}, path = 'handoff'): ResolvedHandoff {
  checkObject(path, options, ['wakeIntervalS', 'transferS', 'attemptSuccess', 'maxAttempts'], 'hand-off options');
  const r: ResolvedHandoff = { wakeIntervalS: 900, transferS: 120, attemptSuccess: 0.95, maxAttempts: 8, ...options };
  if (!(r.wakeIntervalS >= 0 && Number.isFinite(r.wakeIntervalS)))
    throw new ValidationError(`${path}.wakeIntervalS`, r.wakeIntervalS, 'a finite number of seconds >= 0');
  if (!(r.transferS >= 0 && Number.isFinite(r.transferS)))
    throw new ValidationError(`${path}.transferS`, r.transferS, 'a finite number of seconds >= 0');
  if (!(r.attemptSuccess >= 0 && r.attemptSuccess <= 1))
    throw new ValidationError(`${path}.attemptSuccess`, r.attemptSuccess, 'a probability in [0, 1]');
  if (!(Number.isInteger(r.maxAttempts) && r.maxAttempts >= 1 && r.maxAttempts <= 10_000)) {
    throw new ValidationError(`${path}.maxAttempts`, r.maxAttempts, 'an integer in 1..10000');
  }
  return r;
}

/**
 * Runs one child's hand-off from `readyS` (when the parent holds the image, or the pass
 * starts if later).
 * @returns completion time, or NaN when every attempt failed; `attempts` made
 */
export function handOff(
  h: ResolvedHandoff,
  readyS: number,
  rng: Rng,
): { readonly completedS: number; readonly attempts: number } {
  const firstWakeS = readyS + rng() * h.wakeIntervalS;
  for (let a = 0; a < h.maxAttempts; a++) {
    if (rng() < h.attemptSuccess)
      return { completedS: firstWakeS + a * h.wakeIntervalS + h.transferS, attempts: a + 1 };
  }
  return { completedS: NaN, attempts: h.maxAttempts };
}
