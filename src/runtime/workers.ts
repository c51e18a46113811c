import { availableParallelism } from 'node:os';
import { ValidationError } from '../errors.js';

/** How many worker threads to use: a number, or `'auto'` (one per core). */
export type Workers = number | 'auto';

/**
 * Most worker threads meshcast starts (each holds its own heap and flood scratch, tens of MB):
 * enough to test results against any worker count, bounded so a typo cannot take the machine.
 */
export const MAX_WORKERS = 64;

/** The cores this machine offers: `'auto'` starts one worker per core. */
export function cores(): number {
  return availableParallelism();
}

/**
 * Checks a worker count and resolves `'auto'` to one per core.
 * @param least - the smallest count allowed (0: run on the calling thread)
 * @returns the number of worker threads
 */
export function checkWorkers(at: string, value: unknown, least: 0 | 1): number {
  if (value === 'auto') return cores();
  if (typeof value !== 'number' || !Number.isInteger(value) || value < least || value > MAX_WORKERS) {
    throw new ValidationError(at, value, `'auto' or an integer in ${least}..${MAX_WORKERS}`);
  }
  return value;
}
