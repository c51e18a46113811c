import { checkInteger, checkObject, checkSeed } from '../check.js';
import { ValidationError } from '../errors.js';
import { checkQueueKind, type QueueKind } from '../engine/queue.js';
import { checkRadio, type RadioOptions, type ResolvedRadio } from '../radio/radio.js';
import type { Seed } from '../random/stream.js';
import { checkTraffic, type ResolvedTraffic, type TrafficOptions } from '../traffic/traffic.js';
import { checkHandoff, type HandoffOptions, type ResolvedHandoff } from './handoff.js';
import { BroadcastResult } from './result.js';

/** How a pass is run (as opposed to what the head-end sends, which is the spec). */
export interface RunOptions {
  /** Root seed of every random stream: an integer or a string. @defaultValue 0 */
  readonly seed?: Seed;
  /** Replication index (Monte Carlo studies): part of every stream's derivation. @defaultValue 0 */
  readonly replication?: number;
  /** Radio model. */
  readonly radio?: RadioOptions;
  /** AMI traffic sharing the air with the broadcast (needs `radio.contention`). @defaultValue none */
  readonly traffic?: TrafficOptions;
  /** Child-module hand-off model. */
  readonly handoff?: HandoffOptions;
  /**
   * An earlier pass of the same image on the same network: this pass starts from its tanks (a
   * repeat broadcast fills only the gaps; with other targets, those that were targets before
   * keep their tanks), is numbered one higher and, unless the spec gives `startS`, starts when
   * the earlier pass's traffic has died out.
   */
  readonly previous?: BroadcastResult;
  /** Event queue implementation (all give identical results). @defaultValue 'ladder' */
  readonly queue?: QueueKind;
}

/** {@link RunOptions} checked, with defaults applied. */
export interface ResolvedRunOptions {
  /** Root seed. */
  readonly seed: Seed;
  /** Replication index. */
  readonly replication: number;
  /** Radio model. */
  readonly radio: ResolvedRadio;
  /** AMI traffic on the shared air. */
  readonly traffic: ResolvedTraffic;
  /** Hand-off model. */
  readonly handoff: ResolvedHandoff;
  /** The pass continued, or null for a first pass. */
  readonly previous: BroadcastResult | null;
  /** Event queue of the floods. */
  readonly queue: QueueKind;
}

/** The fields of {@link RunOptions}. */
export const RUN_OPTIONS = ['seed', 'replication', 'radio', 'traffic', 'handoff', 'previous', 'queue'] as const;

/**
 * Checks run options (and, for entry points that take more, their other fields' names) and
 * applies defaults.
 * @param fields - the fields the entry point accepts (its own and those of {@link RunOptions})
 * @param at - where the options sit, for errors
 */
export function checkRunOptions(
  options: unknown,
  fields: readonly string[] = RUN_OPTIONS,
  at = 'options',
): ResolvedRunOptions {
  const o = checkObject(at, options, fields, 'run options');
  const previous = o['previous'];
  if (previous !== undefined && !(previous instanceof BroadcastResult)) {
    throw new ValidationError(`${at}.previous`, previous, 'a BroadcastResult');
  }
  const radio = checkRadio(o['radio'] as RadioOptions | undefined, `${at}.radio`);
  return {
    seed: checkSeed(`${at}.seed`, o['seed'] ?? 0),
    replication: checkInteger(`${at}.replication`, o['replication'] ?? 0, 0, 2 ** 31 - 1),
    radio,
    traffic: checkTraffic(o['traffic'] as TrafficOptions | undefined, `${at}.traffic`, radio),
    handoff: checkHandoff(o['handoff'] as HandoffOptions | undefined, `${at}.handoff`),
    previous: previous ?? null,
    queue: checkQueueKind(`${at}.queue`, o['queue'] ?? 'ladder'),
  };
}
