/**
 * The head-end's report screens as text: each takes the typed data of {@link HeadEndReports}
 * and prints it as the operator reads it (aligned columns, dates as ISO date-times, counts with
 * thousands separators, percentages to one decimal).
 * @module
 */
import type {
  CommandHistoryRow,
  DownloadableCodeRow,
  DownloadSpreadPoint,
  FirmwareDownloadStatistics,
  FlashDownloadProgressRow,
  PerformanceInformation,
} from './reports.js';

const NA = 'Not Applicable';

/** A count with thousands separators. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A percentage to one decimal, or a dash. */
function percent(p: number | null): string {
  return p === null ? '-' : `${p.toFixed(1)} %`;
}

/** A date-time without milliseconds, or a dash. */
function when(iso: string | null): string {
  return iso === null ? '-' : iso.replace(/\.\d{3}Z$/, 'Z');
}

/** Seconds as whole seconds, minutes or hours. */
function duration(s: number): string {
  if (s < 120) return `${s.toFixed(0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(2)} h`;
}

/** An aligned table: a header row, a rule, the rows; numbers right-aligned. */
function table(headers: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[]): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (right[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Command History: one line per command; broadcast firmware downloads show Not Applicable totals. */
export function formatCommandHistory(rows: readonly CommandHistoryRow[]): string {
  const body = rows.map((r) => {
    const na = !r.totalsApplicable;
    return [
      String(r.id),
      r.command,
      r.delivery,
      when(r.issued),
      when(r.latestResponse),
      count(r.expected),
      na ? NA : count(r.total),
      na ? NA : count(r.successful),
      na ? NA : count(r.unsuccessful),
      na ? NA : percent(r.successPercent),
      na ? NA : percent(r.unsuccessfulPercent),
      r.model ?? '-',
      r.encryptionMode,
      r.group ?? '-',
    ];
  });
  return (
    'Command History\n' +
    table(
      [
        'Id',
        'Command',
        'Delivery',
        'Issued',
        'Latest response',
        'Expected',
        'Total',
        'Successful',
        'Unsuccessful',
        'Success',
        'Unsuccessful %',
        'Model',
        'Encryption',
        'Group',
      ],
      body,
      [true, false, false, false, false, true, true, true, true, true, true, false, false, false],
    )
  );
}

/** Firmware Download Statistics of one broadcast. */
export function formatFirmwareDownloadStatistics(s: FirmwareDownloadStatistics): string {
  return [
    `Firmware Download Statistics (command ${s.id})`,
    `  Version            ${s.version}`,
    `  First packet       ${when(s.firstPacket)}`,
    `  Last packet        ${when(s.lastPacket)}`,
    `  Duration           ${duration(s.durationS)}`,
    `  Packets sent       ${count(s.packetsSent)} of ${count(s.packetsToSend)}`,
  ].join('\n');
}

/** Flash Download Progress of endpoints: percentage and tank bytes. */
export function formatFlashDownloadProgress(rows: readonly FlashDownloadProgressRow[]): string {
  return (
    'Flash Download Progress\n' +
    table(
      ['Endpoint', 'Complete', 'Missing', 'Tank'],
      rows.map((r) => [
        r.id,
        percent(r.percent),
        count(r.missing),
        r.tank.length > 48 ? `${r.tank.slice(0, 47)}…` : r.tank,
      ]),
      [false, true, true, false],
    )
  );
}

/** Downloadable Code: flash command status per endpoint. */
export function formatDownloadableCode(rows: readonly DownloadableCodeRow[]): string {
  return (
    'Downloadable Code\n' +
    table(
      ['Endpoint', 'Flash command status', 'Pending version', 'Will be activated on'],
      rows.map((r) => [r.id, r.status, r.pendingVersion ?? '-', when(r.activation)]),
      [false, false, false, false],
    )
  );
}

/** Performance Information: time of last broadcast per endpoint against the last packet sent. */
export function formatPerformanceInformation(p: PerformanceInformation): string {
  const head = [
    `Performance Information (command ${p.id})`,
    `  Last packet sent   ${when(p.lastPacketSent)}`,
    `  Packets may still circulate: ${p.mayStillCirculate ? 'yes' : 'no'}`,
  ].join('\n');
  return (
    head +
    '\n' +
    table(
      ['Endpoint', 'Time of last broadcast', 'After last packet'],
      p.endpoints.map((r) => [
        r.id,
        when(r.lastBroadcast),
        r.afterLastPacketS === null ? '-' : `${r.afterLastPacketS.toFixed(1)} s`,
      ]),
      [false, false, true],
    )
  );
}

/** The download-spread counter: packets sent, its first and last steps. */
export function formatDownloadSpread(points: readonly DownloadSpreadPoint[]): string {
  if (points.length === 0) return 'Download spread: no packet sent';
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const step = points.length > 1 ? (last.atS - first.atS) / (points.length - 1) : 0;
  return (
    `Download spread: ${count(last.count)} packets, one every ${step.toFixed(0)} s, ` +
    `from ${when(first.at)} to ${when(last.at)}`
  );
}
