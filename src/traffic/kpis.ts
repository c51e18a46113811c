import type { MessageLog } from './message-log.js';

/** Success in one window: messages made in it, and how many reached the collector in time. */
export interface ReadWindow {
  /** Messages made in the window. */
  readonly sent: number;
  /** Of which delivered within the deadline. */
  readonly delivered: number;
  /** delivered / sent (1 when none were sent). */
  readonly successRate: number;
}

/** Success before the first broadcast packet, while broadcast frames are on the air, and after. */
export interface ReadWindows {
  /** Made before the first broadcast packet. */
  readonly before: ReadWindow;
  /** Made from the first packet to the last broadcast frame. */
  readonly during: ReadWindow;
  /** Made after the last broadcast frame. */
  readonly after: ReadWindow;
}

/** Read KPIs: interval reads in windows, and the round trips when generated. */
export interface ReadKpis extends ReadWindows {
  /** Register reads (collector-initiated round trips); null when not generated. */
  readonly registerReads: ReadWindows | null;
  /** Two-way commands (collector-initiated round trips); null when not generated. */
  readonly commands: ReadWindows | null;
}

/** Uplink reports of completed downloads. */
export interface ReportKpis {
  /** Reports sent (one per endpoint that completed and has a route). */
  readonly sent: number;
  /** Of which reached the collector. */
  readonly delivered: number;
  /** Of which did not: missed by the head-end. */
  readonly missed: number;
}

/** What AMI traffic on the shared air achieved. */
export interface TrafficKpis {
  /** Background read KPIs before, during and after the broadcasts (null without reads). */
  readonly reads: ReadKpis | null;
  /** Uplink reports of completed downloads (null without reports). */
  readonly reports: ReportKpis | null;
}

/**
 * Success of logged messages per window, by when each was made: before `firstSendS`, from it
 * to `broadcastEndS`, and after.
 * @param deadlineS - a message succeeds if done within this long of being made
 * @param tag - only messages with this tag (-1: all)
 * @internal
 */
export function readWindows(
  log: MessageLog,
  deadlineS: number,
  firstSendS: number,
  broadcastEndS: number,
  tag = -1,
): ReadWindows {
  const windowOf = (from: number, to: number): ReadWindow => {
    let sent = 0;
    let delivered = 0;
    for (let i = 0; i < log.count; i++) {
      const t0 = log.created[i]!;
      if (t0 < from || t0 >= to || (tag >= 0 && log.tag[i] !== tag)) continue;
      sent++;
      if (log.done[i]! - t0 <= deadlineS) delivered++;
    }
    return { sent, delivered, successRate: sent === 0 ? 1 : delivered / sent };
  };
  return {
    before: windowOf(-Infinity, firstSendS),
    during: windowOf(firstSendS, broadcastEndS),
    after: windowOf(broadcastEndS, Infinity),
  };
}
