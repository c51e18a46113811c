import { ValidationError } from '../errors.js';
import { checkWorkers, cores } from '../runtime/workers.js';
import type { Seed } from '../random/stream.js';

/** A mistake on the command line: exit code 2, the message and the usage. */
export class UsageError extends Error {}

/** A command line split into its command, positional arguments, flags and `--param` values. */
export interface Parsed {
  readonly command: string | undefined;
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
  readonly params: string[];
}

/** Flags that take a value. */
const VALUED = new Set([
  '--seed',
  '--passes',
  '--hops',
  '--hops-over-layer',
  '--ttl',
  '--spacing',
  '--param',
  '--replications',
  '--workers',
  '--out',
  '--shard',
  '--shard-count',
  '--target-minutes',
  '--csv',
  '--html',
  '--svg-dir',
  '--endpoints',
  '--failed',
  '--trace',
  '--records',
  '--out-records',
]);

/** Splits a command line into its parts. */
export function parse(argv: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const params: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      let name = a;
      let value: string | true = true;
      if (eq > 0) {
        name = a.slice(0, eq);
        value = a.slice(eq + 1);
      } else if (VALUED.has(a) && !(a === '--csv' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--')))) {
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`${a} needs a value`);
        value = v;
      }
      // --param may repeat; the others keep their last value.
      if (name === '--param' && typeof value === 'string') params.push(value);
      else flags.set(name, value);
    } else positional.push(a);
  }
  return { command: positional.shift(), positional, flags, params };
}

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
export function seedOf(flags: Map<string, string | true>): Seed | undefined {
  const flag = flags.get('--seed');
  if (typeof flag !== 'string') return undefined;
  return /^-?\d+$/.test(flag) ? Number(flag) : flag;
}

/** The value of a flag holding `'auto'` or a count, as the library takes it (it checks the range). */
export function countOf(flag: string | true): number | 'auto' {
  return flag === 'auto' ? 'auto' : flag === true ? NaN : Number(flag);
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
export function workersOf(flag: string | true, least: 0 | 1, err: (s: string) => void): number {
  const n = flagValue('--workers', () => checkWorkers('--workers', countOf(flag), least));
  const available = cores();
  if (n <= available) return n;
  err(`meshcast: --workers ${n}: this machine has ${available} cores; using ${available}\n`);
  return available;
}
