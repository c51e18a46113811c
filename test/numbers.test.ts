/**
 * The numbers meshcast prints: one duration format, percentages that never round a failure to
 * complete, counts with their nouns, and a run report whose every figure is checked against the
 * results it summarises.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../src/cli/files.js';
import { formatDuration, formatPercent, formatScenario, plural, runScenario } from '../src/index.js';

/** Seconds back from `formatDuration`'s text. */
function seconds(text: string): number {
  const m = /^(-?)(?:(\d+)h )?(?:(\d+)m )?(\d+(?:\.\d)?)s$/.exec(text);
  if (m === null) throw new Error(`not a duration: ${text}`);
  const s = Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4]);
  return m[1] === '-' ? -s : s;
}

describe('formatDuration', () => {
  it('rounds once, to the unit shown: never 60 seconds or 60 minutes', () => {
    expect(formatDuration(3599.6)).toBe('1h 00m 00s');
    expect(formatDuration(59.96)).toBe('1m 00s');
    expect(formatDuration(59.94)).toBe('59.9s');
    expect(formatDuration(7199.5)).toBe('2h 00m 00s');
    expect(formatDuration(0)).toBe('0.0s');
    expect(formatDuration(-90)).toBe('-1m 30s');
  });

  it('any time reads back within its rounding, minutes and seconds below 60', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e7, noNaN: true }), (s) => {
        const text = formatDuration(s);
        const minutes = /(\d+)m/.exec(text);
        const secs = /(\d+(?:\.\d)?)s$/.exec(text)!;
        expect(Number(secs[1])).toBeLessThan(60);
        if (minutes !== null) expect(Number(minutes[1])).toBeLessThan(60);
        expect(Math.abs(seconds(text) - s)).toBeLessThanOrEqual(s < 59.95 ? 0.05 + 1e-9 : 0.5 + 1e-9);
      }),
    );
  });
});

describe('formatPercent', () => {
  it('a share short of 1 never prints as 100.0%, a share above 0 never as 0.0%', () => {
    expect(formatPercent(1 - 5 / 10_000)).toBe('99.95%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(3 / 10_000)).toBe('0.03%');
    expect(formatPercent(0.5)).toBe('50.0%');
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (x) => {
        const text = formatPercent(x);
        // Beyond six decimals it says so rather than print a rounded 0 or 100.
        if (text === '<0.0001%' || text === '>99.9999%') {
          expect(Math.min(x, 1 - x)).toBeLessThan(5e-9);
          expect(x > 0.5).toBe(text.startsWith('>'));
          return;
        }
        const printed = Number(text.replace(/%$/, ''));
        if (x < 1) expect(printed).toBeLessThan(100);
        if (x > 0) expect(printed).toBeGreaterThan(0);
        // One decimal unless more are needed; never further from the share than its last digit.
        const digits = text.replace(/%$/, '').split('.')[1]!.length;
        expect(Math.abs(printed - 100 * x)).toBeLessThanOrEqual(0.5 * 10 ** -digits + 1e-9);
      }),
    );
  });
});

describe('plural', () => {
  it('one noun for one, the plural otherwise, counts grouped by thousands', () => {
    expect(plural(1, 'collector')).toBe('1 collector');
    expect(plural(2, 'collector')).toBe('2 collectors');
    expect(plural(0, 'pass', 'passes')).toBe('0 passes');
    expect(plural(1, 'pass', 'passes')).toBe('1 pass');
    expect(plural(1200, 'replication')).toBe('1,200 replications');
  });
});

