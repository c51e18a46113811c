import { ValidationError } from '../errors.js';

/** A sweep alias: the scenario path it sets, the flag that gives its values, and how a value becomes the path's. */
export interface SweepAlias {
  /** The scenario path the alias sets (`broadcast.maxHops`, …). */
  readonly path: string;
  /** The `meshcast sweep` flag that gives its values (`--hops`, …), or null. */
  readonly flag: string | null;
  /** The value set at the path for a value of the alias (the value itself when absent). */
  readonly value?: (v: unknown) => unknown;
}

/**
 * Aliases a sweep grid accepts for the broadcast parameters studies vary most, with the scenario
 * path each sets and the command-line flag that gives its values. `hopsOverLayer` sweeps Maximum
 * Hops relative to the origins' Max. Layer (`{ maxLayerPlus: v }`), which means the same on
 * every network, where an absolute hop count does not.
 */
export const SWEEP_ALIASES: Readonly<Record<string, SweepAlias>> = {
  maxHops: { path: 'broadcast.maxHops', flag: '--hops' },
  hopsOverLayer: { path: 'broadcast.maxHops', flag: '--hops-over-layer', value: (v) => ({ maxLayerPlus: v }) },
  ttlS: { path: 'broadcast.ttlS', flag: '--ttl' },
  spacingS: { path: 'broadcast.spacingS', flag: '--spacing' },
  packets: { path: 'broadcast.packets', flag: null },
};

/** The value a sweep parameter sets at its path (an alias may turn it into the path's form). */
export function sweepValue(param: string, value: unknown): unknown {
  const alias = Object.hasOwn(SWEEP_ALIASES, param) ? SWEEP_ALIASES[param]! : undefined;
  return alias?.value === undefined ? value : alias.value(value);
}

/** The scenario sections a sweep may vary. */
export const SWEEP_ROOTS = [
  'network',
  'broadcast',
  'concurrent',
  'radio',
  'traffic',
  'handoff',
  'passes',
  'stopAtCoverage',
];

/** Path segments no parameter may name: they would reach an object's prototype. */
const FORBIDDEN = new Set(['', '__proto__', 'constructor', 'prototype']);

/**
 * The scenario path a sweep parameter sets (aliases resolved), checked to start at a section a
 * sweep may vary.
 * @param param - alias or dotted path
 * @param at - where the parameter was given, for errors
 */
export function sweepPath(param: string, at = param): string[] {
  const path = (Object.hasOwn(SWEEP_ALIASES, param) ? SWEEP_ALIASES[param]!.path : param).split('.');
  if (path.some((p) => FORBIDDEN.has(p)) || !SWEEP_ROOTS.includes(path[0]!)) {
    throw new ValidationError(
      at,
      param,
      `an alias (${Object.keys(SWEEP_ALIASES).join(', ')}) or a dotted path under ${SWEEP_ROOTS.join(', ')}`,
    );
  }
  return path;
}
