/**
 * The meshcast error family. Every error a caller can provoke with bad input is a
 * {@link MeshcastError}; tests and callers branch on the class and its fields, never on the
 * wording of the message.
 * @packageDocumentation
 */

/** Base class of every error meshcast throws on purpose. */
export class MeshcastError extends Error {
  override name = 'MeshcastError';
}

/**
 * A value failed validation: `path` names the field (dotted, e.g. `spec.maxHops` or
 * `devices[3].kind`), `value` is what was given and `allowed` says what would be accepted.
 */
export class ValidationError extends MeshcastError {
  override name = 'ValidationError';
  /** Dotted path of the offending field. */
  readonly path: string;
  /** The rejected value (as given). */
  readonly value: unknown;
  /** Human-readable description of the accepted values. */
  readonly allowed: string;

  /**
   * @param path - dotted path of the offending field
   * @param value - the rejected value
   * @param allowed - what the field accepts
   * @param options - the error's `cause`, when it wraps another
   */
  constructor(path: string, value: unknown, allowed: string, options?: ErrorOptions) {
    super(`${path}: got ${describe(value)}; allowed: ${allowed}`, options);
    this.path = path;
    this.value = value;
    this.allowed = allowed;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}

/**
 * Checks that `value` is a plain object (not an array, not null) whose keys are all in
 * `keys`; throws {@link ValidationError} naming the first offending field.
 * @param path - where the object sits (e.g. `options.radio`)
 * @param value - the value to check
 * @param keys - the keys allowed
 * @param what - how to describe the object in the message
 */
export function checkObject(path: string, value: unknown, keys: readonly string[], what = 'an object'): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ValidationError(path === '' ? 'options' : path, value, `${what} with fields ${keys.join(', ')}`);
  for (const key of Object.keys(value)) {
    if (!keys.includes(key))
      throw new ValidationError(
        path === '' ? key : `${path}.${key}`,
        (value as Record<string, unknown>)[key],
        `one of the fields ${keys.join(', ')}`,
      );
  }
}

/**
 * Checks an integer in `min..max`.
 * @returns the value
 */
export function checkInteger(path: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new ValidationError(path, v, `an integer in ${min}..${max}`);
  return v;
}

/**
 * Checks a probability (or share) in [0, 1].
 * @returns the value
 */
export function checkProbability(path: string, v: unknown, what = 'a probability'): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new ValidationError(path, v, `${what} in [0, 1]`);
  return v;
}

/**
 * Checks a finite number > 0 (or >= 0 with `orZero`).
 * @returns the value
 */
export function checkPositive(path: string, v: unknown, orZero = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!orZero && v === 0)) {
    throw new ValidationError(path, v, orZero ? 'a finite number >= 0' : 'a finite number > 0');
  }
  return v;
}

/**
 * Runs `fn`, re-rooting any {@link ValidationError} it throws under `prefix`: the part of its
 * path matched by `strip` is replaced by `prefix` (e.g. `spec.maxHops` → `specs[1].maxHops`,
 * `gasShare` → `network.options.gasShare`), so errors name the field where the caller wrote it.
 */
export function reroot<T>(prefix: string, strip: RegExp, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValidationError) {
      const rest = e.path.replace(strip, '');
      throw new ValidationError(
        rest === '' ? prefix : `${prefix}${rest.startsWith('[') ? '' : '.'}${rest}`,
        e.value,
        e.allowed,
      );
    }
    throw e;
  }
}
