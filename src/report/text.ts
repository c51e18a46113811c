import { BroadcastResult } from '../broadcast/result.js';
import { LISTED_COLLECTORS } from '../broadcast/warnings.js';
import type { ScenarioResult } from '../scenario/run.js';
import { ValidationError } from '../errors.js';
import { nearestRank } from '../stats.js';
import type { ReadWindow, ReadWindows } from '../traffic/kpis.js';

/**
 * Formats seconds as `1h 02m 03s` / `4m 05s` / `6.2s`. Rounded once, to the unit shown, before
 * it is split: 3599.6 s is `1h 00m 00s` (never `59m 60s`), 59.96 s is `1m 00s`.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const sign = seconds < 0 ? '-' : '';
  const tenths = Math.round(Math.abs(seconds) * 10);
  if (tenths < 600) return `${sign}${(tenths / 10).toFixed(1)}s`;
  const whole = Math.round(Math.abs(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const r = whole % 60;
  return h > 0
    ? `${sign}${h}h ${String(m).padStart(2, '0')}m ${String(r).padStart(2, '0')}s`
    : `${sign}${m}m ${String(r).padStart(2, '0')}s`;
}

/**
 * Formats a share as a percentage with one decimal — more where one decimal would round a share
 * short of 1 up to `100.0%` or a share above 0 down to `0.0%` (5 of 10,000 incomplete is
 * `99.95%`, never `100.0%`), so rounding never shows a failure as complete nor a success as none.
 */
export function formatPercent(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  for (let digits = 1; digits <= 6; digits++) {
    const text = (100 * x).toFixed(digits);
    const value = Number(text);
    if ((x >= 1 || value < 100) && (x <= 0 || value > 0)) return `${text}%`;
  }
  return x > 0.5 ? '>99.9999%' : '<0.0001%';
}

/** `1 pass`, `2 passes`: a count and its noun, singular or plural. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

const pct = formatPercent;

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

/** Times (seconds after `fromS`) of the completions at or after `fromS`: those a pass made. */
function passTimes(p: BroadcastResult): Float64Array {
  const all = p.completionTimesS();
  let k = 0;
  while (k < all.length && all[k]! < p.firstPacketS) k++;
  return all.subarray(k).map((t) => t - p.firstPacketS);
}

/** A time for a table cell, or '-'. */
function time(s: number | null): string {
  return s === null ? '-' : formatDuration(s);
}

/** Redundancy: duplicate copies per delivered copy (a node's first copy of a packet). */
function redundancy(duplicates: number, reached: number): string {
  return reached === 0 ? '-' : (duplicates / reached).toFixed(2);
}

