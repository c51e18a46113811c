import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import {
  ciHalfWidths,
  coverageEstimate,
  ENDPOINT_COLUMNS,
  ENDPOINT_STATUS,
  endpointsCsv,
  endpointsGeoJson,
  endpointTable,
  estimate,
  FAILED_COLUMNS,
  failedEndpointsCsv,
  generators,
  loadScenario,
  Network,
  renderCharts,
  renderRunReport,
  renderSweepReport,
  replicationsFor,
  replicationsForShare,
  runBroadcast,
  runCharts,
  runScenario,
  shareHalfWidths,
  sweep,
  summarise,
  sweepCharts,
  t975,
  tidyCsv,
  tidyParquet,
  tidyRecords,
  ValidationError,
  wilsonInterval,
  type SweepRecord,
} from '../src/index.js';
import { parseCsv } from './csv.js';

/**
 * A line of six meters from C1 (M1–M6, M4's radio refusing images), a gas module on M2, an
 * island meter M9 no link reaches, and M5–M6 behind a link that loses half its frames.
 */
function smallNetwork(): Network {
  const net = new Network();
  net.addDevice({ id: 'C1', kind: 'collector', position: { xM: 0, yM: 0 } });
  for (let i = 1; i <= 6; i++) {
    net.addDevice({
      id: `M${i}`,
      kind: 'meter',
      position: { xM: 100 * i, yM: 0 },
      ...(i === 4 ? { flags: { disableBroadcasts: true } } : {}),
      firmware: { module: '5.18', dcw: '3.1' },
    });
  }
  net.addDevice({ id: 'G2', kind: 'gasModule', parent: 'M2' });
  net.addDevice({ id: 'M9', kind: 'meter', position: { xM: 0, yM: 900 }, collector: 'C1' });
  net.addLink({ from: 'C1', to: 'M1', success: 1 });
  for (let i = 1; i < 6; i++) net.addLink({ from: `M${i}`, to: `M${i + 1}`, success: i === 4 ? 0.5 : 1 });
  return net;
}

const spec = {
  origins: ['C1'],
  packets: 20,
  maxHops: 10,
  ttlS: 120,
  limits: 'research',
  targets: { kinds: ['meter', 'gasModule'] },
} as const;

