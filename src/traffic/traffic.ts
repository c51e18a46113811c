import { checkInteger, checkObject, checkPositive } from '../check.js';
import { ValidationError } from '../errors.js';
import type { ResolvedRadio } from '../radio/radio.js';

/**
 * AMI traffic that shares the air with broadcasts: background reads and round trips from the
 * collectors, and uplink reports of completed downloads. Unicast frames hop by hop along fixed
 * routes to and from each meter's collector; they defer to and collide with broadcast frames,
 * so they need the shared-air model (`radio.contention`). Off unless given. See docs/model.md
 * "Background reads and uplink reports".
 */
export interface TrafficOptions {
  /** Background interval reads, register reads and two-way commands (off when omitted). */
  readonly reads?: ReadTrafficOptions;
  /** Uplink "download complete" reports from every endpoint that completes (off when omitted). */
  readonly reports?: ReportOptions;
}

/**
 * Interval reads: each electric meter sends a read every `intervalS` (random phase), hop by hop
 * towards its collector along fixed routes; a read succeeds if it reaches the collector within
 * `deadlineS`. Reads run from `beforeS` before the first broadcast packet to `afterS` after the
 * last packet's TTL, so success can be compared before, during and after a broadcast.
 */
export interface ReadTrafficOptions {
  /** Seconds between a meter's reads. @defaultValue 900 */
  readonly intervalS?: number;
  /** A read counts as a success if it reaches the collector within this many seconds. @defaultValue 120 */
  readonly deadlineS?: number;
  /** Retransmissions per hop after a failed attempt. @defaultValue 3 */
  readonly retries?: number;
  /** Reads start this long before the first packet. @defaultValue 1800 */
  readonly beforeS?: number;
  /** Reads go on this long after the last packet's TTL. @defaultValue 1800 */
  readonly afterS?: number;
  /**
   * Seconds between register reads the collector requests from each meter (a round trip: the
   * request down the meter's route, the response back up); 0 for none. @defaultValue 0
   */
  readonly registerReadIntervalS?: number;
  /**
   * Seconds between two-way commands to each meter (a round trip, like a register read); 0 for none.
   * @defaultValue 0
   */
  readonly commandIntervalS?: number;
}

/** Uplink reports sent when an endpoint completes the image. */
export interface ReportOptions {
  /** Each report waits a uniform random time in [0, spreadS) before it is sent. @defaultValue 0 */
  readonly spreadS?: number;
  /** Retransmissions per hop after a failed attempt. @defaultValue 3 */
  readonly retries?: number;
}

/** {@link ReadTrafficOptions} with defaults applied. */
export type ResolvedReads = Required<ReadTrafficOptions>;

/** {@link ReportOptions} with defaults applied. */
export type ResolvedReports = Required<ReportOptions>;

/** {@link TrafficOptions} checked, with defaults applied. */
export interface ResolvedTraffic {
  /** Background reads and round trips, or null when off. */
  readonly reads: ResolvedReads | null;
  /** Completion reports, or null when off. */
  readonly reports: ResolvedReports | null;
}

/** No AMI traffic. */
export const NO_TRAFFIC: ResolvedTraffic = { reads: null, reports: null };

/**
 * Checks traffic options and applies defaults.
 * @param options - the caller's options
 * @param at - where they sit, for errors (e.g. `options.traffic`, or `traffic` in a scenario)
 * @param radio - the run's radio model, when known: traffic needs the shared air, so it is
 *   refused with `radio.contention` `'none'`
 */
export function checkTraffic(options: TrafficOptions = {}, at = 'traffic', radio?: ResolvedRadio): ResolvedTraffic {
  checkObject(at, options, ['reads', 'reports'], 'traffic options');
  let reads: ResolvedReads | null = null;
  if (options.reads !== undefined) {
    const r = options.reads;
    const where = `${at}.reads`;
    checkObject(
      where,
      r,
      ['intervalS', 'deadlineS', 'retries', 'beforeS', 'afterS', 'registerReadIntervalS', 'commandIntervalS'],
      'read traffic options',
    );
    reads = {
      intervalS: checkPositive(`${where}.intervalS`, r.intervalS ?? 900),
      deadlineS: checkPositive(`${where}.deadlineS`, r.deadlineS ?? 120),
      retries: checkInteger(`${where}.retries`, r.retries ?? 3, 0, 100),
      beforeS: checkPositive(`${where}.beforeS`, r.beforeS ?? 1800, true),
      afterS: checkPositive(`${where}.afterS`, r.afterS ?? 1800, true),
      registerReadIntervalS: checkPositive(`${where}.registerReadIntervalS`, r.registerReadIntervalS ?? 0, true),
      commandIntervalS: checkPositive(`${where}.commandIntervalS`, r.commandIntervalS ?? 0, true),
    };
  }
  let reports: ResolvedReports | null = null;
  if (options.reports !== undefined) {
    const where = `${at}.reports`;
    checkObject(where, options.reports, ['spreadS', 'retries'], 'report options');
    reports = {
      spreadS: checkPositive(`${where}.spreadS`, options.reports.spreadS ?? 0, true),
      retries: checkInteger(`${where}.retries`, options.reports.retries ?? 3, 0, 100),
    };
  }
  if (reads === null && reports === null) return NO_TRAFFIC;
  if (radio !== undefined && radio.contention === 'none') {
    throw new ValidationError(
      at,
      options,
      "no traffic with radio.contention 'none': reads and reports are frames on the shared air (set radio.contention)",
    );
  }
  return { reads, reports };
}
