import type { BroadcastOutcome, UnicastOutcome } from '../headend/outcomes.js';
import type {
  CommandHistoryRow,
  DownloadableCodeRow,
  FirmwareDownloadStatistics,
  FlashDownloadProgressRow,
  PerformanceInformation,
} from '../headend/reports.js';
import {
  formatCommandHistory,
  formatDownloadableCode,
  formatDownloadSpread,
  formatFirmwareDownloadStatistics,
  formatFlashDownloadProgress,
  formatPerformanceInformation,
} from '../headend/screens.js';
import { KIND } from '../network/device.js';
import type { HeadendDay } from '../scenario/headend.js';

/** The operator's screens after a head-end scenario's day, as data (`meshcast run --json`). */
export interface HeadendDayReport {
  /** The scenario's title. */
  readonly scenario: string;
  /** Clock at the end of the day, and as a date. */
  readonly endS: number;
  readonly end: string;
  /** Command History. */
  readonly commandHistory: readonly CommandHistoryRow[];
  /** Per broadcast: its download statistics and packets sent. */
  readonly broadcasts: readonly {
    readonly id: number;
    readonly statistics: FirmwareDownloadStatistics;
    readonly targets: number;
    readonly completed: number;
    readonly coverage: number;
  }[];
  /** The last broadcast's per-endpoint screens for the endpoints shown (null without a broadcast). */
  readonly endpoints: {
    readonly command: number;
    readonly flashDownloadProgress: readonly FlashDownloadProgressRow[];
    readonly downloadableCode: readonly DownloadableCodeRow[];
    readonly performanceInformation: PerformanceInformation;
  } | null;
  /** Records whose versions the head-end does not know, at the end of the day. */
  readonly unknownRecords: number;
}

/** The endpoints to show that the broadcast targeted. */
function shown(day: HeadendDay, outcome: BroadcastOutcome): string[] {
  const targets = new Set(outcome.result.targetIds());
  return day.show.filter((id) => targets.has(id));
}

/** The screens of a head-end scenario's day as data. */
export function headendDayReport(day: HeadendDay, title: string): HeadendDayReport {
  const { headEnd: he } = day;
  const broadcasts = day.outcomes.filter((o): o is BroadcastOutcome => o.delivery === 'broadcast');
  const last = broadcasts[broadcasts.length - 1];
  let unknown = 0;
  const r = he.records;
  for (let v = 0; v < r.n; v++) if (r.kind[v] !== KIND.collector && r.firmware[0]![v] === 0) unknown++;
  return {
    scenario: title,
    endS: he.now,
    end: he.date(he.now),
    commandHistory: he.reports.commandHistory(),
    broadcasts: broadcasts.map((o) => ({
      id: o.id,
      statistics: he.reports.firmwareDownloadStatistics(o),
      targets: o.result.targets,
      completed: o.result.completed,
      coverage: o.result.coverage,
    })),
    endpoints:
      last === undefined
        ? null
        : {
            command: last.id,
            flashDownloadProgress: he.reports.flashDownloadProgress(last, shown(day, last)),
            downloadableCode: he.reports.downloadableCode(last, shown(day, last)),
            performanceInformation: he.reports.performanceInformation(last, shown(day, last)),
          },
    unknownRecords: unknown,
  };
}

/** The operator's screens after a head-end scenario's day, as text. */
export function formatHeadendDay(day: HeadendDay, title: string): string {
  const report = headendDayReport(day, title);
  const he = day.headEnd;
  const parts = [`${title}\nHead-end clock at the end: ${report.end.replace(/\.\d{3}Z$/, 'Z')}`];
  parts.push(formatCommandHistory(report.commandHistory));
  for (const o of day.outcomes) {
    if (o.delivery === 'broadcast') {
      parts.push(
        `${formatFirmwareDownloadStatistics(he.reports.firmwareDownloadStatistics(o))}\n` +
          `  Expected / Total   ${o.expected.toLocaleString('en-US')} / ${o.total.toLocaleString('en-US')}` +
          ` (the records ${o.expected === o.total ? 'agree with' : 'differ from'} the devices)\n` +
          `  Completed          ${o.result.completed.toLocaleString('en-US')} (` +
          `${(100 * o.result.coverage).toFixed(1)} %)\n` +
          `  ${formatDownloadSpread(he.reports.downloadSpread(o))}`,
      );
    } else parts.push(formatUnicast(o));
  }
  if (report.endpoints !== null && report.endpoints.flashDownloadProgress.length > 0) {
    parts.push(formatFlashDownloadProgress(report.endpoints.flashDownloadProgress));
    parts.push(formatDownloadableCode(report.endpoints.downloadableCode));
    parts.push(formatPerformanceInformation(report.endpoints.performanceInformation));
  }
  parts.push(`Records with unknown module firmware at the end: ${report.unknownRecords.toLocaleString('en-US')}`);
  return parts.join('\n\n');
}

/** A group or point-to-point command's outcome in a line or two. */
function formatUnicast(o: UnicastOutcome): string {
  const ok = o.responses.filter((r) => r.successful).length;
  const reasons = new Map<string, number>();
  for (const r of o.responses) if (r.reason !== null) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  const why = [...reasons].map(([reason, n]) => `${n.toLocaleString('en-US')} ${reason}`).join(', ');
  return (
    `${o.command.name} (${o.delivery}${o.command.group === null ? '' : ` ${o.command.group}`}, command ${o.id}): ` +
    `${ok.toLocaleString('en-US')} of ${o.total.toLocaleString('en-US')} successful` +
    (why === '' ? '' : ` (unsuccessful: ${why})`) +
    `, over ${((o.endS - o.issuedS) / 60).toFixed(1)} min`
  );
}
