import { availableParallelism } from 'node:os';
import { ValidationError } from '../errors.js';

/** How many worker threads to use: a number, or `'auto'` (one per core). */
export type Workers = number | 'auto';

/** Most worker threads meshcast starts (each holds its own heap: a few tens of MB). */
export const MAX_WORKERS = 256;

/**
 * Checks a worker count and resolves `'auto'` to the cores this machine has.
 * @param least - the smallest count allowed (0: run on the calling thread)
 * @returns the number of worker threads
 */
export function checkWorkers(at: string, value: unknown, least: 0 | 1): number {
  if (value === 'auto') return availableParallelism();
  if (typeof value !== 'number' || !Number.isInteger(value) || value < least || value > MAX_WORKERS) {
    throw new ValidationError(at, value, `'auto' or an integer in ${least}..${MAX_WORKERS}`);
  }
  return value;
}
