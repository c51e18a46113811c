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
