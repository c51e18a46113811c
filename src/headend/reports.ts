import { ValidationError } from '../errors.js';
import type { BroadcastOutcome, HistoryEntry } from './outcomes.js';

/** One row of the Command History screen. */
export interface CommandHistoryRow {
  /** Command number. */
  readonly id: number;
  /** The head-end's name of the command. */
  readonly command: string;
  /** Broadcast, group or point to point. */
  readonly delivery: 'broadcast' | 'group' | 'point-to-point';
  /** When it was issued, as an ISO date-time (the screen's Issued column). */
  readonly issued: string;
  /** When it was issued, clock seconds. */
  readonly issuedS: number;
  /** When the latest response was heard, as an ISO date-time (the Latest response column; null: none yet). */
  readonly latestResponse: string | null;
  /** When the latest response was heard, clock seconds (null: none yet). */
  readonly latestResponseS: number | null;
  /** Expected: Normal records that matched, when issued. */
  readonly expected: number;
  /** Total: endpoints really addressed (a broadcast's targets). */
  readonly total: number;
  /** Responses heard that succeeded (for a broadcast: completion reports heard). */
  readonly successful: number;
  /** Endpoints counted unsuccessful (for a broadcast: expected less successful). */
  readonly unsuccessful: number;
  /** 100 × successful / total (null when total is 0). */
  readonly successPercent: number | null;
  /** 100 × unsuccessful / total (null when total is 0). */
  readonly unsuccessfulPercent: number | null;
  /**
   * False for broadcast firmware downloads: the screen shows their totals as Not Applicable (the
   * numbers are kept, but firmware downloads return events, not responses).
   */
  readonly totalsApplicable: boolean;
  /** Endpoint model (null: several, or water firmware). */
  readonly model: string | null;
  /** Encryption mode. */
  readonly encryptionMode: string;
  /** Command group(s) (null: none). */
  readonly group: string | null;
  /** Version sent (null: none). */
  readonly version: string | null;
}

/** The Firmware Download Statistics of a broadcast. */
export interface FirmwareDownloadStatistics {
  /** Command number. */
  readonly id: number;
  /** Version downloaded. */
  readonly version: string;
  /** When the first packet was sent, as an ISO date-time (the screen's First packet). */
  readonly firstPacket: string;
  /** When the first packet was sent, clock seconds. */
  readonly firstPacketS: number;
  /** When the last packet was sent, as an ISO date-time (the screen's Last packet). */
  readonly lastPacket: string;
  /** When the last packet was sent, clock seconds. */
  readonly lastPacketS: number;
  /** Seconds from the first packet to the last. */
  readonly durationS: number;
  /** Packets sent. */
  readonly packetsSent: number;
  /** Packets the image has (that should be sent). */
  readonly packetsToSend: number;
}

/** One endpoint's row of Flash Download Progress. */
export interface FlashDownloadProgressRow {
  /** Device id. */
  readonly id: string;
  /** Percentage of the image held. */
  readonly percent: number;
  /** Packets still missing. */
  readonly missing: number;
  /** The tank as hex bytes (bit = 1: packet still missing). */
  readonly tank: string;
}

/** Flash command status of an endpoint on the Downloadable Code screen. */
export type DownloadStatus =
  'In Progress' | 'Download Complete' | 'Activated' | 'Incomplete' | 'Not Accepted' | 'Not Targeted';

/** One endpoint's row of Downloadable Code. */
export interface DownloadableCodeRow {
  /** Device id. */
  readonly id: string;
  /** Flash command status at the time asked. */
  readonly status: DownloadStatus;
  /** The version waiting for activation (null: none). */
  readonly pendingVersion: string | null;
  /** "Will be activated on" (null: no pending version). */
  readonly activation: string | null;
}

/** One endpoint's row of Performance Information. */
export interface PerformanceRow {
  /** Device id. */
  readonly id: string;
  /** When it last heard a packet of the broadcast, as an ISO date-time (Time of last broadcast; null: never). */
  readonly lastBroadcast: string | null;
  /** When it last heard a packet of the broadcast, clock seconds (null: never). */
  readonly lastBroadcastS: number | null;
  /** Seconds after the last packet was sent that it last heard one (null: never). */
  readonly afterLastPacketS: number | null;
}

/** Performance Information of a broadcast, at a time. */
export interface PerformanceInformation {
  /** Command number. */
  readonly id: number;
  /** The time asked. */
  readonly atS: number;
  /** When the last packet was sent, as an ISO date-time (the screen's Last packet sent). */
  readonly lastPacketSent: string;
  /** When the last packet was sent, clock seconds. */
  readonly lastPacketSentS: number;
  /** Until when a copy of the last packet may still be relayed (its Maximum TTL after it was sent). */
  readonly circulatingUntilS: number;
  /** Whether a packet may still be circulating at the time asked. */
  readonly mayStillCirculate: boolean;
  /** The endpoints asked about. */
  readonly endpoints: readonly PerformanceRow[];
}

/** The download-spread counter: one more each time a packet is sent. */
export interface DownloadSpreadPoint {
  /** When the packet was sent, as an ISO date-time. */
  readonly at: string;
  /** When the packet was sent, clock seconds (the first packet's time plus the packets before it × the spacing). */
  readonly atS: number;
  /** Packets sent so far. */
  readonly count: number;
}

/** What the reports read from the head-end. */
export interface ReportSource {
  /** The head-end's clock, seconds: the time a screen is read at unless another is asked. */
  readonly now: number;
  /** Encryption mode, shown on every Command History row. */
  readonly encryptionMode: string;
  /** A clock time as an ISO date-time (from the head-end's epoch). */
  date(s: number): string;
  /** Command History entries, oldest first. */
  history(): readonly Readonly<HistoryEntry>[];
}