/**
 * A readable report of one or more passes of the same campaign: settings, coverage by pass and
 * by layer, completion times (from each pass's first packet), traffic and, with contention on,
 * the shared air, AMI reads and completion reports.
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
  const sharing =
    origins.length < 2 ? '' : s.duplicates === 'per-origin' ? ' (each its own copy)' : ' (one shared flood)';
  out.push(
    `Network     ${int(first.mesh.n)} devices, ${int(first.mesh.neighbours.length / 2)} links; Max. Layer ${maxLayers}`,
    `Broadcast   ${plural(s.packets, 'packet')} every ${s.spacingS}s from ` +
      `${plural(origins.length, 'collector')}${sharing}; Maximum Hops ${s.maxHops}, Maximum TTL ${s.ttlS}s`,
    `Targets     ${int(first.targets)} (${int(first.refused)} refuse broadcasts, ${int(first.unreachable)} ` +
      `unreachable: no radio path from these collectors)`,
    `Seed        ${String(first.meta.seed)} (meshcast ${first.meta.version})`,
    '',
  );
  const warnings = [...new Set(passes.flatMap((p) => p.warnings.map((w) => w.message)))];
  if (warnings.length > 0) out.push(...warnings.map((w) => `Warning: ${w}`), '');
  out.push(
    table(
      ['pass', 'start', 'packets', 'duration', 'new', 'completed', 'coverage', 'p50 done', 'p90 done'],
      passes.map((p) => {
        const times = passTimes(p);
        return [
          String(p.meta.pass + 1),
          formatDuration(p.firstPacketS),
          `${p.packetsSent}/${p.packetsToSend}`,
          formatDuration(p.durationS),
          int(times.length),
          int(p.completed),
          pct(p.coverage),
          time(nearestRank(times, 0.5)),
          time(nearestRank(times, 0.9)),
        ];
      }),
    ),
    "start: clock time of the pass's first packet; duration: first to last packet; new: targets the pass completed;",
    "p50 / p90 done: when half / 90 % of those were complete, counted from the pass's first packet.",
    '',
  );
  out.push(`Coverage by layer after pass ${last.meta.pass + 1}`);
  out.push(
    table(
      ['layer', 'targets', 'completed', 'coverage', 'mean done'],
      last.layers.map((l) => [
        l.layer < 0 ? 'no route' : String(l.layer),
        int(l.targets),
        int(l.completed),
        pct(l.coverage),
        time(l.meanCompletionS === null ? null : l.meanCompletionS - first.firstPacketS),
      ]),
    ),
    `mean done: counted from the first packet of pass ${first.meta.pass + 1}` +
      (last.layers.some((l) => l.layer < 0) ? '; no route: no route good enough to route on (layer -1).' : '.'),
    '',
  );
  out.push('Traffic');
  out.push(
    table(
      ['pass', 'transmissions', 'receptions', 'duplicates', 'lost', 'expired', 'hop-limited', 'redundancy'],
      passes.map((p) => [
        String(p.meta.pass + 1),
        int(p.stats.transmissions),
        int(p.stats.receptions),
        int(p.stats.duplicates),
        int(p.stats.lost),
        int(p.stats.expired),
        int(p.stats.hopLimited),
        redundancy(p.stats.duplicates, p.stats.reached),
      ]),
    ),
    "redundancy: duplicate copies per delivered copy (a node's first copy of a packet).",
  );
  if (last.stats.handoffAttempts > 0 || passes.some((p) => p.stats.handoffAttempts > 0)) {
    const attempts = passes.reduce((a, p) => a + p.stats.handoffAttempts, 0);
    out.push(
      '',
      `Child-module hand-offs: ${int(attempts)} attempts, ${int(last.stats.handoffFailures)} modules still ` +
        `waiting after the last pass`,
    );
  }
  out.push(...airSection(passes));
  const result =
    last.targets === 0
      ? "Result: no targets: no device matches the broadcast's target filter."
      : `Result: ${int(last.completed)} of ${int(last.targets)} targets complete (${pct(last.coverage)}) ` +
        `after ${plural(passes.length, 'pass', 'passes')}.`;
  out.push('', result);
  return out.join('\n');
}

/** Success of reads in the windows before, during and after the broadcast: `97.1% (1,204 of 1,240)`. */
function windowText(w: ReadWindow): string {
  return w.sent === 0 ? '-' : `${pct(w.successRate)} (${int(w.delivered)} of ${int(w.sent)})`;
}

/**
 * With contention on, what the shared air did in each pass (frames, airtime, collisions,
 * deferrals, queue delays, utilisation), AMI reads before / during / after the broadcast, and
 * the completion reports the head-end missed. Empty with contention off.
 */
function airSection(passes: readonly BroadcastResult[]): string[] {
  const withAir = passes.filter((p) => p.air !== null);
  if (withAir.length === 0) return [];
  const out = ['', 'Shared air (contention on; broadcasts run together share one air)'];
  out.push(
    table(
      ['pass', 'frames', 'airtime', 'collisions', 'deferrals', 'mean queue', 'max queue', 'utilisation', 'busiest'],
      withAir.map((p) => {
        const a = p.air!;
        return [
          String(p.meta.pass + 1),
          int(a.frames),
          formatDuration(a.airtimeS),
          int(a.collisions),
          int(a.deferrals),
          formatDuration(a.meanQueueDelayS),
          formatDuration(a.maxQueueDelayS),
          pct(a.meanUtilisation),
          pct(a.maxUtilisation),
        ];
      }),
    ),
    'collisions: receptions lost to overlapping frames; utilisation: mean share of the time relays transmit ' +
      '(busiest: the largest).',
  );
  const reads = withAir.filter((p) => p.air!.reads !== null);
  if (reads.length > 0) {
    const rows: string[][] = [];
    for (const p of reads) {
      const r = p.air!.reads!;
      const kinds: [string, ReadWindows | null][] = [
        ['interval reads', r],
        ['register reads', r.registerReads],
        ['commands', r.commands],
      ];
      for (const [kind, w] of kinds) {
        if (w === null) continue;
        rows.push([String(p.meta.pass + 1), kind, windowText(w.before), windowText(w.during), windowText(w.after)]);
      }
    }
    out.push('', 'AMI reads: delivered in time, by when they were made');
    out.push(table(['pass', 'traffic', 'before', 'during the broadcast', 'after'], rows));
  }
  const reports = withAir.filter((p) => p.air!.reports !== null);
  if (reports.length > 0) {
    out.push('', 'Completion reports');
    out.push(
      table(
        ['pass', 'sent', 'delivered', 'missed', 'missed share'],
        reports.map((p) => {
          const r = p.air!.reports!;
          return [
            String(p.meta.pass + 1),
            int(r.sent),
            int(r.delivered),
            int(r.missed),
            pct(r.sent === 0 ? 0 : r.missed / r.sent),
          ];
        }),
      ),
      'missed: reports that never reached a collector; the head-end does not know those endpoints completed.',
    );
  }
  return out;
}

