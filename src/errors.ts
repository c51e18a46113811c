/**
 * The meshcast error family. Every error a caller can provoke with bad input is a
 * {@link MeshcastError}; tests and callers branch on the class and its fields, never on the
 * wording of the message.
 * @packageDocumentation
 */

/** Base class of every error meshcast throws on purpose. */
export class MeshcastError extends Error {
  /** The class's name, as `Error.name` (kept when minified). */
  override name = 'MeshcastError';
}

/**
 * A value failed validation: `path` names the field (dotted, e.g. `spec.maxHops` or
 * `devices[3].kind`), `value` is what was given and `allowed` says what would be accepted.
 */
export class ValidationError extends MeshcastError {
  /** The class's name, as `Error.name` (kept when minified). */
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
  constructor(path: string, value: unknown, allowed: string, options?: { readonly cause?: unknown }) {
    super(`${path}: got ${describe(value)}; allowed: ${allowed}`, options);
    this.path = path;
    this.value = value;
    this.allowed = allowed;
  }
}

/**
 * Several values failed validation (`meshcast validate` collects every error of a scenario, up
 * to a limit): `errors` lists them in the order found. Its own `path`, `value` and `allowed` are
 * the first error's, so code that reads one error reads the first.
 */
export class ValidationErrors extends ValidationError {
  override name = 'ValidationErrors';
  /** Every error found, in order (at least two). */
  readonly errors: readonly ValidationError[];
  /** Whether checking stopped at the limit (more errors may follow). */
  readonly truncated: boolean;

  /**
   * @param errors - the errors, in the order found (at least one)
   * @param truncated - whether checking stopped at a limit
   */
  constructor(errors: readonly ValidationError[], truncated: boolean) {
    const first = errors[0];
    if (first === undefined) throw new RangeError('ValidationErrors needs at least one error');
    super(first.path, first.value, first.allowed, { cause: first });
    const count = `${errors.length}${truncated ? ' (or more)' : ''}`;
    this.message = `${count} errors: ${errors.map((e) => e.message).join('; ')}`;
    this.errors = errors;
    this.truncated = truncated;
  }
}

/**
 * A value as a message shows it: its JSON, cut to 80 characters. Bounded whatever the value (a
 * cyclic or deeply nested one is described by its kind), so describing a bad input can never
 * fail in turn.
 */
function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint' || typeof value === 'symbol') return value.toString();
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    if (Array.isArray(value)) return `an array of ${value.length}`;
    return typeof value === 'object' && value !== null ? 'an object' : typeof value;
  }
}