/**
 * The head-end's report screens as typed data (each `format…` function in `screens` prints one
 * as text; JSON is the data itself). Per-endpoint screens take the endpoints to show.
 */
export class HeadEndReports {
  /** @internal Made by the head-end. */
  constructor(private readonly source: ReportSource) {}

  /** Command History: every command, oldest first, as it stands at the head-end's clock. */
  commandHistory(): CommandHistoryRow[] {
    const { source } = this;
    return source.history().map((e) => {
      const unsuccessful = e.totalsApplicable ? e.unsuccessful : Math.max(0, e.expected - e.successful);
      return {
        id: e.id,
        command: e.name,
        delivery: e.delivery,
        issued: source.date(e.issuedS),
        issuedS: e.issuedS,
        latestResponse: e.latestResponseS === null ? null : source.date(e.latestResponseS),
        latestResponseS: e.latestResponseS,
        expected: e.expected,
        total: e.total,
        successful: e.successful,
        unsuccessful,
        successPercent: e.total === 0 ? null : (100 * e.successful) / e.total,
        unsuccessfulPercent: e.total === 0 ? null : (100 * unsuccessful) / e.total,
        totalsApplicable: e.totalsApplicable,
        model: e.model,
        encryptionMode: source.encryptionMode,
        group: e.group,
        version: e.version,
      };
    });
  }

  /** Firmware Download Statistics of a broadcast. */
  firmwareDownloadStatistics(outcome: BroadcastOutcome): FirmwareDownloadStatistics {
    const r = checkOutcome(outcome).result;
    return {
      id: outcome.id,
      version: outcome.command.version,
      firstPacket: this.source.date(r.firstPacketS),
      firstPacketS: r.firstPacketS,
      lastPacket: this.source.date(r.lastPacketS),
      lastPacketS: r.lastPacketS,
      durationS: r.durationS,
      packetsSent: r.packetsSent,
      packetsToSend: r.packetsToSend,
    };
  }

  /**
   * Flash Download Progress of endpoints after a broadcast: percentage held and the tank bytes.
   * @param ids - targets of the broadcast
   */
  flashDownloadProgress(outcome: BroadcastOutcome, ids: readonly string[]): FlashDownloadProgressRow[] {
    const r = checkOutcome(outcome).result;
    return checkIds(ids).map((id) => {
      const tank = r.tank(id);
      return { id, percent: tank.percent, missing: tank.missing, tank: tank.hex() };
    });
  }

  /**
   * Downloadable Code: each endpoint's flash command status at a time — In Progress while the
   * broadcast's packets are out and its tank is not complete; then Download Complete (waiting
   * for activation), Activated, or Incomplete; Not Accepted for endpoints that refuse broadcasts.
   * @param atS - the time asked @defaultValue the head-end's clock
   */
  downloadableCode(outcome: BroadcastOutcome, ids: readonly string[], atS = this.source.now): DownloadableCodeRow[] {
    const r = checkOutcome(outcome).result;
    const outUntil = r.lastPacketS + r.spec.ttlS;
    return checkIds(ids).map((id) => {
      const e = r.endpoint(id);
      const none = { pendingVersion: null, activation: null };
      if (!e.target) return { id, status: 'Not Targeted', ...none };
      if (e.refused) return { id, status: 'Not Accepted', ...none };
      if (e.completedS !== null && e.completedS <= atS) {
        if (e.activationS! <= atS) return { id, status: 'Activated', ...none };
        return {
          id,
          status: 'Download Complete',
          pendingVersion: e.pendingVersion,
          activation: this.source.date(e.activationS!),
        };
      }
      return { id, status: atS < outUntil ? 'In Progress' : 'Incomplete', ...none };
    });
  }

  /**
   * Performance Information: when each endpoint last heard a broadcast packet, against when the
   * last packet was sent, and whether a packet may still be circulating at a time (the guide's
   * check before ending a broadcast).
   * @param atS - the time asked @defaultValue the head-end's clock
   */
  performanceInformation(
    outcome: BroadcastOutcome,
    ids: readonly string[],
    atS = this.source.now,
  ): PerformanceInformation {
    const r = checkOutcome(outcome).result;
    const circulatingUntilS = r.lastPacketS + r.spec.ttlS;
    return {
      id: outcome.id,
      atS,
      lastPacketSent: this.source.date(r.lastPacketS),
      lastPacketSentS: r.lastPacketS,
      circulatingUntilS,
      mayStillCirculate: atS < circulatingUntilS,
      endpoints: checkIds(ids).map((id) => {
        const heard = r.endpoint(id).lastHeardS;
        return {
          id,
          lastBroadcast: heard === null ? null : this.source.date(heard),
          lastBroadcastS: heard,
          afterLastPacketS: heard === null ? null : heard - r.lastPacketS,
        };
      }),
    };
  }

  /** The download-spread counter over a broadcast: one point per packet sent. */
  downloadSpread(outcome: BroadcastOutcome): DownloadSpreadPoint[] {
    const r = checkOutcome(outcome).result;
    return Array.from({ length: r.packetsSent }, (_, j) => {
      const atS = r.firstPacketS + j * r.spec.spacingS;
      return { at: this.source.date(atS), atS, count: j + 1 };
    });
  }
}

function checkOutcome(outcome: BroadcastOutcome): BroadcastOutcome {
  if (typeof outcome !== 'object' || outcome === null || outcome.delivery !== 'broadcast') {
    throw new ValidationError('outcome', outcome, 'the outcome of a broadcast command (headEnd.run)');
  }
  return outcome;
}

function checkIds(ids: readonly string[]): readonly string[] {
  const given: unknown = ids;
  if (!Array.isArray(given)) throw new ValidationError('ids', ids, 'a list of endpoint ids');
  return ids;
}
