import { BroadcastResult } from '../broadcast/result.js';
import type { ScenarioResult } from '../scenario/run.js';
import { ValidationError } from '../errors.js';

/** Formats seconds as `1h 02m 03s` / `4m 05s` / `6.2s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const s = Math.abs(seconds);
  const sign = seconds < 0 ? '-' : '';
  if (s < 60) return `${sign}${s.toFixed(1)}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = Math.round(s % 60);
  return h > 0
    ? `${sign}${h}h ${String(m).padStart(2, '0')}m ${String(r).padStart(2, '0')}s`
    : `${sign}${m}m ${String(r).padStart(2, '0')}s`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function int(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

/**
 * Lays out rows as a plain-text table with right-aligned numeric columns.
 * @param header - column titles
 * @param rows - cells as strings
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Collectors listed one by one in a report's Max. Layer; more are summarised. */
const LISTED_COLLECTORS = 8;

/**
 * The Max. Layer of each origin (`C1:8 C2:9`), or for many origins their range, median and the
 * deepest (what Maximum Hops = Max. Layer + 1 needs): `7–12 over 400 collectors (median 9;
 * deepest C13:12)`.
 */
function maxLayerText(origins: readonly string[], maxLayer: ReadonlyMap<string, number>): string {
  if (origins.length <= LISTED_COLLECTORS) return origins.map((o) => `${o}:${maxLayer.get(o) ?? '?'}`).join(' ');
  const known = origins.filter((o) => maxLayer.has(o)).sort((a, b) => maxLayer.get(a)! - maxLayer.get(b)!);
  if (known.length === 0) return `? over ${int(origins.length)} collectors`;
  const layers = known.map((o) => maxLayer.get(o)!);
  const max = layers[layers.length - 1]!;
  const deepest = origins.find((o) => maxLayer.get(o) === max)!;
  const median = layers[Math.floor((layers.length - 1) / 2)]!;
  return `${layers[0]}–${max} over ${int(origins.length)} collectors (median ${median}; deepest ${deepest}:${max})`;
}

/**
 * A readable report of one or more passes of the same campaign: settings, coverage by pass and
 * by layer, completion times, and traffic.
 * @param passes - results in pass order (a campaign's repeat passes)
 * @param title - heading
 */
