/**
 * The commands the head-end accepted and what they did, as Command History keeps them.
 * @module
 */
import type { BroadcastResult } from '../broadcast/result.js';
import type { PackageType } from './catalogue.js';
import type { BroadcastCommand, CommandActivation, UnicastCommandType } from './commands.js';

/** A group or point-to-point command the head-end accepted. */
export interface UnicastCommand {
  /** How it is delivered. */
  readonly delivery: 'group' | 'point-to-point';
  /** The command. */
  readonly command: UnicastCommandType;
  /** The head-end's name of it. */
  readonly name: string;
  /** The group addressed (group delivery). */
  readonly group: string | null;
  /** Device indices addressed, ascending. */
  readonly members: Int32Array;
  /** Package type (Firmware Download, Send Small DCW). */
  readonly type: PackageType | null;
  /** Version sent. */
  readonly version: string | null;
  /** Activation of a downloaded image. */
  readonly activation: CommandActivation;
  /** Its clock time (-Infinity: now). */
  readonly activationS: number;
  /** Expected: addressed endpoints whose record is Normal, when it was built. */
  readonly expected: number;
}

/** What a broadcast command did: the engine's pass and what the head-end learnt from it. */
export interface BroadcastOutcome {
  /** How it was delivered. */
  readonly delivery: 'broadcast';
  /** Its number in Command History. */
  readonly id: number;
  /** The command. */
  readonly command: BroadcastCommand;
  /** Clock time it was issued. */
  readonly issuedS: number;
  /** Expected when issued: Normal records matching the filter. */
  readonly expected: number;
  /** Total: devices that really match (the pass's targets). */
  readonly total: number;
  /**
   * Targets that already held the image when the pass began — they completed it in an earlier
   * pass of the same image (a filter on module firmware or DCW version still matches a meter
   * whose metrology or ZigBee firmware was upgraded): counted in `total`, never in `completed`.
   */
  readonly held: number;
  /** The pass, as the engine ran it. */
  readonly result: BroadcastResult;
  /** Targets that completed the image in this pass. */
  readonly completed: number;
  /** Completion reports that will reach the head-end. */
  readonly reportsHeard: number;
}

/** One endpoint's answer to a group or point-to-point command. */
export interface UnicastResponse {
  /** Device id. */
  readonly id: string;
  /** The command reached and ran at the endpoint. */
  readonly executed: boolean;
  /** The head-end heard it succeed. */
  readonly successful: boolean;
  /** When the head-end heard it (null: it did not). */
  readonly respondedS: number | null;
  /** Why it was unsuccessful (null when successful). */
  readonly reason: string | null;
}

/** What a group or point-to-point command did. */
export interface UnicastOutcome {
  /** How it was delivered. */
  readonly delivery: 'group' | 'point-to-point';
  /** Its number in Command History. */
  readonly id: number;
  /** The command. */
  readonly command: UnicastCommand;
  /** Clock time it was issued. */
  readonly issuedS: number;
  /** Expected when issued. */
  readonly expected: number;
  /** Total: endpoints addressed. */
  readonly total: number;
  /** Per endpoint addressed, in device order. */
  readonly responses: readonly UnicastResponse[];
  /** Clock time the last response was heard or given up on. */
  readonly endS: number;
  /** The group command's flood (group delivery of one-packet commands), else null. */
  readonly flood: BroadcastResult | null;
}

/** A command as the head-end keeps it for Command History. */
export interface HistoryEntry {
  /** Its number: commands are numbered in the order issued, from 0. */
  readonly id: number;
  /** How it was delivered. */
  readonly delivery: 'broadcast' | 'group' | 'point-to-point';
  /** The command (a package type or a unicast command). */
  readonly command: string;
  /** The head-end's name of it, as Command History shows it. */
  readonly name: string;
  /** Clock time it was issued. */
  readonly issuedS: number;
  /** Endpoint model addressed (null: several, or none named). */
  readonly model: string | null;
  /** Command groups addressed (null: none). */
  readonly group: string | null;
  /** Version sent (null: none). */
  readonly version: string | null;
  /** Collectors it went through. */
  readonly collectors: readonly string[];
  /** Expected: Normal records addressed when it was issued. */
  readonly expected: number;
  /** Total: devices that really match (broadcast) or endpoints addressed. */
  readonly total: number;
  /** False for broadcast firmware downloads: their totals are Not Applicable on the screen. */
  readonly totalsApplicable: boolean;
  /** Successful responses (or completion reports) heard so far. */
  successful: number;
  /** Endpoints counted unsuccessful so far. */
  unsuccessful: number;
  /** Clock time of the latest response heard (null: none yet). */
  latestResponseS: number | null;
  /**
   * The broadcast's outcome (for its download statistics). Null for other commands, for entries
   * restored from a saved state, and for broadcasts whose results no longer fit the history's
   * {@link KEPT_OUTCOME_BYTES} (the newest are kept): a result holds its pass's tanks and
   * per-device times, and a campaign over a million meters would otherwise keep every pass's.
   * Keep the outcome a command returns to keep its result.
   */
  readonly outcome: BroadcastOutcome | null;
}

/**
 * Bytes of broadcast results the head-end's Command History keeps in its entries' outcomes
 * (their own arrays: tanks, per-target and per-device times, and the target selection each
 * command makes), newest first: 256 MiB. A 200-packet pass over a million-meter utility holds
 * about 30 MB.
 */
export const KEPT_OUTCOME_BYTES = 256 * 2 ** 20;

/**
 * Drops the outcomes of the oldest broadcasts in `entries` once the results of the newer ones
 * hold more than `bytes`; the newest broadcast's is always kept.
 * @param entries - Command History, oldest first
 * @param bytes - what the kept results may hold
 * @internal
 */
export function keepOutcomesWithin(entries: readonly HistoryEntry[], bytes: number): void {
  let kept = 0;
  let newest = true;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (e.outcome === null) continue;
    kept += e.outcome.result.retainedBytes();
    if (!newest && kept > bytes) (e as { outcome: BroadcastOutcome | null }).outcome = null;
    newest = false;
  }
}
