import { checkInteger, checkObject, checkProbability, join } from '../../check.js';
import { checkMemory } from '../../runtime/memory.js';
import { Network } from '../network.js';

/** {@link LineOptions} (or {@link StarOptions}) checked, with defaults applied. */
export interface ResolvedLine {
  readonly meters: number;
  readonly success: number;
}

/** Checks {@link LineOptions} (or {@link StarOptions}) and applies defaults. @internal */
export function checkLine(options: LineOptions, at = '', what = 'line'): ResolvedLine {
  checkObject(at, options, ['meters', 'success'], `${what} options`);
  return {
    meters: checkInteger(join(at, 'meters'), options.meters, 1, 10_000_000),
    success: checkProbability(join(at, 'success'), options.success ?? 1),
  };
}

/** Options of {@link line}. */
export interface LineOptions {
  /** Meters after the collector: M1 is layer 1, M2 layer 2, and so on. */
  readonly meters: number;
  /** Success probability of every link (both directions). @defaultValue 1 */
  readonly success?: number;
}

/**
 * A chain `C1 — M1 — M2 — … — Mn`: the collector at layer 0 and meter Mk at layer k. The
 * shape behind the exact hop and TTL laws.
 */
export function line(options: LineOptions): Network {
  const r = checkLine(options);
  checkLineSize(r, '');
  return buildLine(r);
}

/**
 * Peak bytes building a line or a star takes, measured: ~1 kB per device (an object per device
 * and link).
 * @internal
 */
export function lineBytes(r: ResolvedLine): number {
  return (r.meters + 1) * 1000;
}

/**
 * Refuses a line or star this machine cannot hold, naming its meters.
 * @internal
 */
export function checkLineSize(r: ResolvedLine, at: string): void {
  checkMemory(
    join(at, 'meters'),
    r.meters,
    lineBytes(r),
    `a network of ${(r.meters + 1).toLocaleString('en-US')} devices`,
  );
}

/** The network of {@link line} from checked options. @internal */
export function buildLine({ meters, success }: ResolvedLine): Network {
  const net = new Network();
  net.addDevice({ id: 'C1', kind: 'collector', position: { xM: 0, yM: 0 } });
  let previous = 'C1';
  for (let i = 1; i <= meters; i++) {
    const id = `M${i}`;
    net.addDevice({ id, kind: 'meter', position: { xM: i * 100, yM: 0 } });
    net.addLink({ from: previous, to: id, success });
    previous = id;
  }
  return net;
}

/** Options of {@link star}. */
export interface StarOptions {
  /** Meters around the collector, M1 … Mn, each at layer 1. */
  readonly meters: number;
  /** Success probability of every link. @defaultValue 1 */
  readonly success?: number;
}

/** A collector `C1` linked to n meters that are not linked to each other. */
export function star(options: StarOptions): Network {
  const r = checkLine(options, '', 'star');
  checkLineSize(r, '');
  return buildStar(r);
}

/** The network of {@link star} from checked options. @internal */
export function buildStar({ meters, success }: ResolvedLine): Network {
  const net = new Network();
  net.addDevice({ id: 'C1', kind: 'collector', position: { xM: 0, yM: 0 } });
  for (let i = 1; i <= meters; i++) {
    const angle = (2 * Math.PI * i) / meters;
    net.addDevice({ id: `M${i}`, kind: 'meter', position: { xM: 200 * Math.cos(angle), yM: 200 * Math.sin(angle) } });
    net.addLink({ from: 'C1', to: `M${i}`, success });
  }
  return net;
}
