import type { CompiledMesh } from '../network/mesh.js';

/**
 * Something about a broadcast that the guide advises against, found while it ran: the result
 * stands, but a user should know. `code` is stable for programs; `message` is for people.
 */
export interface BroadcastWarning {
  /**
   * `'nearby-collectors'`: two of the broadcast's collectors are within 2 miles of each other;
   * `'parallel-broadcasts'`: broadcasts overlap in time on air that is not shared (contention
   * off), so what each does to the other is not simulated.
   */
  readonly code: 'nearby-collectors' | 'parallel-broadcasts';
  /** What was found and what to do about it. */
  readonly message: string;
}

/**
 * How many of a broadcast's collectors a line of text names one by one; more are summarised
 * (a million-meter utility's broadcast group holds 200).
 * @internal
 */
export const LISTED_COLLECTORS = 8;

/** Two miles in metres: the guide's distance within which collectors should not share a broadcast. */
export const TWO_MILES_M = 3218.688;

/**
 * Warnings for pairs of a broadcast's collectors closer than 2 miles (collectors without a
 * position are not compared): their floods overlap, so each packet is carried more often.
 */
export function nearbyCollectors(mesh: CompiledMesh, origins: Int32Array): BroadcastWarning[] {
  if (origins.length < 2) return [];
  const positions = Array.from(origins, (o) => mesh.device(o).position);
  const out: BroadcastWarning[] = [];
  for (let i = 0; i < origins.length; i++) {
    for (let j = i + 1; j < origins.length; j++) {
      const a = positions[i];
      const b = positions[j];
      if (a === undefined || b === undefined) continue;
      const d = Math.hypot(a.xM - b.xM, a.yM - b.yM);
      if (d >= TWO_MILES_M) continue;
      out.push({
        code: 'nearby-collectors',
        message:
          `collectors ${mesh.id(origins[i]!)} and ${mesh.id(origins[j]!)} are ${(d / 1000).toFixed(1)} km ` +
          `(${(d / 1609.344).toFixed(1)} miles) apart: the guide keeps collectors within about 2 miles of each ` +
          'other out of one broadcast, as their floods overlap and repeat packets (counted under duplicates)',
      });
    }
  }
  return out;
}

/** The warning each of several broadcasts gets when they overlap in time without shared air. */
export const PARALLEL_BROADCASTS: BroadcastWarning = {
  code: 'parallel-broadcasts',
  message:
    'broadcasts that overlap in time do not interact with contention off; the guide says never to run parallel ' +
    "broadcasts: set radio.contention to 'csma' to see the collisions and deferrals they cause each other",
};
