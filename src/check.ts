/**
 * The checking kit: one function per kind of field, each throwing a {@link ValidationError}
 * that names the field (`at`), the value given and what is allowed, and returning the value
 * typed. Every input meshcast takes is checked by these, once, where it enters (a public
 * entry point resolves its inputs into `Resolved*` values; code below takes those and never
 * checks again). The one verb is `check`: `checkX(input, at)` returns the input checked, with
 * defaults applied. See `docs/decisions/0011-one-home-per-concept.md`.
 * @module
 */
import { ValidationError, ValidationErrors } from './errors.js';

/** True for plain objects: not null, not an array. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Where the errors of one check go. By default (a limit of 1) the first error is thrown as it is
 * found, as every library entry point does. With a higher limit (`meshcast validate`: 20) a check
 * records an error in a field and carries on with the fields whose values do not depend on it,
 * and throws them all at the end ({@link CheckContext.finish}): one {@link ValidationError}, or
 * a {@link ValidationErrors} of several. A field that depends on one that failed is not checked
 * (its rule may not even be known: the head-end's ranges depend on `limits`).
 *
 * No value is checked twice: a checker that takes a context runs each field's check once, inside
 * {@link CheckContext.field}, and a section that recorded errors ends with
 * {@link CheckContext.settle}, which its caller's `field` takes as that field having failed.
 */
export class CheckContext {
  /** The errors recorded, in the order found. */
  readonly errors: ValidationError[] = [];
  /** Set once the limit is reached: every error then propagates. */
  private stopped = false;

  /** @param limit - errors recorded before checking stops. @defaultValue 1 (throw the first) */
  constructor(readonly limit = 1) {}

  /**
   * Runs the check of one field: its value, or undefined when it failed (the error recorded,
   * or thrown at once when it reaches the limit). Checks passed here return a value.
   */
  field<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (e) {
      if (this.stopped || !(e instanceof ValidationError)) throw e;
      if (!this.recorded(e)) this.record(e);
      return undefined;
    }
  }

  /** Records an error found without a throw (or throws, at the limit). */
  record(e: ValidationError): void {
    this.errors.push(e);
    if (this.errors.length >= this.limit) {
      this.stopped = true;
      throw this.result();
    }
  }

  /** The number of errors so far: pass it to {@link CheckContext.settle} at the end of a section. */
  mark(): number {
    return this.errors.length;
  }

  /** Ends a section: throws (for its caller's `field`) when it recorded errors since `mark`. */
  settle(mark: number): void {
    if (this.errors.length > mark) throw this.result();
  }

  /** Ends the whole check: throws what was recorded, if anything. */
  finish(): void {
    this.settle(0);
  }

  private recorded(e: ValidationError): boolean {
    return e instanceof ValidationErrors ? e.errors.every((x) => this.errors.includes(x)) : this.errors.includes(e);
  }

  private result(): ValidationError {
    const [first] = this.errors;
    return this.errors.length === 1 && first !== undefined
      ? first
      : new ValidationErrors([...this.errors], this.stopped);
  }
}

/**
 * Checks that `value` is a plain object (not an array, not null) whose keys are all in `keys`.
 * @param at - where the object sits (e.g. `options.radio`); '' for a top-level options object
 * @param value - the value to check
 * @param keys - the keys allowed
 * @param what - how to describe the object in the message
 * @param context - where errors go: each unknown key is an error of its own
 * @returns the object, typed as a record
 */
export function checkObject(
  at: string,
  value: unknown,
  keys: readonly string[],
  what = 'an object',
  context = new CheckContext(),
): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new ValidationError(at === '' ? 'options' : at, value, `${what} with fields ${keys.join(', ')}`);
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      context.record(new ValidationError(join(at, key), value[key], `one of the fields ${keys.join(', ')}`));
    }
  }
  return value;
}

/** `at.key`, or `key` at the top. */
export function join(at: string, key: string | number): string {
  if (typeof key === 'number') return `${at}[${key}]`;
  return at === '' ? key : `${at}.${key}`;
}

/**
 * Checks an integer in `min..max`.
 * @returns the value
 */
export function checkInteger(at: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ValidationError(at, v, `an integer in ${min}..${max}`);
  }
  return v;
}

/**
 * Checks a finite number (any sign).
 * @param what - what the number is, for the message @defaultValue 'a finite number'
 * @returns the value
 */
export function checkFinite(at: string, v: unknown, what = 'a finite number'): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(at, v, what);
  return v;
}

/**
 * Checks a probability (or share) in [0, 1].
 * @returns the value
 */
export function checkProbability(at: string, v: unknown, what = 'a probability'): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new ValidationError(at, v, `${what} in [0, 1]`);
  return v;
}

/**
 * Checks a finite number > 0 (or >= 0 with `orZero`).
 * @returns the value
 */
export function checkPositive(at: string, v: unknown, orZero = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!orZero && v === 0)) {
    throw new ValidationError(at, v, orZero ? 'a finite number >= 0' : 'a finite number > 0');
  }
  return v;
}

/**
 * Checks that a value is one of a few allowed ones (compared with `===`).
 * @returns the value, typed
 */
export function checkOneOf<T>(at: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) {
    throw new ValidationError(at, v, allowed.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(', '));
  }
  return v as T;
}

/**
 * Checks a non-empty string.
 * @param what - what the string is, for the message @defaultValue 'a non-empty string'
 * @returns the value
 */
export function checkString(at: string, v: unknown, what = 'a non-empty string'): string {
  if (typeof v !== 'string' || v.length === 0) throw new ValidationError(at, v, what);
  return v;
}

/**
 * Checks true or false.
 * @returns the value
 */
export function checkBoolean(at: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ValidationError(at, v, 'true or false');
  return v;
}

/**
 * Checks a function (a callback or a predicate).
 * @param signature - how it is called, for the message (e.g. `(done, total) => void`)
 * @returns the value
 */
export function checkFunction<F extends (...args: never[]) => unknown>(at: string, v: unknown, signature: string): F {
  if (typeof v !== 'function') throw new ValidationError(at, v, `a function ${signature}`);
  return v as F;
}

/**
 * Checks a root seed: a safe integer or a non-empty string of at most 256 characters. The one
 * rule for every seed meshcast takes (library options, scenarios, sweeps, the command line).
 * @returns the value
 */
export function checkSeed(at: string, v: unknown): number | string {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && v.length > 0 && v.length <= 256) return v;
  throw new ValidationError(at, v, 'an integer or a non-empty string (at most 256 characters)');
}

/**
 * Runs `fn`, re-rooting any {@link ValidationError} it throws under `prefix`: the part of its
 * path matched by `strip` is replaced by `prefix` (e.g. `spec.maxHops` → `specs[1].maxHops`),
 * so errors name the field where the caller wrote it. For errors of parts that know nothing of
 * where they sit (a network file's own paths, say); code that does know takes an `at` instead.
 */
export function reroot<T>(prefix: string, strip: RegExp, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValidationError) {
      const rest = e.path.replace(strip, '');
      const path = rest === '' ? prefix : `${prefix}${rest.startsWith('[') ? '' : '.'}${rest}`;
      throw new ValidationError(path, e.value, e.allowed, { cause: e });
    }
    throw e;
  }
}
