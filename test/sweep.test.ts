import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { loadScenario } from '../src/scenario/load.js';
import { runScenario } from '../src/scenario/run.js';
import { applyCell } from '../src/sweep/grid.js';
import { toRecord } from '../src/sweep/record.js';
import { cellSeed } from '../src/sweep/task.js';
import {
  checkScenario,
  coverageEstimate,
  effectiveTrials,
  estimate,
  formatSummaries,
  gridCells,
  mergeRecords,
  parseResults,
  SCENARIO_SCHEMA,
  scenarioSize,
  summariesToCsv,
  sweep,
  shareInterval,
  wilsonInterval,
  t975,
  ValidationError,
  type Scenario,
  type SweepRecord,
} from '../src/index.js';

const root = join(import.meta.dirname, '..');

const small: Scenario = {
  name: 'small sweep',
  seed: 5,
  network: { generator: 'grid', options: { width: 9, success: 0.8 } },
  radio: { delay: { kind: 'exponential', meanS: 2 } },
  broadcast: { origins: ['C1'], packets: 6, ttlS: 60 },
  passes: 2,
};
const grid = { maxHops: [3, 6, 12], ttlS: [60, 120] };

const strip = (rs: readonly SweepRecord[]): string => JSON.stringify(rs);

describe('sweep', () => {
  it('gives identical results for 0, 1 and 2 workers', async () => {
    const inline = await sweep(small, grid, { replications: 3, workers: 0 });
    const one = await sweep(small, grid, { replications: 3, workers: 1 });
    const two = await sweep(small, grid, { replications: 3, workers: 2 });
    expect(inline.records).toHaveLength(18);
    expect(strip(one.records)).toBe(strip(inline.records));
    expect(strip(two.records)).toBe(strip(inline.records));
    expect(JSON.stringify(two.summaries)).toBe(JSON.stringify(inline.summaries));
  });

  it('3 shards merged equal the single-machine result, in any order', async () => {
    const whole = await sweep(small, grid, { replications: 2, workers: 0 });
    const shards = await Promise.all(
      [0, 1, 2].map((index) => sweep(small, grid, { replications: 2, workers: 0, shard: { index, count: 3 } })),
    );
    expect(shards.map((s) => s.records.length).reduce((a, b) => a + b, 0)).toBe(12);
    expect(strip(mergeRecords(shards[2]!.records, shards[0]!.records, shards[1]!.records))).toBe(strip(whole.records));
  });

  it('a cell’s results depend on its parameters, not on the rest of the grid', async () => {
    const narrow = await sweep(small, { maxHops: [6] }, { replications: 2, workers: 0 });
    const wide = await sweep(small, { maxHops: [2, 4, 6, 8] }, { replications: 2, workers: 0 });
    const pick = (rs: readonly SweepRecord[]): string =>
      JSON.stringify(rs.filter((r) => r.params['maxHops'] === 6).map(({ cell: _c, sweepId: _s, ...rest }) => rest));
    expect(pick(wide.records)).toBe(pick(narrow.records));
    const reseeded = await sweep(small, { maxHops: [6] }, { replications: 2, workers: 0, seed: 99 });
    expect(pick(reseeded.records)).not.toBe(pick(narrow.records));
  });

  it('records of a reduced grid equal per-cell runs: same seeds, same numbers, any worker count', async () => {
    // The default scenario's shape (two-mile groups one after another, repeat passes per group,
    // Maximum Hops and TTL swept) on a smaller utility: every record must be the one a plain run
    // of its cell's scenario, with the cell's seed and the replication, gives.
    const grouped: Scenario = {
      seed: 3,
      network: { generator: 'utility', options: { collectors: 4, endpointsPerCollector: 150, seed: 3 } },
      broadcast: {
        origins: 'all',
        packets: 4,
        spacingS: 70,
        maxHops: { maxLayerPlus: 1 },
        ttlS: 60,
        targets: { kinds: ['meter'] },
      },
      groups: 'two-mile',
      passes: 3,
    };
    const cells = { maxHops: [2, 5, 40], ttlS: [60, 120, 600] };
    const inline = await sweep(grouped, cells, { replications: 2, workers: 0 });
    const two = await sweep(grouped, cells, { replications: 2, workers: 2 });
    const perCell = inline.records.map((r) => {
      const cell = inline.cells[r.cell]!;
      const seed = cellSeed(grouped.seed!, cell.key);
      const result = runScenario(loadScenario(applyCell(grouped, cell.params)), seed, r.replication);
      return toRecord(result, {
        sweepId: inline.sweepId,
        cell: cell.index,
        params: cell.params,
        replication: r.replication,
        seed,
      });
    });
    expect(inline.records).toHaveLength(18);
    // Not a degenerate grid: TTL and Maximum Hops change results, and some cells need repeat passes.
    expect(new Set(inline.records.map((r) => r.reached)).size).toBeGreaterThan(6);
    expect(inline.records.some((r) => r.coverageByPass.length > 2)).toBe(true);
    expect(strip(inline.records)).toBe(strip(perCell));
    expect(strip(two.records)).toBe(strip(perCell));
  });

  it('skips finished tasks and reports progress', async () => {
    const seen: number[] = [];
    const out = await sweep(small, grid, {
      replications: 1,
      workers: 0,
      skip: new Set(['0/0', '5/0']),
      onProgress: (d) => seen.push(d),
    });
    expect(out.records.map((r) => r.cell)).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('cells enumerate the cartesian product, last parameter fastest', () => {
    const cells = gridCells({ maxHops: [1, 2], 'radio.delay.kind': ['x', 'y', 'z'] });
    expect(cells.map((c) => Object.values(c.params))).toEqual([
      [1, 'x'],
      [1, 'y'],
      [1, 'z'],
      [2, 'x'],
      [2, 'y'],
      [2, 'z'],
    ]);
    expect(gridCells({})).toHaveLength(1);
  });

  it('checks every cell before running and names the bad one', async () => {
    await expect(sweep(small, { maxHops: [6, 99] }, { workers: 0 })).rejects.toThrow(ValidationError);
    await expect(sweep(small, { maxHops: [6, 99] }, { workers: 0 })).rejects.toMatchObject({
      path: 'cell {"maxHops":99}: broadcast.maxHops',
    });
    await expect(sweep(small, { 'colour.hue': [1] }, { workers: 0 })).rejects.toMatchObject({
      path: 'grid.colour.hue',
    });
    await expect(sweep(small, { maxHops: [] }, { workers: 0 })).rejects.toMatchObject({ path: 'grid.maxHops' });
    await expect(sweep(small, grid, { workers: 0, shard: { index: 3, count: 3 } })).rejects.toMatchObject({
      path: 'shard.index',
    });
    await expect(sweep(small, { maxHops: [6, 3, 6] }, { workers: 0 })).rejects.toMatchObject({
      path: 'grid.maxHops',
      allowed: expect.stringMatching(/distinct values \(6 is there twice\)/),
    });
  });
  it('checks the grid and options before anything runs, naming the field', async () => {
    const cases: [unknown, unknown, string][] = [
      [null, {}, 'grid'],
      [[], {}, 'grid'],
      [grid, { bogus: 1 }, 'bogus'],
      [grid, { seed: {} }, 'seed'],
      [grid, { seed: NaN }, 'seed'],
      [grid, { shard: 5 }, 'shard'],
      [grid, { shard: { index: 0, count: 2, of: 3 } }, 'shard.of'],
      [grid, { skip: ['0/0'] }, 'skip'],
      [grid, { onResult: 5 }, 'onResult'],
      [grid, { onProgress: 'x' }, 'onProgress'],
      [grid, { baseDir: 5 }, 'baseDir'],
    ];
    for (const [g, options, path] of cases) {
      let done = 0;
      await expect(
        sweep(small, g as never, { workers: 0, onResult: () => done++, ...(options as object) } as never),
        path,
      ).rejects.toMatchObject({ path });
      expect(done).toBe(0);
    }
  });
});

describe('bundled sweep scenarios', () => {
  const withSweeps = readdirSync(join(root, 'scenarios')).filter(
    (f) => f.endsWith('.json') && 'sweep' in JSON.parse(readFileSync(join(root, 'scenarios', f), 'utf8')),
  );
  it('there are sweep scenarios', () => expect(withSweeps.length).toBeGreaterThanOrEqual(3));
  it.each(withSweeps)('%s sweeps (one replication per cell)', async (file) => {
    const scenario = JSON.parse(readFileSync(join(root, 'scenarios', file), 'utf8')) as Scenario;
    expect(checkScenario(scenario).sweep?.grid).toBeDefined();
    const outcome = await sweep(scenario, scenario.sweep!.grid, { replications: 1, workers: 2 });
    expect(outcome.records.length).toBe(outcome.cells.length);
    for (const s of outcome.summaries) expect(s.coverage.mean).toBeGreaterThan(0);
  });
});

describe('summaries', () => {
  it('estimate gives mean, sd, a Student-t 95 % interval and percentiles', () => {
    const e = estimate([1, 2, 3, 4]);
    expect(e.mean).toBe(2.5);
    expect(e.sd).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(e.ci95![0]).toBeCloseTo(2.5 - (3.182 * Math.sqrt(5 / 3)) / 2, 3);
    expect([e.p5, e.p50, e.p95]).toEqual([1, 2, 4]);
  });
  it('one replication gives no interval and no sd: n/a, null in JSON, empty in CSV', async () => {
    expect(estimate([7])).toMatchObject({ n: 1, mean: 7, sd: null, ci95: null });
    expect(coverageEstimate([0.5], [100]).ci95).toBeNull();
    const one = await sweep(small, { maxHops: [12] }, { replications: 1, workers: 0 });
    const s = one.summaries[0]!;
    expect(s.coverage.ci95).toBeNull();
    expect(s.goalMetCi95).toBeNull();
    expect(formatSummaries(one.summaries)).toMatch(/ n\/a /);
    const [header, row] = summariesToCsv(one.summaries).trim().split('\n');
    const cell = (name: string): string => row!.split(',')[header!.split(',').indexOf(name)]!;
    expect(cell('coverage_ci95_low')).toBe('');
    expect(cell('coverage_sd')).toBe('');
    expect(cell('coverage_mean')).not.toBe('');
    expect(JSON.parse(JSON.stringify(s)).coverage.ci95).toBeNull();
  });
  it('the Wilson score interval matches published values (Newcombe 1998, table I)', () => {
    const round = (ci: [number, number] | null): number[] => ci!.map((x) => Number(x.toFixed(4)));
    expect(round(wilsonInterval(81, 263))).toEqual([0.2553, 0.3662]);
    expect(round(wilsonInterval(15, 148))).toEqual([0.0624, 0.1605]);
    expect(round(wilsonInterval(0, 20))).toEqual([0, 0.1611]);
    expect(round(wilsonInterval(1, 29))).toEqual([0.0061, 0.1718]);
    expect(wilsonInterval(20, 20)![1]).toBe(1);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
  it('coverage intervals stay in [0, 1] where a Student t interval leaves it', () => {
    const coverage = [0, 0, 0, 0.9];
    const t = estimate(coverage).ci95!;
    expect(t[0]).toBeLessThan(0); // what the t interval said: a negative coverage
    const [lo, hi] = coverageEstimate(coverage, [1000, 1000, 1000, 1000]).ci95!;
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    expect(lo).toBeLessThan(0.225);
    expect(hi).toBeGreaterThan(0.225);
    // Every replication complete: the interval is the Wilson interval of all the targets, width > 0.
    const [allLo, allHi] = coverageEstimate([1, 1, 1], [500, 500, 500]).ci95!;
    expect(allHi).toBe(1);
    expect(allLo).toBeCloseTo(wilsonInterval(1500, 1500)![0], 12);
    expect(allLo).toBeLessThan(1);
  });
  it("shareInterval: Wilson over the effective sample size of the replications, the summaries' interval", () => {
    const round = (ci: readonly [number, number] | null): number[] => ci!.map((x) => Number(x.toFixed(4)));
    // Mean 0.9, sd 0.06 over 4 replications: n* = 0.9 · 0.1 / (0.06² / 4) = 0.09 / 0.0009 = 100,
    // so the interval is Wilson's of 90 in 100: centre (0.9 + z²/200) / (1 + z²/100) = 0.88520,
    // half-width z / (1 + z²/100) · √(0.0009 + z²/40000) = 0.05957.
    expect(effectiveTrials(0.9, 0.06, 4, 4000)).toBeCloseTo(100, 9);
    expect(round(shareInterval(0.9, 0.06, 4, 4000))).toEqual([0.8256, 0.9448]);
    // Fewer trials than that (20 targets a replication): the cap, Wilson's of 72 in 80.
    expect(effectiveTrials(0.9, 0.06, 4, 80)).toBe(80);
    expect(round(shareInterval(0.9, 0.06, 4, 80))).toEqual([0.8149, 0.9485]);
    // No spread (always so at 0 and 1): every trial counts; one bound exact, the other Wilson's.
    expect(shareInterval(1, 0, 3, 1500)).toEqual(wilsonInterval(1500, 1500));
    expect(shareInterval(0, 0, 2, 20)![0]).toBe(0);
    expect(round(shareInterval(0, 0, 2, 20))).toEqual([0, 0.1611]);
    expect(shareInterval(0.9, 0.06, 1, 4000)).toBeNull();
    expect(shareInterval(0.5, 0, 2, 0)).toBeNull();
    // The summaries print exactly this interval.
    const coverage = [0.84, 0.9, 0.96, 0.9];
    const e = coverageEstimate(coverage, [1000, 1000, 1000, 1000]);
    expect(e.ci95).toEqual(shareInterval(e.mean, e.sd!, 4, 4000));
  });
  it('t975 matches tables and tends to the normal quantile', () => {
    expect(t975(1)).toBe(12.706);
    expect(t975(30)).toBe(2.042);
    expect(t975(40)).toBeCloseTo(2.021, 3);
    expect(t975(120)).toBeCloseTo(1.98, 3);
    expect(t975(1e6)).toBeCloseTo(1.96, 3);
  });
  it('95 % intervals cover the true mean about 95 % of the time', async () => {
    // Coverage of a star with p = 0.9 and 5 packets per meter has mean 0.9^5; over 200 sweeps
    // of 10 replications the interval should miss in about 5 % of them.
    const star: Scenario = {
      seed: 1,
      network: { generator: 'star', options: { meters: 20, success: 0.9 } },
      broadcast: { origins: ['C1'], packets: 5, maxHops: 2, ttlS: 60 },
    };
    let misses = 0;
    const trials = 200;
    for (let k = 0; k < trials; k++) {
      const s = await sweep(star, {}, { replications: 10, workers: 0, seed: `ci-${k}` });
      const [lo, hi] = s.summaries[0]!.coverage.ci95!;
      const truth = 0.9 ** 5;
      if (truth < lo || truth > hi) misses++;
    }
    // Binomial(200, 0.05): mean 10, sd 3.1; the Wilson interval at the replications' effective
    // sample size is close to nominal.
    expect(misses).toBeGreaterThanOrEqual(1);
    expect(misses).toBeLessThanOrEqual(10 + 4 * 3.1);
  });
});

describe('results files', () => {
  it('parseResults keeps whole lines and reports a torn last line', () => {
    const r1 = {
      sweepId: 'x',
      cell: 0,
      params: {},
      replication: 0,
      seed: 's',
      passes: 1,
      coverage: 1,
      coverageByPass: [1],
      passesToGoal: 1,
      targets: 1,
      completed: 1,
      campaignS: 1,
      transmissions: 1,
      receptions: 1,
      duplicates: 0,
      reached: 1,
      airtimeS: null,
      collisions: null,
      reportsSent: null,
      reportsMissed: null,
      expired: 0,
      hopLimited: 0,
      completionP50S: 1,
      completionP90S: 1,
      version: '0',
    };
    const line = JSON.stringify(r1);
    expect(parseResults(`${line}\n${line}\n`).records).toHaveLength(2);
    const torn = parseResults(`${line}\n${line.slice(0, 20)}`);
    expect(torn).toMatchObject({ corruptTail: true, validLength: line.length + 1 });
    expect(torn.records).toHaveLength(1);
    expect(parseResults(`${line}\n{"not":"a record"}\n`).corruptTail).toBe(true);
    expect(() => parseResults(`garbage\n${line}\n`)).toThrow(/line 1/);
  });
});

async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = await main(
      args,
      (s) => (out += s),
      (s) => (err += s),
    );
    return { code, out, err };
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
  }
}

function temp(name: string, data?: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'meshcast-sweep-')), name);
  if (data !== undefined) writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
  return path;
}

