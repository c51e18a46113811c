import { ValidationError } from '../errors.js';
import { checkWorkers, cores } from '../runtime/workers.js';
import type { Seed } from '../random/stream.js';

/** A mistake on the command line: exit code 2, the message and the usage. */
export class UsageError extends Error {}

/** Parses "60,120,300", "2..40" or "60..600:60" into values (numbers where numeric). */
export function parseValues(text: string, flag: string): unknown[] {
  const range = /^(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/.exec(text);
  if (range !== null) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    const step = range[3] === undefined ? 1 : Number(range[3]);
    if (!(step > 0) || to < from || (to - from) / step > 100_000) {
      throw new UsageError(`${flag}: ${text} is not a usable range (from..to[:step], from <= to)`);
    }
    const out: number[] = [];
    for (let k = 0; from + k * step <= to + 1e-9; k++) out.push(Number((from + k * step).toPrecision(12)));
    return out;
  }
  const items = text.split(',').map((t) => t.trim());
  if (items.some((t) => t === '')) throw new UsageError(`${flag}: ${text} has an empty value`);
  return items.map((t) => {
    if (/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(t)) return Number(t);
    if (t === 'true' || t === 'false') return t === 'true';
    return t;
  });
}

/** The value of `--seed`: an integer when it reads as one, else the string; undefined when absent. */
export function seedOf(flag: string | undefined): Seed | undefined {
  if (flag === undefined) return undefined;
  return /^-?\d+$/.test(flag) ? Number(flag) : flag;
}

/** The value of a flag holding `'auto'` or a count, as the library takes it (it checks the range). */
export function countOf(flag: string): number | 'auto' {
  return flag === 'auto' ? 'auto' : /^\s*$/.test(flag) ? NaN : Number(flag);
}

/**
 * Runs `check` on a value given by a flag: a ValidationError it throws is a command-line
 * mistake (exit 2), named by the flag.
 */
export function flagValue<T>(flag: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof ValidationError) throw new UsageError(`${flag}: got ${String(e.value)}; allowed: ${e.allowed}`);
    throw e;
  }
}

/**
 * The value of `--workers`: checked as the library checks it, then capped at the machine's
 * cores — more threads than cores only cost memory — with a note on standard error saying so.
 * @param least - the smallest count allowed (0: the calling thread)
 */
export function workersOf(flag: string, least: 0 | 1, err: (s: string) => void): number {
  const n = flagValue('--workers', () => checkWorkers('--workers', countOf(flag), least));
  const available = cores();
  if (n <= available) return n;
  err(`meshcast: --workers ${n}: this machine has ${available} cores; using ${available}\n`);
  return available;
}
