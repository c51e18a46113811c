import { MeshcastError } from '../errors.js';

/**
 * Strings (versions, models, group names) stored as 16-bit codes, so the head-end's records and
 * the devices' firmware fit in typed columns. Code 0 is "none / unknown"; others are handed out
 * in first-seen order. A table holds at most 65,535 strings.
 * @internal
 */
export class Codes {
  private readonly byName = new Map<string, number>();
  private readonly names: string[] = [''];

  /** The code of a string, added if new; 0 for undefined. */
  code(name: string | undefined): number {
    if (name === undefined) return 0;
    let c = this.byName.get(name);
    if (c === undefined) {
      c = this.names.length;
      if (c > 0xffff) throw new MeshcastError(`more than 65,535 distinct names (at ${name})`);
      this.names.push(name);
      this.byName.set(name, c);
    }
    return c;
  }

  /** The code of a string already seen, or -1. */
  find(name: string): number {
    return this.byName.get(name) ?? -1;
  }

  /** The string of a code; undefined for 0. */
  name(code: number): string | undefined {
    return code === 0 ? undefined : this.names[code];
  }

  /** Strings held, by code (code 0 excluded): a table that hands out the same codes when added in order. */
  list(): string[] {
    return this.names.slice(1);
  }

  /** Strings held (code 0 excluded). */
  get size(): number {
    return this.names.length - 1;
  }
}