describe('endpoints at the end of a run', () => {
  const net = smallNetwork();
  const pass = runBroadcast(net, spec, { seed: 4 });
  const table = endpointTable([pass]);
  const status = (id: string): string => Object.keys(ENDPOINT_STATUS)[table.status[table.mesh.index(id)]!]!;

  it('says which targets completed, refused, could not be reached or are incomplete', () => {
    expect(status('M1')).toBe('complete');
    expect(status('G2')).toBe(pass.endpoint('G2').completedS === null ? 'incomplete' : 'complete');
    expect(status('M4')).toBe('refused');
    expect(status('M9')).toBe('unreachable');
    expect(status('C1')).toBe('not-target');
    expect(pass.reachable('M9')).toBe(false);
    expect(pass.reachable('G2')).toBe(true);
    for (const id of pass.targetIds()) {
      const e = pass.endpoint(id);
      const v = table.mesh.index(id);
      expect(table.missing[v]).toBe(e.tank!.missing);
      expect(Number.isNaN(table.completedS[v]!) ? null : table.completedS[v]).toBe(e.completedS);
      expect(Array.from(table.tankBytes(v)!, (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ')).toBe(
        e.tank!.hex(),
      );
    }
  });

  it('writes every device as CSV and GeoJSON, positions in metres, null where unknown', () => {
    const rows = parseCsv(endpointsCsv(table));
    expect(rows[0]).toEqual([...ENDPOINT_COLUMNS]);
    expect(rows.length - 1).toBe(table.mesh.n);
    const m4 = rows.find((r) => r[0] === 'M4')!;
    expect(m4.slice(1, 8)).toEqual(['meter', 'meter', '4', '400', '0', 'C1', 'refused']);
    expect(m4[10]).toBe('20');
    const geo = JSON.parse(endpointsGeoJson(table)) as {
      type: string;
      features: { geometry: { coordinates: number[] } | null; properties: Record<string, unknown> }[];
    };
    expect(geo.type).toBe('FeatureCollection');
    expect(geo.features).toHaveLength(table.mesh.n);
    const g2 = geo.features.find((f) => f.properties['id'] === 'G2')!;
    expect(g2.geometry).toBeNull(); // a module without a position of its own
    expect(geo.features.find((f) => f.properties['id'] === 'M3')!.geometry!.coordinates).toEqual([300, 0]);
  });

  it('lists the failed targets with the reason and the packets a repeat pass must send', () => {
    const rows = parseCsv(failedEndpointsCsv(table));
    expect(rows[0]).toEqual([...FAILED_COLUMNS]);
    const byId = new Map(rows.slice(1).map((r) => [r[0]!, r]));
    expect(byId.has('M1')).toBe(false);
    expect(byId.get('M4')![5]).toBe('refused');
    expect(byId.get('M4')![6]).toContain('Disable Broadcasts');
    expect(byId.get('M4')![8]).toBe('0-19');
    expect(byId.get('M9')![5]).toBe('unreachable');
    for (const [id, r] of byId) {
      if (r[5] !== 'incomplete') continue;
      const tank = pass.tank(id);
      const missing = Array.from({ length: 20 }, (_, k) => k).filter((k) => !tank.has(k));
      const listed = r[8]!
        .split(' ')
        .filter((s) => s !== '')
        .flatMap((s) => {
          const [a, b] = s.split('-').map(Number);
          return Array.from({ length: (b ?? a!) - a! + 1 }, (_, k) => a! + k);
        });
      expect(listed).toEqual(missing);
    }
  });
});

/** A small sweep over two parameters (one of them an object, flattened), four replications per cell. */
async function smallSweep(): Promise<SweepRecord[]> {
  const scenario = {
    seed: 2,
    network: { generator: 'utility', options: { collectors: 1, endpointsPerCollector: 120, seed: 2 } },
    broadcast: { origins: 'all', packets: 10, spacingS: 70, ttlS: 60 },
    passes: 2,
  };
  const outcome = await sweep(
    scenario as never,
    {
      maxHops: [3, 6, 9],
      'radio.delay': [
        { kind: 'uniform', minS: 1.5, maxS: 2.5 },
        { kind: 'constant', valueS: 2 },
      ],
    },
    { replications: 4, workers: 0 },
  );
  return [...outcome.records];
}

describe('tidy records', () => {
  it('one row per cell and replication, parameters flattened to columns, CSV and Parquet alike', async () => {
    const records = await smallSweep();
    const table = tidyRecords(records);
    const names = table.columns.map((c) => c.name);
    expect(names.slice(0, 3)).toEqual(['cell', 'replication', 'seed']);
    expect(names).toEqual(
      expect.arrayContaining(['maxHops', 'radio.delay.kind', 'radio.delay.minS', 'radio.delay.valueS']),
    );
    expect(names).toEqual(
      expect.arrayContaining(['coverage_pass_1', 'coverage_pass_2', 'campaign_s', 'passes_to_goal', 'redundancy']),
    );
    expect(table.rows).toBe(records.length);
    const rows = parseCsv(tidyCsv(table));
    expect(rows[0]).toEqual(names);
    expect(rows).toHaveLength(records.length + 1);
    const col = (name: string): number => names.indexOf(name);
    records.forEach((r, i) => {
      const row = rows[i + 1]!;
      expect(Number(row[col('cell')])).toBe(r.cell);
      expect(Number(row[col('replication')])).toBe(r.replication);
      expect(Number(row[col('coverage')])).toBe(r.coverage);
      expect(Number(row[col('maxHops')])).toBe(r.params['maxHops']);
      expect(row[col('radio.delay.kind')]).toBe((r.params['radio.delay'] as { kind: string }).kind);
    });

    const bytes = await tidyParquet(table);
    const back = (await parquetReadObjects({ file: bytes.buffer as ArrayBuffer })) as Record<string, unknown>[];
    expect(back).toHaveLength(records.length);
    const seen = new Set<string>();
    back.forEach((row, i) => {
      const r = records[i]!;
      seen.add(`${String(row['cell'])}/${String(row['replication'])}`);
      expect(Number(row['cell'])).toBe(r.cell);
      expect(Number(row['replication'])).toBe(r.replication);
      expect(row['seed']).toBe(r.seed);
      expect(row['coverage']).toBe(r.coverage);
      expect(row['coverage_pass_1']).toBe(r.coverageByPass[0]);
      expect(Number(row['transmissions'])).toBe(r.transmissions);
      expect(row['campaign_s']).toBe(r.campaignS);
      expect(Number(row['maxHops'])).toBe(r.params['maxHops']);
      const valueS = row['radio.delay.valueS'];
      expect(valueS === null ? null : Number(valueS)).toBe(
        (r.params['radio.delay'] as { valueS?: number }).valueS ?? null,
      );
      expect(row['airtime_s']).toBeNull();
      expect(row['version']).toBe(r.version);
    });
    expect(seen.size).toBe(records.length); // one row per (cell, replication)
  });

  it('DuckDB, a Parquet reader written apart from the writer, reads every column, type and value', async () => {
    const records = await smallSweep();
    const table = tidyRecords(records);
    const file = join(mkdtempSync(join(tmpdir(), 'meshcast-parquet-')), 'records.parquet');
    writeFileSync(file, await tidyParquet(table));
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${file.replace(/'/g, "''")}')`);
      expect(reader.columnNames()).toEqual(table.columns.map((c) => c.name));
      const duckType = { int: 'BIGINT', double: 'DOUBLE', string: 'VARCHAR', boolean: 'BOOLEAN' } as const;
      expect(reader.columnTypes().map(String)).toEqual(table.columns.map((c) => duckType[c.type]));
      const rows = reader.getRowObjectsJS();
      expect(rows).toHaveLength(table.rows);
      for (const column of table.columns) {
        const back = rows.map((row) => {
          const v = row[column.name];
          return typeof v === 'bigint' ? Number(v) : (v ?? null);
        });
        expect(back, column.name).toEqual(column.values);
      }
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });
});

describe('convergence of a Monte Carlo estimate', () => {
  it('coverage: the half-width of the first n replications is the Wilson interval the summaries print', () => {
    const coverage = [0.9, 0.96, 0.84, 0.9];
    const targets = [1000, 1000, 1000, 1000];
    const halves = shareHalfWidths(coverage, targets);
    // By hand: n = 2, mean 0.93, sd² 0.0018, n* = 0.93 · 0.07 / 0.0009 = 72.33; n = 3, mean 0.9,
    // sd² 0.0036, n* = 0.09 / 0.0012 = 75; n = 4, sd² 0.0024, n* = 0.09 / 0.0006 = 150. Wilson
    // half-width z / (1 + z²/n*) · √(p(1 − p)/n* + z²/(4 n*²)) at those.
    expect(halves).toHaveLength(3);
    expect(halves[0]).toBeCloseTo(0.061263, 6);
    expect(halves[1]).toBeCloseTo(0.069029, 6);
    expect(halves[2]).toBeCloseTo(0.048447, 6);
    halves.forEach((h, i) => {
      const ci = coverageEstimate(coverage.slice(0, i + 2), targets.slice(0, i + 2)).ci95!;
      expect(h).toBeCloseTo((ci[1] - ci[0]) / 2, 12);
    });
    // Alike so far: every target counts (2,000 then 3,000 trials at coverage 1).
    const alike = shareHalfWidths([1, 1, 0.9], [1000, 1000, 1000]);
    expect(alike[0]).toBeCloseTo((1 - wilsonInterval(2000, 2000)![0]) / 2, 12);
    expect(alike[1]).toBeGreaterThan(alike[0]!);
  });
  it('coverage: replications needed, the least n whose Wilson interval is within the half-width', () => {
    // Mean 0.9, sd 0.06: each replication counts for 0.09 / 0.0036 = 25 targets. Wilson's half-width
    // at p = 0.9 is ≤ 0.01 from n* = 3,460.3 on (root of h²(n + z²)² = z²(p(1 − p) n + z²/4)):
    // 3,460.3 / 25 = 138.4, so 139; for ±0.005, 13,832.2 / 25 = 553.3, so 554.
    expect(replicationsForShare(0.9, 0.06, 1000, 0.01)).toBe(139);
    expect(replicationsForShare(0.9, 0.06, 1000, 0.005)).toBe(554);
    // Fewer targets than the spread implies: the cap (20 a replication), n* = 20 n.
    expect(replicationsForShare(0.9, 0.06, 20, 0.01)).toBe(174);
    // p = 1 or 0, no spread: the interval [1 − z²/(n* + z²), 1] has half-width z²/(2(n* + z²)), ≤ h from
    // n* = z²/(2h) − z² = 188.23 (h = 0.01) and 380.30 (h = 0.005). Every target a trial: 500 a
    // replication, 2 are enough; each replication one trial: 189 and 381.
    expect(replicationsForShare(1, 0, 500, 0.01)).toBe(2);
    expect(replicationsForShare(1, 0, 1, 0.01)).toBe(189);
    expect(replicationsForShare(0, 0, 1, 0.005)).toBe(381);
  });
  it('the CI half-width of the first n values is what estimate() gives for them', () => {
    const values = [0.91, 0.95, 0.9, 0.97, 0.93, 0.94, 0.92, 0.96];
    const halves = ciHalfWidths(values);
    expect(halves).toHaveLength(values.length - 1);
    halves.forEach((h, i) => {
      const e = estimate(values.slice(0, i + 2));
      expect(h).toBeCloseTo((e.ci95![1] - e.ci95![0]) / 2, 12);
    });
  });
  it('replications needed: the least n whose interval is narrow enough', () => {
    for (const [sd, h] of [
      [0.05, 0.01],
      [0.02, 0.005],
      [0.3, 0.01],
      [0.001, 0.01],
    ] as const) {
      const n = replicationsFor(sd, h);
      expect((t975(n - 1) * sd) / Math.sqrt(n)).toBeLessThanOrEqual(h);
      if (n > 2) expect((t975(n - 2) * sd) / Math.sqrt(n - 1)).toBeGreaterThan(h);
    }
    expect(replicationsFor(0, 0.01)).toBe(2);
  });
});

/** Rect marks of a Vega SVG (heatmap cells), not legends or backgrounds. */
function rectMarks(svg: string): number {
  return (svg.match(/aria-roledescription="rect mark"/g) ?? []).length;
}

describe('charts', () => {
  it('a run: coverage by layer, completion times, packets sent, traffic, drawn as SVG without a DOM', async () => {
    const loaded = loadScenario({
      seed: 1,
      network: { generator: 'utility', options: { collectors: 2, endpointsPerCollector: 150, seed: 1 } },
      broadcast: { origins: 'all', packets: 12, spacingS: 70, maxHops: 8, ttlS: 60 },
      groups: 'two-mile',
      passes: 2,
    });
    const result = runScenario(loaded);
    const charts = await renderCharts(runCharts(result));
    expect(charts.map((c) => c.name)).toEqual(['coverage-by-layer', 'completion-cdf', 'packets-sent', 'traffic']);
    for (const c of charts) {
      expect(c.svg.startsWith('<svg')).toBe(true);
      expect(c.spec['$schema']).toContain('vega-lite/v5');
      // ids are the chart's own, so several charts share a page
      for (const m of c.svg.matchAll(/\sid="([^"]+)"/g)) expect(m[1]!.startsWith(`${c.name}-`)).toBe(true);
    }
    const packets = charts.find((c) => c.name === 'packets-sent')!;
    const sent = result.passes.reduce((a, p) => a + p.packetsSent, 0);
    expect((packets.spec['data'] as { values: unknown[] }).values).toHaveLength(sent);
  });

  it('a sweep: one heatmap cell per grid cell, its 95 % CI on hover', async () => {
    const records = await smallSweep();
    const charts = await renderCharts(sweepCharts(records));
    expect(charts.map((c) => c.name)).toEqual([
      'coverage-heatmap',
      'transmissions-heatmap',
      'redundancy-heatmap',
      'coverage-by-pass',
      'ci-width',
    ]);
    for (const c of charts.slice(0, 3)) expect(rectMarks(c.svg)).toBe(6);
    expect(charts[0]!.svg).toContain('95% CI (Wilson): ');
    expect(charts[1]!.svg).toContain('95% CI (Student t): ');
  });
});

describe('HTML reports', () => {
  it('a run: self-contained, every device in the map payload', async () => {
    const net = generators.utility({ collectors: 1, endpointsPerCollector: 80, seed: 3 });
    const pass = runBroadcast(net, { origins: ['C1'], packets: 8, maxHops: 10, ttlS: 60 }, { seed: 1 });
    const { html, charts } = await renderRunReport([pass], { title: 'A <small> run' });
    expect(html).toContain('<title>A &#60;small&#62; run</title>');
    expect(html).toContain(`data-devices="${pass.mesh.n}"`);
    expect(html).toContain('Content-Security-Policy" content="default-src \'none\'');
    expect(html).not.toMatch(/\s(src|href)="(?!#|data:)/);
    expect(charts).toHaveLength(4);
    for (const c of charts) expect(html).toContain(`data-chart="${c.name}"`);
  });

  it('a sweep: the heatmaps and the replications a study needs', async () => {
    const records = await smallSweep();
    const { html } = await renderSweepReport(records, { notes: ['2 tasks missing'] });
    expect(html).toContain('data-chart="coverage-heatmap"');
    expect(html).toContain('2 tasks missing');
    expect(html).toMatch(/needs [\d,]+ replications per cell/);
    expect(html).not.toMatch(/\s(src|href)="(?!#|data:)/);
  });

  it('a sweep: replications needed for the Wilson interval the summaries print, a range without spread', async () => {
    // Cell 0 varies (coverage 0.9, 0.96, 0.84, 0.9 of 1,000 targets: sd² 0.0024, so each replication
    // counts for 0.09 / 0.0024 = 37.5 targets; n* = 3,460.3 and 13,832.2 as above give 92.3 → 93 and
    // 368.9 → 369 replications); every other cell reaches all its targets in every replication.
    const records = (await smallSweep()).map((r) => ({
      ...r,
      targets: 1000,
      coverage: r.cell === 0 ? [0.9, 0.96, 0.84, 0.9][r.replication]! : 1,
    }));
    const { html, charts } = await renderSweepReport(records);
    expect(html).toContain('needs 93 replications per cell (±0.5 point: 369)');
    expect(html).toContain('<td>1,000 (38)</td><td>93</td><td>369</td>');
    // Alike: 2 (every target a trial, 2,000 of them) to 189 / 381 (each replication one trial).
    expect(html).toContain('<td>2–189</td><td>2–381</td>');
    expect(html).toContain('5 cell(s) ended alike in every replication');
    expect(html).toContain('Student t');
    const s = summarise(records)[0]!;
    const rows = (charts.find((c) => c.name === 'ci-width')!.spec['layer'] as { data: { values: never[] } }[])[0]!.data
      .values as { cell: string; replications: number; half: number }[];
    const last = rows.filter((r) => r.replications === 4)[0]!;
    expect(last.half).toBeCloseTo((s.coverage.ci95![1] - s.coverage.ci95![0]) / 2, 12);
    expect(last.half).toBeCloseTo(0.048447, 6);
  });

  it('refuses what is not a run', async () => {
    await expect(renderRunReport([] as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(renderRunReport([{}] as never)).rejects.toMatchObject({ path: 'run[0]' });
  });
});

describe('charting and Parquet libraries load only when asked', () => {
  it('importing meshcast and running a scenario from the command line load none of them', () => {
    const root = join(import.meta.dirname, '..');
    const dir = mkdtempSync(join(tmpdir(), 'meshcast-lazy-'));
    // A resolve hook that notes every package a process asks for on standard error.
    writeFileSync(
      join(dir, 'hooks.mjs'),
      [
        'export async function resolve(specifier, context, next) {',
        '  if (!/^(\\.|node:|file:|\\/)/.test(specifier)) process.stderr.write(`resolved ${specifier}\\n`);',
        '  return next(specifier, context);',
        '}',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module';\n` +
        `register(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`,
    );
    const scenario = join(dir, 'scenario.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        network: { generator: 'line', options: { meters: 5 } },
        broadcast: { origins: ['C1'], packets: 4 },
      }),
    );
    const cli = join(root, 'dist', 'cli', 'main.js');
    const stderr = (args: string[]): string => {
      const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, ...args], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      return r.stderr;
    };
    const lazy = /resolved (vega|vega-lite|hyparquet-writer)\n/;
    const run = stderr([cli, 'run', scenario]);
    expect(run).toContain('resolved seedrandom'); // the hook sees package imports
    expect(run).not.toMatch(lazy);
    const library = stderr([
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(pathToFileURL(join(root, 'dist', 'index.js')).href)})`,
    ]);
    expect(library).toContain('resolved seedrandom');
    expect(library).not.toMatch(lazy);
    expect(stderr([cli, 'run', scenario, '--html', join(dir, 'r.html')])).toMatch(/resolved vega-lite\n/);
  });
});
