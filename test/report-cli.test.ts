import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../src/cli/main.js';
import { parseResults, type CampaignReport } from '../src/index.js';
import { parseCsv } from './csv.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(
    args,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'meshcast-report-cli-'));
const scenario = join(dir, 'small.json');
writeFileSync(
  scenario,
  JSON.stringify({
    name: 'small',
    seed: 4,
    network: {
      generator: 'utility',
      options: { collectors: 1, endpointsPerCollector: 150, seed: 4, cellSideM: 4000, pathLoss: { exponent: 3.6 } },
    },
    broadcast: { origins: 'all', packets: 12, spacingS: 70, maxHops: 8, ttlS: 60 },
    passes: 2,
  }),
);

describe('meshcast run: pictures and files', () => {
  it('writes the HTML report, chart files, every endpoint, the failed ones and the trace', async () => {
    const files = {
      html: join(dir, 'run.html'),
      svg: join(dir, 'charts'),
      endpoints: join(dir, 'endpoints.csv'),
      geo: join(dir, 'endpoints.geojson'),
      failed: join(dir, 'failed.csv'),
      trace: join(dir, 'trace.ndjson'),
    };
    const r = await run([
      'run',
      scenario,
      '--html',
      files.html,
      '--svg-dir',
      files.svg,
      '--endpoints',
      files.endpoints,
      '--failed',
      files.failed,
      '--trace',
      files.trace,
    ]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.out).toContain('Result:'); // the text report is still printed
    expect(readFileSync(files.html, 'utf8')).toContain('id="map-data"');
    expect(readdirSync(files.svg).sort()).toEqual(
      ['completion-cdf', 'coverage-by-layer', 'packets-sent', 'traffic'].flatMap((n) => [`${n}.svg`, `${n}.vl.json`]),
    );
    const endpoints = parseCsv(readFileSync(files.endpoints, 'utf8'));
    const devices = endpoints.length - 1;
    const failed = parseCsv(readFileSync(files.failed, 'utf8')).slice(1);
    const failing = endpoints.slice(1).filter((row) => ['incomplete', 'refused', 'unreachable'].includes(row[7]!));
    expect(failed.map((row) => row[0])).toEqual(failing.map((row) => row[0]));
    const trace = readFileSync(files.trace, 'utf8').trim().split('\n');
    expect(JSON.parse(trace[0]!)).toMatchObject({ group: 1, pass: 1, from: null, packet: 0, outcome: 'first' });
    expect(await run(['run', scenario, '--endpoints', files.geo])).toMatchObject({ code: EXIT.ok });
    const geo = JSON.parse(readFileSync(files.geo, 'utf8')) as { features: unknown[] };
    expect(geo.features).toHaveLength(devices);
  });

  it('refuses, before running, outputs it cannot or must not write', async () => {
    const bad: string[][] = [
      ['--endpoints', join(dir, 'endpoints.txt')], // neither .csv nor .geojson
      ['--html', scenario], // the scenario itself
      ['--html', join(dir, 'no', 'such', 'dir', 'r.html')],
      ['--html', join(dir, 'same.html'), '--failed', join(dir, 'same.html')],
      ['--html'],
    ];
    for (const extra of bad) {
      const r = await run(['run', scenario, ...extra]);
      expect(r.code, extra.join(' ')).toBe(EXIT.usage);
    }
    expect(existsSync(join(dir, 'same.html'))).toBe(false);
    const big = join(dir, 'big.json');
    writeFileSync(
      big,
      JSON.stringify({
        network: { generator: 'grid', options: { width: 50, height: 50 } },
        broadcast: { origins: ['C1'], packets: 2 },
      }),
    );
    const r = await run(['run', big, '--trace', join(dir, 'big.ndjson')]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain('at most 2,000');
    expect(existsSync(join(dir, 'big.ndjson'))).toBe(false);
  });
});

describe('meshcast run: the page and files of a head-end day', () => {
  const day = join(dir, 'headend.json');
  const source = JSON.parse(readFileSync(join(root, 'scenarios', 'headend-operator.json'), 'utf8')) as {
    $schema?: string;
    network: { options: Record<string, unknown> };
  };
  delete source.$schema;
  source.network.options['endpointsPerCollector'] = 200;
  writeFileSync(day, JSON.stringify(source));

  it('writes the page, its charts and every endpoint after the screens', async () => {
    const html = join(dir, 'day.html');
    const r = await run([
      'run',
      day,
      '--html',
      html,
      '--svg-dir',
      join(dir, 'day-charts'),
      '--endpoints',
      join(dir, 'day.csv'),
    ]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.out).toContain('Command History');
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<h2>Command History</h2>');
    expect(page).toContain('id="map-data"');
    expect(readdirSync(join(dir, 'day-charts'))).toContain('packets-sent.vl.json');
    expect(parseCsv(readFileSync(join(dir, 'day.csv'), 'utf8')).length).toBeGreaterThan(100);
  });

  it('refuses a trace, and outputs it must not write, before the day runs', async () => {
    expect((await run(['run', day, '--trace', join(dir, 'day.ndjson')])).code).toBe(EXIT.usage);
    expect((await run(['run', day, '--html', day])).code).toBe(EXIT.usage);
    expect((await run(['run', day, '--endpoints', join(dir, 'day.txt')])).code).toBe(EXIT.usage);
    expect(existsSync(join(dir, 'day.ndjson'))).toBe(false);
  });
});

describe('meshcast campaign: the page and charts of a campaign', () => {
  it('writes the page after the text report, and refuses a page over its own checkpoint', async () => {
    const file = join(dir, 'campaign.json');
    const source = JSON.parse(readFileSync(join(root, 'scenarios', 'campaign-single-headend.json'), 'utf8')) as {
      $schema?: string;
      network: { options: Record<string, unknown> };
    };
    delete source.$schema;
    source.network.options['endpointsPerCollector'] = 150;
    writeFileSync(file, JSON.stringify(source));
    const html = join(dir, 'campaign.html');
    const r = await run(['campaign', file, '--quiet', '--html', html, '--svg-dir', join(dir, 'campaign-charts')]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.out).toContain('Campaign,');
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('data-chart="campaign-timeline"');
    expect(page).toContain('<h2>Endpoints left, and why</h2>');
    expect(readdirSync(join(dir, 'campaign-charts')).sort()).toEqual([
      'campaign-passes.svg',
      'campaign-passes.vl.json',
      'campaign-timeline.svg',
      'campaign-timeline.vl.json',
    ]);
    const checkpoint = join(dir, 'checkpoint.json');
    expect((await run(['campaign', file, '--out', checkpoint, '--html', checkpoint])).code).toBe(EXIT.usage);
    expect(existsSync(checkpoint)).toBe(false);
  });

  it('on shared air with reads: read success pass by pass in the JSON, on the page and as a chart file', async () => {
    const file = join(dir, 'campaign-air.json');
    const source = JSON.parse(readFileSync(join(root, 'scenarios', 'campaign-single-headend.json'), 'utf8')) as {
      $schema?: string;
      network: { options: Record<string, unknown> };
      radio?: unknown;
      traffic?: unknown;
    };
    delete source.$schema;
    source.network.options['endpointsPerCollector'] = 60;
    source.radio = { contention: 'csma' };
    source.traffic = { reads: { intervalS: 900 } };
    writeFileSync(file, JSON.stringify(source));
    const html = join(dir, 'campaign-air.html');
    const charts = join(dir, 'campaign-air-charts');
    const r = await run(['campaign', file, '--quiet', '--json', '--html', html, '--svg-dir', charts]);
    expect(r.code, r.err).toBe(EXIT.ok);
    const data = JSON.parse(r.out) as CampaignReport;
    const samples = data.kpis!.samples;
    const passes = data.timeline.reduce((a, st) => a + st.broadcasts.reduce((b, x) => b + x.passes.length, 0), 0);
    expect(samples).toHaveLength(passes);
    expect(samples.reduce((a, k) => a + k.during.sent, 0)).toBe(data.kpis!.during.sent);
    expect(readFileSync(html, 'utf8')).toContain('data-chart="campaign-reads"');
    expect(readdirSync(charts)).toEqual(expect.arrayContaining(['campaign-reads.svg', 'campaign-reads.vl.json']));
    const spec = JSON.parse(readFileSync(join(charts, 'campaign-reads.vl.json'), 'utf8')) as {
      layer: { data: { values: unknown[] } }[];
    };
    // Every step's start and every pass's first packet marked.
    expect(spec.layer[0]!.data.values).toHaveLength(data.timeline.length);
    expect(spec.layer[1]!.data.values).toHaveLength(passes);
  });
});

describe('meshcast report: pictures and tidy records', () => {
  const results = join(dir, 'results.ndjson');

  it('writes the sweep report, its charts, and the records as CSV or Parquet', async () => {
    const sweep = await run([
      'sweep',
      scenario,
      '--hops',
      '4,8',
      '--ttl',
      '60,120',
      '--replications',
      '3',
      '--workers',
      '0',
      '--out',
      results,
    ]);
    expect(sweep.code, sweep.err).toBe(EXIT.ok);
    const { records } = parseResults(readFileSync(results, 'utf8'));
    const html = join(dir, 'sweep.html');
    const parquet = join(dir, 'records.parquet');
    const r = await run([
      'report',
      results,
      '--html',
      html,
      '--svg-dir',
      join(dir, 'sweep-charts'),
      '--records',
      'parquet',
      '--out-records',
      parquet,
    ]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(readFileSync(html, 'utf8')).toContain('data-chart="coverage-heatmap"');
    expect(readdirSync(join(dir, 'sweep-charts'))).toContain('coverage-heatmap.vl.json');
    const rows = (await parquetReadObjects({ file: readFileSync(parquet).buffer as ArrayBuffer })) as Record<
      string,
      unknown
    >[];
    expect(rows).toHaveLength(records.length);
    expect(rows.map((row) => `${String(row['cell'])}/${String(row['replication'])}`).sort()).toEqual(
      records.map((x) => `${x.cell}/${x.replication}`).sort(),
    );

    const csv = await run(['report', results, '--records', 'csv']);
    expect(csv.code).toBe(EXIT.ok);
    const table = parseCsv(csv.out);
    expect(table[0]!.slice(0, 5)).toEqual(['cell', 'replication', 'seed', 'maxHops', 'ttlS']);
    expect(table).toHaveLength(records.length + 1);
    const file = join(dir, 'records.csv');
    expect((await run(['report', results, '--records', 'csv', '--out-records', file])).code).toBe(EXIT.ok);
    expect(readFileSync(file, 'utf8')).toBe(csv.out);
  });

  it('refuses unclear record options', async () => {
    for (const extra of [
      ['--records', 'parquet'], // binary to standard output
      ['--records', 'xlsx'],
      ['--out-records', join(dir, 'x.csv')], // no format
      ['--records', 'csv', '--json'],
      ['--html', results], // the input itself
    ]) {
      expect((await run(['report', results, ...extra])).code, extra.join(' ')).toBe(EXIT.usage);
    }
    expect((await run(['validate', scenario, '--html', join(dir, 'v.html')])).code).toBe(EXIT.usage);
  });
});

describe("the output options in each command's help", () => {
  it('run, report and campaign list the files they can write; the other commands refuse them', async () => {
    const flags = {
      run: ['--html FILE', '--svg-dir DIR', '--endpoints FILE', '--failed FILE', '--trace FILE'],
      report: ['--html FILE', '--svg-dir DIR', '--records csv|parquet', '--out-records FILE'],
      campaign: ['--html FILE', '--svg-dir DIR'],
    };
    for (const [command, expected] of Object.entries(flags)) {
      const help = await run([command, '--help']);
      expect(help.code).toBe(EXIT.ok);
      for (const flag of expected) expect(help.out, `${command} ${flag}`).toContain(flag);
    }
    for (const command of ['sweep', 'plan']) {
      expect((await run([command, scenario, '--html', join(dir, 'x.html')])).code, command).toBe(EXIT.usage);
    }
    const trace = await run(['campaign', scenario, '--trace', join(dir, 't.ndjson')]);
    expect(trace.code).toBe(EXIT.usage);
    expect(trace.err).toContain('--trace');
  });
});
