import { checkInteger, checkObject, checkPositive, join } from '../check.js';
import { ValidationError } from '../errors.js';
import type { CompiledMesh } from '../network/mesh.js';
import { checkDelay, delayMeanS, type DelaySampler, type DelaySpec } from '../random/distributions.js';
import type { Rng } from '../random/stream.js';

/**
 * How long the head-end's commands take (docs/model.md, "The head-end": "Command timing"). A
 * command goes from the head-end to the collector (`headendS`), along the endpoint's route hop by
 * hop — each try of a hop takes a `hop` delay and succeeds with the link's probability, with
 * `retries` more tries per hop — is executed at the endpoint (`executeS`), and its response
 * comes back the same way. A group command reaches its members as a one-packet flood from their
 * collectors instead of along each route.
 */
export interface CommandTimingOptions {
  /** One way between the head-end and a collector: the WAN and the collector's queue, seconds. @defaultValue 15 */
  readonly headendS?: number;
  /** Delay of each try of a unicast hop. @defaultValue uniform 1.5–2.5 s (the broadcast's forwarding jitter) */
  readonly hop?: DelaySpec;
  /** Tries after a failed one, per hop. @defaultValue 3 */
  readonly retries?: number;
  /** Seconds an endpoint takes to execute a command before it answers. @defaultValue 5 */
  readonly executeS?: number;
  /** Seconds the head-end waits for a response before counting the command unsuccessful. @defaultValue 300 */
  readonly timeoutS?: number;
  /** Maximum TTL of a group command's flood, seconds. @defaultValue 300 */
  readonly groupTtlS?: number;
  /** Seconds a meter reboots when it activates firmware. @defaultValue 90 */
  readonly rebootS?: number;
  /** Meters per collector a HAN Initialization script initialises in one run. @defaultValue 20 */
  readonly hanPerCollector?: number;
  /** Further script runs for meters whose HAN Initialization failed. @defaultValue 2 */
  readonly hanRetries?: number;
  /** Round trips of one endpoint's RF reconfiguration (status Configure back to Normal). @defaultValue 6 */
  readonly reconfigureMessages?: number;
  /** Endpoints per collector the head-end reconfigures at once. @defaultValue 20 */
  readonly reconfigurePerCollector?: number;
  /** Seconds a collector takes to take new collector radio firmware over the WAN and restart. @defaultValue 1800 */
  readonly collectorDownloadS?: number;
  /** Collectors the head-end upgrades over the WAN at once. @defaultValue 50 */
  readonly collectorsAtOnce?: number;
}

/** {@link CommandTimingOptions} checked, with defaults applied. */
export interface CommandTiming {
  /**
   * Seconds one way between the head-end and a collector (the WAN and the collector's queue), ≥ 0:
   * calibrated so a group command is answered about 51 s after issue, as the guide shows.
   */
  readonly headendS: number;
  /** Delay of each try of a unicast hop (the broadcast's forwarding jitter unless given). */
  readonly hop: DelaySpec;
  /** Tries after a failed one, per hop, 0–100 (as the AMI traffic's unicast retries). */
  readonly retries: number;
  /** Seconds an endpoint takes to execute a command before it answers, ≥ 0. */
  readonly executeS: number;
  /**
   * Seconds after the issue within which a successful response must arrive, > 0: an endpoint
   * not answered by then counts unsuccessful.
   */
  readonly timeoutS: number;
  /** Maximum TTL of a group command's one-packet flood, 60–600 seconds (the head-end's Maximum TTL range). */
  readonly groupTtlS: number;
  /** Seconds a device reboots when it activates firmware, ≥ 0: it neither hears nor answers meanwhile. */
  readonly rebootS: number;
  /** Meters per collector one HAN Initialization script run takes, 1–100,000 (the guide's automatic scripts: 20). */
  readonly hanPerCollector: number;
  /** Further script runs for meters whose HAN Initialization was not heard to succeed, 0–100. */
  readonly hanRetries: number;
  /** Round trips of one endpoint's RF reconfiguration, from status Configure back to Normal, 1–1,000. */
  readonly reconfigureMessages: number;
  /** Endpoints per collector the head-end takes through RF reconfiguration at once, 1–100,000. */
  readonly reconfigurePerCollector: number;
  /** Seconds a collector takes to download collector radio firmware over the WAN, activate it and restart, ≥ 0. */
  readonly collectorDownloadS: number;
  /**
   * Collectors the head-end upgrades over the WAN at once, 1–100,000; also the batch of a
   * campaign's collector code step.
   */
  readonly collectorsAtOnce: number;
}

