/**
 * Every random process of meshcast and the purpose path its stream is derived from (see
 * {@link createStream} and {@link counterKey}), in one place: no path is spelled twice, and no
 * two processes can share a stream by accident. Adding a process adds a path here and leaves
 * every other stream — so every golden result — unchanged.
 * @module
 */
import type { StreamKey } from './stream.js';

/** A purpose path: what follows the root seed in a stream's derivation. */
export type StreamPath = readonly StreamKey[];

/** The streams of one pass: replication r, pass p (0 for a first pass). */
export function passPath(replication: number, pass: number): StreamPath {
  return ['rep', replication, 'pass', pass];
}

/** A pass whose `broadcasts` broadcasts share the air: one clock, one set of air streams. */
export function sharedAirPath(replication: number, pass: number, broadcasts: number): StreamPath {
  return [...passPath(replication, pass), 'broadcasts', broadcasts];
}

/** Origin i's copy of a packet: none for origin 0, so one origin draws the same either way. */
function originSuffix(origin: number): StreamPath {
  return origin === 0 ? [] : ['origin', origin];
}

/** The link trials of one packet (one origin's copy of it): a counter-based stream. */
export function packetLinksPath(replication: number, pass: number, segment: number, origin = 0): StreamPath {
  return [...passPath(replication, pass), 'packet', segment, ...originSuffix(origin)];
}

/** The hop delays of one packet (one origin's copy of it): a counter-based stream. */
export function packetDelaysPath(replication: number, pass: number, segment: number, origin = 0): StreamPath {
  return [...passPath(replication, pass), 'delay', segment, ...originSuffix(origin)];
}

/** The hand-off of an image from its electric parent to child module `node`. */
export function handoffPath(replication: number, pass: number, node: number): StreamPath {
  return [...passPath(replication, pass), 'handoff', node];
}

/** The processes of the shared air. */
export type AirProcess = 'link' | 'channel' | 'defer' | 'backoff' | 'traffic';

/** One process of the shared air, under the streams of its pass (`passPath` or `sharedAirPath`). */
export function airPath(pass: StreamPath, process: AirProcess): StreamPath {
  return [...pass, 'air', process];
}

/** The seed of a sweep cell: from the cell's parameters (their canonical JSON), never its position. */
export function cellPath(cellKey: string): StreamPath {
  return ['cell', cellKey];
}

/** The random processes of the network generators. */
export type GeneratorProcess = 'utility/placement' | 'utility/mix' | 'utility/programs' | 'randomGeometric/placement';

/** One process of a network generator. */
export function generatorPath(process: GeneratorProcess): StreamPath {
  return process.split('/');
}

/** The streams of collector group g of a grouped broadcast (g ≥ 1; group 0 draws as an ungrouped one). */
export function groupPath(group: number): StreamPath {
  return ['group', group];
}

/** The head-end's random processes. */
export type HeadendProcess = 'records' | 'uplink' | 'downlink' | 'flood';

/**
 * A head-end process: its records' staleness and statuses (`headendPath('records')`), or one
 * command's deliveries (`headendPath('uplink', command)`).
 */
export function headendPath(process: HeadendProcess, command?: number): StreamPath {
  return command === undefined ? ['headend', process] : ['headend', 'command', command, process];
}
