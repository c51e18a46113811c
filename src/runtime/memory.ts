import { totalmem } from 'node:os';
import { ValidationError } from '../errors.js';

/** Share of this machine's memory one run may plan to use: the rest is for Node, the system and other work. */
export const MEMORY_SHARE = 0.4;

/** The bytes one run may plan to use on this machine: {@link MEMORY_SHARE} of its memory. */
export function memoryBudgetBytes(): number {
  return Math.floor(totalmem() * MEMORY_SHARE);
}

/** Bytes as a person reads them: `1.2 GB`, `340 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e12) return `${Math.round(bytes / 1e12).toLocaleString('en-US')} TB`;
  if (bytes >= 1e9) return `${(bytes / 1e9).toPrecision(3)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toPrecision(3)} MB`;
  return `${Math.ceil(bytes / 1e3)} kB`;
}

/**
 * Refuses work whose memory estimate exceeds what a run may take on this machine, before any of
 * it is spent.
 * @param at - the field whose value makes it that large
 * @param value - that value
 * @param bytes - the estimate
 * @param what - what would take the memory (e.g. `a grid of 100,000,000 devices`)
 */
export function checkMemory(at: string, value: unknown, bytes: number, what: string): void {
  const budget = memoryBudgetBytes();
  if (!(bytes <= budget)) {
    throw new ValidationError(
      at,
      value,
      `a size this machine can hold: ${what} takes about ${formatBytes(bytes)}, more than the ` +
        `${formatBytes(budget)} a run may take here (${Math.round(MEMORY_SHARE * 100)} % of its ` +
        `${formatBytes(totalmem())}); make it smaller, or run it on a machine with more memory`,
    );
  }
}