export function formatCampaign(passes: readonly BroadcastResult[], title = 'meshcast broadcast'): string {
  passes.forEach((p, i) => {
    if (!(p instanceof BroadcastResult)) throw new ValidationError(`passes[${i}]`, p, 'a BroadcastResult');
  });
  const first = passes[0];
  if (first === undefined) return `${title}\n(no passes)`;
  const last = passes[passes.length - 1]!;
  const s = first.spec;
  const origins = Array.from(s.origins, (o) => first.mesh.id(o));
  const maxLayers = maxLayerText(origins, first.mesh.maxLayer);
  const out: string[] = [];
  out.push(title);
  out.push('='.repeat(title.length));
  out.push(
    `Network     ${int(first.mesh.n)} devices, ${int(first.mesh.neighbours.length / 2)} links; Max. Layer ${maxLayers}`,
    `Broadcast   ${s.packets} packets every ${s.spacingS}s from ${origins.length} collector(s)${origins.length < 2 ? '' : s.duplicates === 'per-origin' ? ' (each its own copy)' : ' (one shared flood)'}; Maximum Hops ${s.maxHops}, Maximum TTL ${s.ttlS}s`,
    `Targets     ${int(first.targets)} (${int(first.refused)} refuse broadcasts, ${int(first.unreachable)} unreachable)`,
    `Seed        ${String(first.meta.seed)} (meshcast ${first.meta.version})`,
    '',
  );
  const warnings = [...new Set(passes.flatMap((p) => p.warnings.map((w) => w.message)))];
  if (warnings.length > 0) out.push(...warnings.map((w) => `Warning: ${w}`), '');
  out.push(
    table(
      ['pass', 'start', 'packets', 'duration', 'completed', 'coverage', 'p50 done', 'p90 done'],
      passes.map((p) => [
        String(p.meta.pass + 1),
        formatDuration(p.firstPacketS),
        `${p.packetsSent}/${p.packetsToSend}`,
        formatDuration(p.durationS),
        int(p.completed),
        pct(p.coverage),
        p.completion.p50S === null ? '-' : formatDuration(p.completion.p50S),
        p.completion.p90S === null ? '-' : formatDuration(p.completion.p90S),
      ]),
    ),
    '',
  );
  out.push(`Coverage by layer after pass ${last.meta.pass + 1}`);
  out.push(
    table(
      ['layer', 'targets', 'completed', 'coverage', 'mean done'],
      last.layers.map((l) => [
        l.layer < 0 ? 'unreachable' : String(l.layer),
        int(l.targets),
        int(l.completed),
        pct(l.coverage),
        l.meanCompletionS === null ? '-' : formatDuration(l.meanCompletionS),
      ]),
    ),
    '',
  );
  out.push('Traffic');
  out.push(
    table(
      ['pass', 'transmissions', 'receptions', 'duplicates', 'lost', 'expired', 'hop-limited', 'dup/tx'],
      passes.map((p) => [
        String(p.meta.pass + 1),
        int(p.stats.transmissions),
        int(p.stats.receptions),
        int(p.stats.duplicates),
        int(p.stats.lost),
        int(p.stats.expired),
        int(p.stats.hopLimited),
        p.stats.transmissions === 0 ? '-' : (p.stats.duplicates / p.stats.transmissions).toFixed(1),
      ]),
    ),
  );
  if (last.stats.handoffAttempts > 0 || passes.some((p) => p.stats.handoffAttempts > 0)) {
    const attempts = passes.reduce((a, p) => a + p.stats.handoffAttempts, 0);
    out.push(
      '',
      `Child-module hand-offs: ${int(attempts)} attempts, ${int(last.stats.handoffFailures)} modules still waiting after the last pass`,
    );
  }
  const result =
    last.targets === 0
      ? "Result: no targets: no device matches the broadcast's target filter."
      : `Result: ${int(last.completed)} of ${int(last.targets)} targets complete (${pct(last.coverage)}) ` +
        `after ${passes.length} pass(es).`;
  out.push('', result);
  return out.join('\n');
}

/**
 * A readable report of a scenario's run: {@link formatCampaign} of its passes — or, for a broadcast
 * run in collector groups, a section per group (its collectors, Max. Layers, settings and
 * passes) and the campaign's totals.
 * @param result - what `runScenario` returned
 * @param title - heading
 */
export function formatScenario(result: ScenarioResult, title = 'meshcast broadcast'): string {
  if (result.groups.length <= 1) return formatCampaign(result.passes, title);
  const groups = result.groups;
  const targets = groups.reduce((a, g) => a + g.passes[0]!.targets, 0);
  const completed = groups.reduce((a, g) => a + g.passes[g.passes.length - 1]!.completed, 0);
  const first = result.passes[0]!;
  const last = result.passes[result.passes.length - 1]!;
  const out = [
    title,
    '='.repeat(title.length),
    `${groups.length} collector groups, broadcast one after another (collectors within 2 miles of each other ` +
      'never share a broadcast); each group targets the endpoints registered to its collectors.',
    '',
  ];
  groups.forEach((g, i) => {
    out.push(formatCampaign(g.passes, `Group ${i + 1} of ${groups.length}: ${g.origins.join(', ')}`), '');
  });
  out.push(
    `Campaign: ${int(completed)} of ${int(targets)} targets complete (${pct(targets === 0 ? 1 : completed / targets)}) ` +
      `after ${result.passes.length} passes in ${groups.length} groups, ${formatDuration(last.endS - first.firstPacketS)} ` +
      'from the first packet to the last traffic.',
  );
  return out.join('\n');
}
