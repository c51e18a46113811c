import { ValidationError } from '../errors.js';
import type { Scenario } from '../scenario/scenario.js';
import { sweepPath, sweepValue } from './params.js';

/** A parameter grid: values per parameter (alias or dotted scenario path). */
export type SweepGrid = Readonly<Record<string, readonly unknown[]>>;

/** One cell of a grid: a value for every parameter. */
export interface SweepCell {
  /** Position in the grid's order (first parameter slowest, last fastest). */
  readonly index: number;
  /** The parameter values, keyed as in the grid. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Canonical JSON of `params`: the cell's identity (its seed derives from it). */
  readonly key: string;
}

/** Most cells a grid may have (each is checked before the sweep starts, and listed in its outcome). */
export const MAX_CELLS = 1_000_000;

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJSON(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/**
 * The cells of a grid, in order: the cartesian product of the parameter values with the first
 * parameter varying slowest. An empty grid has one cell with no parameters.
 */
export function gridCells(grid: SweepGrid): SweepCell[] {
  const names = Object.keys(grid);
  const paths = new Map<string, string>();
  for (const name of names) {
    const path = sweepPath(name, `grid.${name}`).join('.');
    // Two parameters setting one path (an alias and its path), or one inside another, would
    // label rows with values that did not run.
    for (const [other, otherPath] of paths) {
      if (path === otherPath || path.startsWith(`${otherPath}.`) || otherPath.startsWith(`${path}.`)) {
        throw new ValidationError(`grid.${name}`, name, `a parameter of its own (${other} sets ${otherPath} already)`);
      }
    }
    paths.set(name, path);
    const values = grid[name];
    if (!Array.isArray(values) || values.length === 0) {
      throw new ValidationError(`grid.${name}`, values, 'a non-empty list of values');
    }
    // A value listed twice would run the same cell twice (a cell's seed comes from its parameters).
    const seen = new Set<string>();
    for (const v of values) {
      const key = canonicalJSON(v);
      if (seen.has(key))
        throw new ValidationError(`grid.${name}`, values, `a list of distinct values (${key} is there twice)`);
      seen.add(key);
    }
  }
  const total = names.reduce((n, name) => n * grid[name]!.length, 1);
  if (total > MAX_CELLS) {
    throw new ValidationError(
      'grid',
      `${total.toLocaleString('en-US')} cells`,
      `at most ${MAX_CELLS.toLocaleString('en-US')} cells`,
    );
  }
  const cells: SweepCell[] = [];
  for (let index = 0; index < total; index++) {
    const params: Record<string, unknown> = {};
    let rest = index;
    for (let k = names.length - 1; k >= 0; k--) {
      const values = grid[names[k]!]!;
      params[names[k]!] = values[rest % values.length];
      rest = Math.floor(rest / values.length);
    }
    const ordered = Object.fromEntries(names.map((n) => [n, params[n]]));
    cells.push({ index, params: ordered, key: canonicalJSON(ordered) });
  }
  return cells;
}

/**
 * The scenario with a cell's parameters set (a deep copy; the input is not changed).
 * Intermediate objects on a parameter's path are created when missing.
 */
export function applyCell(scenario: Scenario, params: Readonly<Record<string, unknown>>): Scenario {
  const copy = structuredClone(scenario) as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(params)) {
    const path = sweepPath(name, `grid.${name}`);
    let node = copy;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i]!;
      const next = node[key];
      if (next === undefined) node[key] = {};
      else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        throw new ValidationError(
          `grid.${name}`,
          name,
          `a path through objects (${path.slice(0, i + 1).join('.')} is not one)`,
        );
      }
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = sweepValue(name, value);
  }
  return copy as unknown as Scenario;
}
