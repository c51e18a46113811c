import { ValidationError } from '../errors.js';

/**
 * Aliases a sweep grid accepts for the broadcast parameters studies vary most, with the scenario
 * path each sets and the command-line flag that gives its values.
 */
export const SWEEP_ALIASES: Readonly<Record<string, { readonly path: string; readonly flag: string | null }>> = {
  maxHops: { path: 'broadcast.maxHops', flag: '--hops' },
  ttlS: { path: 'broadcast.ttlS', flag: '--ttl' },
  spacingS: { path: 'broadcast.spacingS', flag: '--spacing' },
  packets: { path: 'broadcast.packets', flag: null },
};

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