/**
 * A readable report of a scenario's run: {@link formatCampaign} of its passes — or, for a broadcast
 * run in collector groups, a section per group (its collectors, Max. Layers, settings and
 * passes) and the campaign's totals — then the broadcasts that ran beside the first pass, and
 * whether the coverage goal was met (it counts over every target: unreachable ones can never
 * complete, and the report says when they put the goal out of reach).
 * @param result - what `runScenario` returned
 * @param title - heading
 */
export function formatScenario(result: ScenarioResult, title = 'meshcast broadcast'): string {
  const groups = result.groups;
  const out: string[] = [];
  if (groups.length <= 1) out.push(formatCampaign(result.passes, title));
  else {
    out.push(
      title,
      '='.repeat(title.length),
      `${groups.length} collector groups, broadcast one after another (collectors within 2 miles of each other ` +
        'never share a broadcast); each group targets the endpoints registered to its collectors.',
      '',
    );
    groups.forEach((g, i) => {
      out.push(formatCampaign(g.passes, `Group ${i + 1} of ${groups.length}: ${g.origins.join(', ')}`), '');
    });
    const first = result.passes[0]!;
    const last = result.passes[result.passes.length - 1]!;
    const { targets, completed } = totals(result);
    out.push(
      `Campaign: ${int(completed)} of ${int(targets)} targets complete (` +
        `${pct(targets === 0 ? 1 : completed / targets)}) ` +
        `after ${plural(result.passes.length, 'pass', 'passes')} in ${groups.length} groups, ` +
        `${formatDuration(last.endS - first.firstPacketS)} from the first packet to the last traffic.`,
    );
  }
  if (result.concurrent.length > 0) out.push('', ...concurrentSection(result.concurrent));
  const goal = goalText(result);
  if (goal !== '') out.push(goal);
  return out.join('\n');
}

/** Targets and completions over every group (each group's last pass). */
function totals(result: ScenarioResult): { targets: number; completed: number; unreachable: number } {
  let targets = 0;
  let completed = 0;
  let unreachable = 0;
  for (const g of result.groups) {
    targets += g.passes[0]!.targets;
    completed += g.passes[g.passes.length - 1]!.completed;
    unreachable += g.passes[0]!.unreachable;
  }
  return { targets, completed, unreachable };
}

/**
 * The coverage goal (`stopAtCoverage`): met or not, and whether the targets no collector can
 * reach put it out of reach. Empty for the default goal (every target) when it was met.
 */
function goalText(result: ScenarioResult): string {
  const goal = result.loaded.resolved.stopAtCoverage;
  const { targets, completed, unreachable } = totals(result);
  if (targets === 0) return '';
  const coverage = completed / targets;
  const best = (targets - unreachable) / targets;
  const met = coverage >= goal;
  if (met && goal === 1) return '';
  const head = `Goal: ${pct(goal)} of all ${int(targets)} targets (stopAtCoverage) ${met ? 'met' : 'not met'}`;
  if (!met && best < goal)
    return (
      `${head}: out of reach, ${unreachable === 1 ? '1 target has' : `${int(unreachable)} targets have`} ` +
      'no radio path from a collector, ' +
      `so at most ${pct(best)} can complete.`
    );
  return `${head}.`;
}

/** The broadcasts run beside the first pass (concurrent broadcasts): one row each. */
function concurrentSection(concurrent: readonly BroadcastResult[]): string[] {
  return [
    'Concurrent broadcasts (beside the first pass, on the same air)',
    table(
      ['broadcast', 'collectors', 'start', 'packets', 'targets', 'completed', 'coverage', 'redundancy'],
      concurrent.map((c, i) => [
        String(i + 1),
        c.spec.origins.length <= 4
          ? Array.from(c.spec.origins, (o) => c.mesh.id(o)).join(' ')
          : plural(c.spec.origins.length, 'collector'),
        formatDuration(c.firstPacketS),
        `${c.packetsSent}/${c.packetsToSend}`,
        int(c.targets),
        int(c.completed),
        pct(c.coverage),
        redundancy(c.stats.duplicates, c.stats.reached),
      ]),
    ),
  ];
}
