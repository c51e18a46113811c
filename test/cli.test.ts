/**
 * The command line a user meets first: each subcommand parsed against its own options table,
 * help and version, what validate reports, and progress.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatHelp } from '../src/cli/command.js';
import { EXIT, main } from '../src/cli/main.js';
import { REPORT } from '../src/cli/options/report.js';
import { RUN } from '../src/cli/options/run.js';
import { SCHEMA } from '../src/cli/options/schema.js';
import { SWEEP, SWEEP_OPTIONS } from '../src/cli/options/sweep.js';
import { VALIDATE } from '../src/cli/options/validate.js';
import { passProgress, progressReporter } from '../src/cli/progress.js';
import { SWEEP_ALIASES, VERSION } from '../src/index.js';
import { loadScenario } from '../src/scenario/load.js';
import type { Scenario } from '../src/scenario/scenario.js';
import { runScenario } from '../src/scenario/run.js';
import { applyCell } from '../src/sweep/grid.js';
import { toRecord, type SweepRecord } from '../src/sweep/record.js';
import { cellSeed } from '../src/sweep/task.js';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(
    args,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'meshcast-cli-'));
function file(name: string, data: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
  return path;
}

const small = {
  name: 'small',
  seed: 3,
  network: { generator: 'grid', options: { width: 6, success: 0.8 } },
  broadcast: { origins: ['C1'], packets: 20, maxHops: 12, ttlS: 60 },
  passes: 2,
  sweep: { grid: { maxHops: [4, 8] }, replications: 2 },
};
const scenario = file('small.json', small);

describe('each subcommand parses its own options', () => {
  it('report --csv is a switch: every file after it is summarised', async () => {
    const a = join(dir, 'a.ndjson');
    const b = join(dir, 'b.ndjson');
    const base = ['sweep', scenario, '--workers', '0', '--replications', '2'];
    expect((await cli([...base, '--shard', '0/2', '--out', a])).code).toBe(EXIT.ok);
    expect((await cli([...base, '--shard', '1/2', '--out', b])).code).toBe(EXIT.ok);
    const both = await cli(['report', '--csv', a, b]);
    expect(both.code).toBe(EXIT.ok);
    // Every task of the sweep (2 cells x 2 replications) from the two shard files: none missing.
    const rows = both.out.trim().split('\n').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.split(',')[2] === '2')).toBe(true); // cell, maxHops, replications
    expect((await cli(['report', a, '--csv=x'])).code).toBe(EXIT.usage);
    expect((await cli(['report', a, '--csv', '--json'])).code).toBe(EXIT.usage);
  });

  it('sweep --csv needs its file: given last it is refused, nothing runs', async () => {
    const r = await cli(['sweep', scenario, '--workers', '0', '--csv']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/--csv/);
    const csv = join(dir, 'summary.csv');
    expect((await cli(['sweep', scenario, '--workers', '0', '--csv', csv])).code).toBe(EXIT.ok);
    expect(existsSync(csv)).toBe(true);
  });

  it('refuses an option whose value looks like an option, a repeated option, and unknown ones', async () => {
    const ambiguous = await cli(['sweep', scenario, '--out', '--json']);
    expect(ambiguous.code).toBe(EXIT.usage);
    expect(ambiguous.err).toMatch(/--out/);
    expect((await cli(['run', scenario, '--seed', '1', '--seed', '2'])).code).toBe(EXIT.usage);
    expect((await cli(['run', scenario, '--hops', '3'])).code).toBe(EXIT.usage); // a sweep option
    expect((await cli(['run', scenario, '--csv'])).code).toBe(EXIT.usage);
    expect((await cli(['validate', scenario, '--json'])).code).toBe(EXIT.usage);
    // A negative seed is given with '='.
    expect((await cli(['run', scenario, '--seed=-5', '--json'])).code).toBe(EXIT.ok);
  });

  it('refuses positional arguments a command does not take', async () => {
    expect((await cli(['schema', 'x'])).code).toBe(EXIT.usage);
    expect((await cli(['run', scenario, 'extra.json'])).code).toBe(EXIT.usage);
    expect((await cli(['validate', scenario, scenario])).code).toBe(EXIT.usage);
    expect((await cli(['report'])).code).toBe(EXIT.usage);
    expect((await cli(['schema'])).code).toBe(EXIT.ok);
  });

  it('--hops-over-layer sweeps Maximum Hops as the collectors\u2019 Max. Layer + n, each cell its own run', async () => {
    const out = join(dir, 'over-layer.ndjson');
    const args = ['sweep', scenario, '--workers', '0', '--replications', '1', '--hops-over-layer', '0..2'];
    expect((await cli([...args, '--out', out])).code).toBe(EXIT.ok);
    const records = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => JSON.parse(line) as SweepRecord);
    expect(records.map((r) => r.params)).toEqual([0, 1, 2].map((n) => ({ hopsOverLayer: n })));
    const limits = records.map((record) => {
      const params = record.params;
      const result = runScenario(loadScenario(applyCell(small as Scenario, params)), record.seed, 0);
      const seed = cellSeed(small.seed, JSON.stringify(params));
      expect(record.seed).toBe(seed);
      // The record is the plain run of its cell: the alias sets broadcast.maxHops to { maxLayerPlus: n } ...
      const { sweepId, cell } = record;
      expect(toRecord(result, { sweepId, cell, params, replication: 0, seed })).toEqual(record);
      // ... which resolves to the collector's Max. Layer (its deepest target's layer) + n.
      const pass = result.passes[0]!;
      const maxLayer = Math.max(...pass.layers.map((l) => l.layer));
      expect(pass.spec.maxHops).toBe(maxLayer + (params['hopsOverLayer'] as number));
      return pass.spec.maxHops;
    });
    expect(new Set(limits).size).toBe(3);
    // Not a degenerate grid: a hop more reaches more.
    expect(records[0]!.coverage).toBeLessThan(records[2]!.coverage);
  });

  it('takes every sweep alias flag from its table', () => {
    for (const { flag } of Object.values(SWEEP_ALIASES))
      if (flag !== null) expect(Object.keys(SWEEP_OPTIONS)).toContain(flag.slice(2));
  });
});

describe('help and version', () => {
  it('-h and --help on every subcommand print its own options, exit 0, and run nothing', async () => {
    for (const spec of [RUN, SWEEP, REPORT, VALIDATE, SCHEMA]) {
      for (const flag of ['-h', '--help']) {
        const r = await cli([spec.name, flag]);
        expect(r.code, `${spec.name} ${flag}`).toBe(EXIT.ok);
        expect(r.out).toBe(formatHelp(spec));
        expect(r.out).toContain(`Usage: meshcast ${spec.name}`);
        for (const name of Object.keys(spec.options)) expect(r.out).toContain(`--${name}`);
      }
    }
    // `run -h` does not read a file named -h; help wins over other mistakes on the line.
    const help = await cli(['run', '-h']);
    expect(help.err).toBe('');
    expect((await cli(['sweep', 'missing.json', '--turbo', '--help'])).code).toBe(EXIT.ok);
    expect((await cli(['help', 'report'])).out).toBe(formatHelp(REPORT));
  });

  it('help says what each command prints', async () => {
    expect((await cli(['run', '--help'])).out).toMatch(/redundancy/);
    expect((await cli(['report', '--help'])).out).toMatch(/Wilson/);
    expect((await cli(['validate', '--help'])).out).toMatch(/every error/);
  });

  it('-v and --version print the version; bare meshcast prints usage and exits 2', async () => {
    for (const flag of ['-v', '--version']) {
      const r = await cli([flag]);
      expect(r.code).toBe(EXIT.ok);
      expect(r.out).toBe(`${VERSION}\n`);
    }
    const bare = await cli([]);
    expect(bare.code).toBe(EXIT.usage);
    expect(bare.err).toMatch(/Usage: meshcast <command>/);
    for (const flag of ['-h', '--help']) {
      const r = await cli([flag]);
      expect(r.code).toBe(EXIT.ok);
      expect(r.out).toMatch(/Commands:/);
    }
    expect((await cli(['-x'])).code).toBe(EXIT.usage);
  });
});

describe('validate reports every error', () => {
  it('lists each error with its field path, and those of independent sections', async () => {
    const bad = file('bad.json', {
      ...small,
      passes: 0,
      seed: 1.5,
      bogus: true,
      broadcast: { origins: ['C1'], packets: 20, maxHops: 99, ttlS: 5, rebootS: -1 },
      radio: { delay: { kind: 'pareto' } },
    });
    const r = await cli(['validate', bad]);
    expect(r.code).toBe(EXIT.invalid);
    for (const path of [
      'bogus',
      'seed',
      'passes',
      'broadcast.maxHops',
      'broadcast.ttlS',
      'broadcast.rebootS',
      'radio.delay',
    ])
      expect(r.err).toMatch(new RegExp(`^  ${path.replace('.', '\\.')}[.:]`, 'm'));
    expect(r.err).toMatch(/7 errors/);
  });

  it('checks no field whose rule depends on a wrong one', async () => {
    // With limits wrong, the ranges of maxHops and ttlS are unknown: only limits is reported.
    const r = await cli([
      'validate',
      file('limits.json', { ...small, broadcast: { origins: ['C1'], packets: 20, maxHops: 99, limits: 'lab' } }),
    ]);
    expect(r.err).toMatch(/broadcast\.limits: got "lab"/);
    expect(r.err).not.toMatch(/maxHops/);
  });

  it('stops at 20 errors', async () => {
    const broadcast = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`field${i}`, i]));
    const r = await cli(['validate', file('many.json', { ...small, broadcast: { ...small.broadcast, ...broadcast } })]);
    expect(r.code).toBe(EXIT.invalid);
    expect(r.err.split('\n').filter((l) => l.startsWith('  '))).toHaveLength(20);
  });

  it('one error reads as before; JSON syntax errors give line and column', async () => {
    const one = await cli(['validate', file('one.json', { ...small, passes: 0 })]);
    expect(one.err).toBe('meshcast: invalid scenario: passes: got 0; allowed: an integer in 1..100\n');
    const syntax = await cli(['validate', file('syntax.json', '{\n  "seed": 1,\n  oops\n}')]);
    expect(syntax.code).toBe(EXIT.invalid);
    expect(syntax.err).toMatch(/line 3, column 3/);
  });
});

describe('progress', () => {
  it('a run on this thread shows each pass, a line per 10 % off a terminal', async () => {
    const r = await cli(['run', scenario]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toContain('pass 1: 2 of 20 packets flooded (10 %)');
    expect(r.err).toContain('pass 1: 20 of 20 packets flooded (100 %)');
    expect(r.err.split('\n').filter((l) => l.startsWith('pass 1:')).length).toBeLessThanOrEqual(11);
  });

  it('on a terminal redraws at most every 100 ms, and always the end', () => {
    let now = 0;
    let text = '';
    const show = passProgress(
      (s) => (text += s),
      true,
      () => now,
    );
    for (let k = 1; k <= 1000; k++) {
      now += 1; // 1 ms per packet: a redraw every 100 packets
      show(1, k, 1000);
    }
    const draws = text.split('\r').filter((s) => s !== '');
    expect(draws.length).toBeLessThanOrEqual(11);
    expect(draws[draws.length - 1]).toBe('pass 1: [##############################] 1000/1000 packets flooded\n');
    text = '';
    const sweep = progressReporter(
      (s) => (text += s),
      true,
      false,
      () => now,
    );
    for (let k = 1; k <= 1000; k++) sweep(k, 1000);
    expect(text.split('\r').filter((s) => s !== '').length).toBe(2); // the first draw and the last
  });
});