/** The fields of {@link CommandTimingOptions}. */
const TIMING_FIELDS = [
  'headendS',
  'hop',
  'retries',
  'executeS',
  'timeoutS',
  'groupTtlS',
  'rebootS',
  'hanPerCollector',
  'hanRetries',
  'reconfigureMessages',
  'reconfigurePerCollector',
  'collectorDownloadS',
  'collectorsAtOnce',
] as const;

/** Checks command timing and applies defaults. */
export function checkTiming(options: unknown, at = 'timing'): CommandTiming {
  const o = checkObject(at, options ?? {}, TIMING_FIELDS, 'command timing');
  const groupTtlS = o['groupTtlS'] ?? 300;
  if (typeof groupTtlS !== 'number' || !(groupTtlS >= 60 && groupTtlS <= 600)) {
    throw new ValidationError(join(at, 'groupTtlS'), groupTtlS, "60 to 600 seconds (the head-end's Maximum TTL)");
  }
  return {
    headendS: checkPositive(join(at, 'headendS'), o['headendS'] ?? 15, true),
    hop: checkDelay(o['hop'] ?? { kind: 'uniform', minS: 1.5, maxS: 2.5 }, join(at, 'hop')),
    retries: checkInteger(join(at, 'retries'), o['retries'] ?? 3, 0, 100),
    executeS: checkPositive(join(at, 'executeS'), o['executeS'] ?? 5, true),
    timeoutS: checkPositive(join(at, 'timeoutS'), o['timeoutS'] ?? 300),
    groupTtlS,
    rebootS: checkPositive(join(at, 'rebootS'), o['rebootS'] ?? 90, true),
    hanPerCollector: checkInteger(join(at, 'hanPerCollector'), o['hanPerCollector'] ?? 20, 1, 100_000),
    hanRetries: checkInteger(join(at, 'hanRetries'), o['hanRetries'] ?? 2, 0, 100),
    reconfigureMessages: checkInteger(join(at, 'reconfigureMessages'), o['reconfigureMessages'] ?? 6, 1, 1000),
    reconfigurePerCollector: checkInteger(
      join(at, 'reconfigurePerCollector'),
      o['reconfigurePerCollector'] ?? 20,
      1,
      100_000,
    ),
    collectorDownloadS: checkPositive(join(at, 'collectorDownloadS'), o['collectorDownloadS'] ?? 1800, true),
    collectorsAtOnce: checkInteger(join(at, 'collectorsAtOnce'), o['collectorsAtOnce'] ?? 50, 1, 100_000),
  };
}

/** Mean seconds of one try of a hop. */
export function hopMeanS(timing: CommandTiming): number {
  return delayMeanS(timing.hop);
}

/** Probability that a frame from `from` reaches its neighbour `to` (0 when they are not linked). */
function linkSuccess(mesh: CompiledMesh, from: number, to: number): number {
  let lo = mesh.offsets[from]!;
  let hi = mesh.offsets[from + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const u = mesh.neighbours[mid]!;
    if (u === to) return mesh.linkSuccess[mid]!;
    if (u < to) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/**
 * Carries one message between a device and its collector along the device's route (a gas /
 * water module's through its parent, the last hop taken at once), hop by hop with retries.
 * @param up - towards the collector (a response, a report) or from it (a command)
 * @param draw - the command's stream: one draw per try, then one delay per try
 * @param delay - draws a try's delay
 * @returns seconds the message took, or NaN when a hop failed every try (or there is no route)
 */
export function carry(
  mesh: CompiledMesh,
  v: number,
  up: boolean,
  retries: number,
  draw: Rng,
  delay: DelaySampler,
): number {
  let x = mesh.parent[v]! >= 0 ? mesh.parent[v]! : v;
  let seconds = x === v ? 0 : delay();
  if (mesh.layer[x]! < 0) return NaN;
  while (mesh.route[x]! >= 0) {
    const next = mesh.route[x]!;
    const p = up ? linkSuccess(mesh, x, next) : linkSuccess(mesh, next, x);
    let tries = 0;
    for (;;) {
      tries++;
      seconds += delay();
      if (draw() < p) break;
      if (tries > retries) return NaN;
    }
    x = next;
  }
  return seconds;
}