describe('the run report', () => {
  // A collector, a chain of lossy meters and one meter with no radio path: coverage below 100 %
  // in every pass, and a goal (every target) out of reach.
  const dir = mkdtempSync(join(tmpdir(), 'meshcast-numbers-'));
  const meters = 40;
  const devices = [
    { id: 'C1', kind: 'collector' },
    ...Array.from({ length: meters + 1 }, (_, i) => ({ id: `M${i + 1}`, kind: 'meter' })),
  ];
  const links = Array.from({ length: meters }, (_, i) => ({
    from: i === 0 ? 'C1' : `M${i}`,
    to: `M${i + 1}`,
    success: 0.8,
  }));
  writeFileSync(join(dir, 'net.json'), JSON.stringify({ format: 'meshcast-network', version: 1, devices, links }));
  const path = join(dir, 'scenario.json');
  writeFileSync(
    path,
    JSON.stringify({
      name: 'numbers',
      seed: 5,
      network: { file: 'net.json' },
      broadcast: { origins: ['C1'], packets: 6, maxHops: 40, ttlS: 300 },
      passes: 3,
    }),
  );
  const result = runScenario(loadFile(path));
  const text = formatScenario(result, 'numbers');
  const lines = text.split('\n');
  const rows = (heading: RegExp): string[][] => {
    const at = lines.findIndex((l) => heading.test(l));
    const out: string[][] = [];
    for (let i = at + 2; i < lines.length && lines[i] !== '' && /^\S/.test(lines[i]!); i++) {
      if (!/^(-?\d+|no route)\s/.test(lines[i]!)) break;
      out.push(lines[i]!.trim().split(/\s{2,}/));
    }
    return out;
  };
  const int = (s: string): number => Number(s.replace(/,/g, ''));

  it('each pass row is its pass: packets, duration, new and completed targets, coverage', () => {
    expect(result.passes.length).toBe(3);
    const passRows = rows(/^pass\s+start/);
    expect(passRows.length).toBe(result.passes.length);
    let before = 0;
    result.passes.forEach((p, i) => {
      const [pass, start, packets, duration, fresh, completed, coverage] = passRows[i]!;
      expect(pass).toBe(String(i + 1));
      expect(seconds(start!)).toBeCloseTo(p.firstPacketS, 0);
      expect(packets).toBe(`${p.packetsSent}/${p.packetsToSend}`);
      expect(seconds(duration!)).toBeCloseTo(p.durationS, 0);
      expect(int(completed!)).toBe(p.completed);
      expect(int(fresh!)).toBe(p.completed - before);
      before = p.completed;
      expect(coverage).toBe(formatPercent(p.coverage));
      expect(p.coverage).toBeLessThan(1);
      expect(coverage).not.toBe('100.0%');
    });
  });

  it('targets, layers, traffic and the result line are the last pass’s', () => {
    const last = result.passes.at(-1)!;
    expect(text).toContain(`Targets     ${last.targets} (0 refuse broadcasts, 1 unreachable`);
    expect(text).toContain('from 1 collector;');
    const layerRows = rows(/^layer\s+targets/);
    expect(layerRows.length).toBe(last.layers.length);
    last.layers.forEach((l, i) => {
      const [layer, targets, completed, coverage] = layerRows[i]!;
      expect(layer).toBe(l.layer < 0 ? 'no route' : String(l.layer));
      expect(int(targets!)).toBe(l.targets);
      expect(int(completed!)).toBe(l.completed);
      expect(coverage).toBe(formatPercent(l.coverage));
    });
    const traffic = rows(/^pass\s+transmissions/);
    result.passes.forEach((p, i) => {
      const [, tx, rx, dup, lost, expired, hopLimited, redundancy] = traffic[i]!;
      expect([tx, rx, dup, lost, expired, hopLimited].map((s) => int(s!))).toEqual([
        p.stats.transmissions,
        p.stats.receptions,
        p.stats.duplicates,
        p.stats.lost,
        p.stats.expired,
        p.stats.hopLimited,
      ]);
      expect(Number(redundancy)).toBeCloseTo(p.stats.duplicates / p.stats.reached, 2);
    });
    expect(text).toContain(
      `Result: ${last.completed} of ${last.targets} targets complete (${formatPercent(last.coverage)}) after 3 passes.`,
    );
  });

  it('a goal out of reach says so, with the unreachable count and the best coverage possible', () => {
    const last = result.passes.at(-1)!;
    const best = (last.targets - 1) / last.targets;
    expect(text).toContain(
      `Goal: 100.0% of all ${last.targets} targets (stopAtCoverage) not met: out of reach, 1 target has no radio ` +
        `path from a collector, so at most ${formatPercent(best)} can complete.`,
    );
  });
  it('with contention on: the shared air, AMI reads and completion reports are each pass’s', () => {
    const airPath = join(dir, 'air.json');
    writeFileSync(
      airPath,
      JSON.stringify({
        name: 'air',
        seed: 2,
        network: { generator: 'grid', options: { width: 6, success: 0.8 } },
        broadcast: { origins: ['C1'], packets: 6, maxHops: 40, ttlS: 300 },
        radio: { contention: 'csma' },
        traffic: { reads: { intervalS: 300 }, reports: {} },
        passes: 2,
      }),
    );
    const air = runScenario(loadFile(airPath));
    const airText = formatScenario(air, 'air').split('\n');
    const section = (heading: string): string[][] => {
      const at = airText.indexOf(heading);
      expect(at, heading).toBeGreaterThan(0);
      const out: string[][] = [];
      for (let i = at + 3; i < airText.length && /^\d/.test(airText[i]!); i++) out.push(airText[i]!.split(/\s{2,}/));
      return out;
    };
    const shared = section('Shared air (contention on; broadcasts run together share one air)');
    const reads = section('AMI reads: delivered in time, by when they were made');
    const reports = section('Completion reports');
    expect(shared.length).toBe(air.passes.length);
    expect(reports.length).toBe(air.passes.length);
    air.passes.forEach((p, i) => {
      const a = p.air!;
      expect(shared[i]).toEqual([
        String(i + 1),
        a.frames.toLocaleString('en-US'),
        formatDuration(a.airtimeS),
        a.collisions.toLocaleString('en-US'),
        a.deferrals.toLocaleString('en-US'),
        formatDuration(a.meanQueueDelayS),
        formatDuration(a.maxQueueDelayS),
        formatPercent(a.meanUtilisation),
        formatPercent(a.maxUtilisation),
      ]);
      const window = (w: { sent: number; delivered: number; successRate: number }): string =>
        w.sent === 0
          ? '-'
          : `${formatPercent(w.successRate)} (${w.delivered.toLocaleString('en-US')} of ` +
            `${w.sent.toLocaleString('en-US')})`;
      const r = a.reads!;
      expect(reads.find((row) => row[0] === String(i + 1) && row[1] === 'interval reads')).toEqual([
        String(i + 1),
        'interval reads',
        window(r.before),
        window(r.during),
        window(r.after),
      ]);
      const rep = a.reports!;
      expect(reports[i]).toEqual([
        String(i + 1),
        String(rep.sent),
        String(rep.delivered),
        String(rep.missed),
        formatPercent(rep.sent === 0 ? 0 : rep.missed / rep.sent),
      ]);
    });
    expect(air.passes[0]!.air!.reports!.sent).toBeGreaterThan(0);
  });
});