describe('meshcast sweep / report / schema', () => {
  it('sweeps from flags, writes NDJSON and CSV, and reports merged shards', async () => {
    const file = temp('s.json', small);
    const out = temp('r.ndjson');
    const csv = temp('r.csv');
    const r = await cli([
      'sweep',
      file,
      '--hops',
      '3,6',
      '--ttl',
      '60..120:60',
      '--replications',
      '2',
      '--workers',
      '0',
      '--out',
      out,
      '--csv',
      csv,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/4 cells × 2 replications/);
    expect(r.err).toMatch(/meshcast: 8\/8 done, .* elapsed, ETA/); // progress lines off a terminal
    const written = parseResults(readFileSync(out, 'utf8'));
    expect(written.records).toHaveLength(8);
    expect(written.header).toMatchObject({ shard: { index: 0, count: 1 }, cells: 4, replications: 2 });
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toMatch(/^cell,maxHops,ttlS,replications,coverage_mean/);
    const shardFiles = [0, 1].map((i) => temp(`shard${i}.ndjson`));
    for (const [i, f] of shardFiles.entries()) {
      const s = await cli(
        [
          'sweep',
          file,
          '--hops',
          '3,6',
          '--ttl',
          '60..120:60',
          '--replications',
          '2',
          '--workers',
          '0',
          '--out',
          f,
          '--shard-count',
          '2',
          '--json',
        ],
        { JOB_COMPLETION_INDEX: String(i) },
      );
      expect(s.code).toBe(0);
    }
    const merged = await cli(['report', ...shardFiles, '--json']);
    const single = await cli(['report', out, '--json']);
    expect(merged.out).toBe(single.out);
    expect((await cli(['report', out, '--csv'])).out).toBe(readFileSync(csv, 'utf8'));
  });

  it('refuses a results file of another sweep, bad values and unknown options', async () => {
    const file = temp('s.json', small);
    const out = temp('r.ndjson');
    expect((await cli(['sweep', file, '--hops', '3', '--workers', '0', '--out', out])).code).toBe(0);
    const other = await cli(['sweep', file, '--hops', '4', '--workers', '0', '--out', out]);
    expect(other.code).toBe(3);
    expect(other.err).toMatch(/--out/);
    expect((await cli(['sweep', file, '--hops', '40..2', '--workers', '0'])).code).toBe(2);
    expect((await cli(['sweep', file, '--hops', '99', '--workers', '0'])).code).toBe(3);
    expect((await cli(['sweep', file, '--passes', '2'])).code).toBe(2);
    expect((await cli(['sweep', file, '--shard-count', '2', '--workers', '0'])).code).toBe(2);
    // Unwritable outputs are refused before any cell runs.
    const missingDir = join(dirname(out), 'no', 'such', 'dir');
    for (const [flag, path, why] of [
      ['--csv', join(missingDir, 'r.csv'), /no directory/],
      ['--out', join(missingDir, 'r.ndjson'), /no directory/],
      ['--csv', dirname(out), /is a directory/],
    ] as const) {
      const r = await cli(['sweep', file, '--hops', '3', '--workers', '0', flag, path]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`${flag}: .*`));
      expect(r.err).toMatch(why);
      expect(r.err).not.toMatch(/done, .* elapsed/);
    }
  });

  it('report and resume refuse damaged, mixed or conflicting records with exit 3, naming the problem', async () => {
    const file = temp('s.json', small);
    const out = temp('r.ndjson');
    expect(
      (await cli(['sweep', file, '--hops', '3,6', '--replications', '2', '--workers', '0', '--out', out])).code,
    ).toBe(0);
    // Line 1 is the header; records follow.
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const edit = (i: number, change: (r: Record<string, unknown>) => void): string[] =>
      lines.map((l, j) => {
        if (j !== i) return l;
        const r = JSON.parse(l) as Record<string, unknown>;
        change(r);
        return JSON.stringify(r);
      });
    const report = async (text: string[]): Promise<{ code: number; err: string }> =>
      cli(['report', temp('bad.ndjson', `${text.join('\n')}\n`)]);
    // A record out of range or of the wrong shape, before the last line: the file is damaged.
    for (const change of [
      (r: Record<string, unknown>) => (r['params'] = [1, 'a']),
      (r: Record<string, unknown>) => (r['hopLimited'] = -1),
      (r: Record<string, unknown>) => (r['coverage'] = 1.5),
      (r: Record<string, unknown>) => (r['coverageByPass'] = []),
      (r: Record<string, unknown>) => delete r['completionP90S'],
    ]) {
      const r = await report(edit(1, change));
      expect(r.code).toBe(3);
      expect(r.err).toMatch(/invalid results: .*line 2 is not a sweep record/);
    }
    // Records naming other parameters, and two different results for one task.
    const mixed = await report(edit(2, (r) => (r['params'] = { ttlS: 60 })));
    expect(mixed.code).toBe(3);
    expect(mixed.err).toMatch(/the same parameters/);
    const twice = await report(edit(2, (r) => (r['replication'] = 0)));
    expect(twice.code).toBe(3);
    expect(twice.err).toMatch(/two different results for cell 0, replication 0/);
    // Resuming into a file damaged before its last line.
    writeFileSync(out, `${edit(1, (r) => (r['coverage'] = 'x')).join('\n')}\n`);
    const resume = await cli(['sweep', file, '--hops', '3,6', '--replications', '2', '--workers', '0', '--out', out]);
    expect(resume.code).toBe(3);
    expect(resume.err).toMatch(/--out: .*line 2 is not a sweep record/);
  });

  it('schema prints the published JSON Schema', async () => {
    const r = await cli(['schema']);
    expect(JSON.parse(r.out)).toEqual(SCENARIO_SCHEMA);
    expect(JSON.parse(readFileSync(join(root, 'docs', 'scenario.schema.json'), 'utf8'))).toEqual(SCENARIO_SCHEMA);
  });

  it('resumes after the process is killed mid-run, losing nothing', async () => {
    const file = temp('s.json', {
      ...small,
      network: { generator: 'grid', options: { width: 60, success: 0.85 } },
      broadcast: { origins: ['C1'], packets: 30, ttlS: 120 },
    });
    const out = temp('r.ndjson');
    const args = [
      join(root, 'dist', 'cli', 'main.js'),
      'sweep',
      file,
      '--hops',
      '4..40:4',
      '--replications',
      '4',
      '--workers',
      '1',
      '--out',
      out,
    ];
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Kill it once a few results are written after the header (and well before the 40 it needs).
    for (let waited = 0; ; waited += 20) {
      const lines = existsSync(out) ? readFileSync(out, 'utf8').split('\n').length - 1 : 0;
      if (lines >= 4) break;
      if (waited > 240_000) throw new Error('the sweep wrote nothing in 4 minutes');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const before = parseResults(readFileSync(out, 'utf8')).records.length;
    expect(before).toBeGreaterThanOrEqual(3);
    expect(before).toBeLessThan(40);
    // What a write cut by the kill looks like: the start of one more result line.
    const aResult = readFileSync(out, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('{"sweepId"'))!;
    appendFileSync(out, aResult.slice(0, 37));
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    const resumed = parseResults(readFileSync(out, 'utf8'));
    expect(resumed.corruptTail).toBe(false);
    expect(resumed.records).toHaveLength(40);
    const fresh = temp('fresh.ndjson');
    execFileSync(process.execPath, [...args.slice(0, -1), fresh], { stdio: 'ignore' });
    expect(strip(mergeRecords(resumed.records))).toBe(
      strip(mergeRecords(parseResults(readFileSync(fresh, 'utf8')).records)),
    );
  });
});

describe('scenario loader under fuzzing', () => {
  const valid = JSON.parse(readFileSync(join(root, 'scenarios', 'hop-ttl-sweep.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  // Formats (date-time) checked as the schema states them: no "unknown format" warnings.
  const ajv = addFormats.default(new Ajv2020({ strict: false, allErrors: false }));
  const schemaValid = ajv.compile(SCENARIO_SCHEMA);

  function verdict(data: unknown): 'valid' | 'invalid' {
    try {
      checkScenario(data);
      return 'valid';
    } catch (e) {
      if (e instanceof ValidationError) return 'invalid';
      throw e; // anything else is a crash
    }
  }

  it('random JSON values give a ValidationError, never a crash', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => verdict(v) === 'invalid' || verdict(v) === 'valid'),
      { numRuns: 500 },
    );
  });

  it('mutated scenarios give a ValidationError or load, never a crash or a hang', () => {
    const paths: string[][] = [];
    const walk = (v: unknown, path: string[]): void => {
      paths.push(path);
      if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(valid, []);
    const mutation = fc.record({
      path: fc.constantFrom(...paths.filter((p) => p.length > 0)),
      value: fc.oneof(
        fc.jsonValue(),
        fc.constantFrom(-1, 0, 1, 2, 1e9, -1e9, 0.5, NaN, Infinity, '', 'all', null, [], {}, true),
      ),
      remove: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const data = structuredClone(valid);
        for (const m of mutations) {
          let node = data as Record<string, unknown>;
          for (const key of m.path.slice(0, -1)) {
            const next = node[key];
            if (typeof next !== 'object' || next === null) return true;
            node = next as Record<string, unknown>;
          }
          const last = m.path[m.path.length - 1]!;
          if (m.remove) delete node[last];
          else node[last] = m.value;
        }
        verdict(data); // the object itself: never a crash
        // As a file holds it (JSON has no NaN, Infinity or cycles): what the loader accepts,
        // the published schema accepts too.
        let text: string;
        try {
          text = JSON.stringify(data);
        } catch {
          return true; // a cyclic object: no file can hold it
        }
        const file = JSON.parse(text) as unknown;
        if (verdict(file) === 'valid') {
          expect(schemaValid(file)).toBe(true);
          expect(scenarioSize(file as Scenario)).toBeGreaterThan(0);
        }
        return true;
      }),
      { numRuns: Number(process.env['MESHCAST_FUZZ_RUNS'] ?? 400) },
    );
  });

  it('the bundled scenarios pass the schema, and known-bad files fail both checks', () => {
    for (const f of readdirSync(join(root, 'scenarios')).filter((name) => name.endsWith('.json'))) {
      const data = JSON.parse(readFileSync(join(root, 'scenarios', f), 'utf8'));
      expect(schemaValid(data), f).toBe(true);
      expect(verdict(data)).toBe('valid');
    }
    for (const bad of [
      { ...valid, network: { generator: 'utility', options: { gasShare: 2 } } },
      { ...valid, passes: 0 },
      { ...valid, extra: 1 },
      { ...valid, sweep: { replications: 0 } },
    ]) {
      expect(schemaValid(bad)).toBe(false);
      expect(verdict(bad)).toBe('invalid');
    }
  });
});

describe('air and redundancy in sweep records and summaries', () => {
  it('carry reached, airtime and collisions; summaries average duplicates per packet delivered', async () => {
    const off = await sweep(small, { maxHops: [3, 12] }, { replications: 3, workers: 0 });
    for (const r of off.records) {
      expect(r.airtimeS).toBeNull();
      expect(r.collisions).toBeNull();
      expect(r.reached).toBeGreaterThan(0);
    }
    for (const s of off.summaries) {
      const rs = off.records.filter((r) => r.cell === s.cell);
      expect(s.redundancy.mean).toBeCloseTo(rs.reduce((a, r) => a + r.duplicates / r.reached, 0) / rs.length, 12);
      expect(s.airtimeS).toBeNull();
    }
    expect(formatSummaries(off.summaries)).not.toMatch(/airtime/);
    const on = await sweep(
      { ...small, radio: { ...small.radio, contention: 'csma' } },
      { maxHops: [12] },
      { replications: 2, workers: 0 },
    );
    for (const r of on.records) {
      expect(r.airtimeS).toBeGreaterThan(0);
      expect(r.collisions).toBeGreaterThanOrEqual(0);
    }
    expect(on.summaries[0]!.airtimeS!.mean).toBeCloseTo((on.records[0]!.airtimeS! + on.records[1]!.airtimeS!) / 2, 9);
    expect(formatSummaries(on.summaries)).toMatch(/airtime\s+collisions/);
    const csv = summariesToCsv(on.summaries).split('\n');
    expect(csv[0]).toMatch(/,redundancy_mean,redundancy_sd,redundancy_ci95_low,redundancy_ci95_high,airtime_s_mean,/);
    expect(csv[1]!.split(',')).toHaveLength(csv[0]!.split(',').length);
  });
});
