/**
 * Golden outputs: every bundled scenario's report and seeded results, a reduced sweep of each
 * scenario that has one, runs of the library over every option family, and the command line's
 * printed tables — byte for byte. A change of structure must leave all of them identical; a
 * change of model regenerates them on purpose (`UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts`)
 * and says so in CHANGELOG.md.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { formatHeadendDay, headendDayReport } from '../src/report/headend.js';
import {
  formatCampaign,
  generators,
  loadScenario,
  runBroadcast,
  runBroadcasts,
  runHeadendScenario,
  campaignReport,
  formatCampaignResult,
  formatUpgradePlan,
  planCampaignScenario,
  runCampaignScenario,
  runScenario,
  sweep,
  type BroadcastResult,
  type BroadcastSpec,
  type RunOptions,
  type Scenario,
} from '../src/index.js';

const FILE = join(import.meta.dirname, 'golden', 'outputs.json');
const update = process.env['UPDATE_GOLDEN'] === '1';
const stored: Record<string, unknown> = existsSync(FILE)
  ? (JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, unknown>)
  : {};
const fresh: Record<string, unknown> = {};

afterAll(() => {
  if (update) writeFileSync(FILE, `${JSON.stringify({ ...stored, ...fresh }, null, 1)}\n`);
});

/** Compares a value with its stored golden copy (or records it with UPDATE_GOLDEN=1). */
function golden(name: string, value: unknown): void {
  const plain = JSON.parse(JSON.stringify(value)) as unknown;
  fresh[name] = plain;
  if (update) return;
  expect(stored, `no golden output "${name}": run with UPDATE_GOLDEN=1`).toHaveProperty([name]);
  expect(plain, name).toEqual(stored[name]);
}

/** Every device's end state (tank, times, version) hashed: one string per pass. */
function fingerprint(result: BroadcastResult): string {
  const hash = createHash('sha256');
  for (let v = 0; v < result.mesh.n; v++) hash.update(JSON.stringify(result.endpoint(result.mesh.id(v))));
  hash.update(JSON.stringify(Array.from(result.completionTimesS())));
  return hash.digest('hex');
}

function passOutcome(result: BroadcastResult): unknown {
  return { summary: result.summary(), fingerprint: fingerprint(result) };
}

const scenarioDir = join(import.meta.dirname, '..', 'scenarios');
const scenarioFiles = readdirSync(scenarioDir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const readScenario = (f: string): Scenario => JSON.parse(readFileSync(join(scenarioDir, f), 'utf8')) as Scenario;

describe('golden outputs', () => {
  it.each(scenarioFiles.filter((f) => readScenario(f).campaign !== undefined))(
    'bundled campaign scenario %s: the plan, the campaign and its timeline',
    (f) => {
      const loaded = loadScenario(readScenario(f), (p) => readFileSync(join(scenarioDir, p), 'utf8'));
      const name = loaded.scenario.name ?? f;
      const planned = planCampaignScenario(loaded);
      const run = runCampaignScenario(loaded);
      golden(`scenario/${f}`, {
        plan: formatUpgradePlan(planned.plan, planned.problems, name),
        report: formatCampaignResult(run.result, name),
        data: campaignReport(run, run.result, name),
      });
    },
  );

  it.each(scenarioFiles.filter((f) => readScenario(f).headend !== undefined && readScenario(f).campaign === undefined))(
    'bundled head-end scenario %s: the screens and their data',
    (f) => {
      const loaded = loadScenario(readScenario(f), (p) => readFileSync(join(scenarioDir, p), 'utf8'));
      const name = loaded.scenario.name ?? f;
      const day = runHeadendScenario(loaded);
      golden(`scenario/${f}`, { report: formatHeadendDay(day, name), data: headendDayReport(day, name) });
    },
  );

  it.each(scenarioFiles.filter((f) => readScenario(f).headend === undefined))(
    'bundled scenario %s: report and every pass',
    (f) => {
      const loaded = loadScenario(readScenario(f), (p) => readFileSync(join(scenarioDir, p), 'utf8'));
      const result = runScenario(loaded);
      golden(`scenario/${f}`, {
        report: formatCampaign(result.passes, loaded.scenario.name ?? f),
        passes: result.passes.map(passOutcome),
        concurrent: result.concurrent.map(passOutcome),
      });
    },
  );

  it.each(scenarioFiles.filter((f) => readScenario(f).sweep !== undefined))(
    'bundled scenario %s: a reduced sweep',
    async (f) => {
      const scenario = readScenario(f);
      const grid = Object.fromEntries(Object.entries(scenario.sweep?.grid ?? {}).map(([k, v]) => [k, v.slice(0, 2)]));
      const outcome = await sweep(scenario, grid, { replications: 2, workers: 0, baseDir: scenarioDir });
      golden(`sweep/${f}`, { sweepId: outcome.sweepId, records: outcome.records, summaries: outcome.summaries });
    },
  );

  const line = generators.line({ meters: 30, success: 0.8 });
  const grid = generators.grid({ width: 40, success: 0.9 });
  const geometric = generators.randomGeometric({ meters: 800, collectors: 2, seed: 4 });
  const utility = generators.utility({ collectors: 2, endpointsPerCollector: 600, seed: 3 });
  const cases: [string, () => BroadcastResult[]][] = [
    ['line, defaults', () => [runBroadcast(line, { origins: ['C1'], packets: 20 }, { seed: 1 })]],
    [
      'line, research limits, constant delay, two passes',
      () => {
        const spec: BroadcastSpec = {
          origins: ['C1'],
          packets: 9,
          maxHops: 25,
          ttlS: 30,
          spacingS: 0,
          limits: 'research',
        };
        const options: RunOptions = { seed: 'x', radio: { delay: { kind: 'constant', valueS: 1 } } };
        const first = runBroadcast(line, spec, options);
        return [first, runBroadcast(line, spec, { ...options, previous: first })];
      },
    ],
    ...(['ladder', 'calendar', 'radix', 'heap', 'fastpriorityqueue'] as const).map(
      (queue): [string, () => BroadcastResult[]] => [
        `grid, exponential delay, queue ${queue}`,
        () => [
          runBroadcast(
            grid,
            { origins: ['C1'], packets: 12, maxHops: 40, ttlS: 120 },
            { seed: 7, queue, radio: { delay: { kind: 'exponential', meanS: 2 } } },
          ),
        ],
      ],
    ),
    [
      'grid, lognormal delay with airtime, replication 3',
      () => [
        runBroadcast(
          grid,
          { origins: ['C1'], packets: 10, maxHops: 30, ttlS: 90 },
          {
            seed: 2,
            replication: 3,
            radio: {
              delay: { kind: 'lognormal', meanS: 2, cv: 0.7 },
              airtime: { frameBytes: 160, bitRateBps: 38_400 },
            },
          },
        ),
      ],
    ],
    [
      'random geometric, gamma delay, two origins per origin',
      () => [
        runBroadcast(
          geometric,
          { origins: ['C1', 'C2'], packets: 16, maxHops: 12, ttlS: 60, duplicates: 'per-origin' },
          { seed: 5, radio: { delay: { kind: 'gamma', shape: 3, meanS: 2 } } },
        ),
      ],
    ],
    [
      'utility, gas and water targets, slices, hand-off options, scheduled activation',
      () => {
        const spec: BroadcastSpec = {
          origins: ['C1', 'C2'],
          packets: 30,
          maxSegments: 12,
          maxHops: 10,
          ttlS: 60,
          limits: 'research',
          targets: {
            kinds: ['meter', 'gasModule', 'waterModule'],
            models: ['focus-ax-integrated', 'gas-module', 'water-module'],
          },
          activation: { atS: 5000 },
          version: '5.30',
        };
        const options: RunOptions = { seed: 9, handoff: { wakeIntervalS: 600, attemptSuccess: 0.8, maxAttempts: 3 } };
        const first = runBroadcast(utility, spec, options);
        const second = runBroadcast(utility, { ...spec, firstSegment: 12 }, { ...options, previous: first });
        return [first, second, runBroadcast(utility, { ...spec, firstSegment: 24 }, { ...options, previous: second })];
      },
    ],
    [
      'utility, contention with channels, reads, register reads, commands and reports',
      () => [
        runBroadcast(
          utility,
          { origins: ['C1', 'C2'], packets: 8, spacingS: 20, maxHops: 12, ttlS: 60, duplicates: 'per-origin' },
          {
            seed: 3,
            radio: { contention: { channels: 2, deferMaxS: 0.5 } },
            traffic: {
              reads: {
                intervalS: 600,
                registerReadIntervalS: 1800,
                commandIntervalS: 3600,
                beforeS: 600,
                afterS: 600,
              },
              reports: { spreadS: 120, retries: 2 },
            },
          },
        ),
      ],
    ],
    [
      'utility, two broadcasts sharing the air, and without contention',
      () => [
        ...runBroadcasts(
          utility,
          [
            { origins: ['C1'], packets: 6, spacingS: 15, maxHops: 12, ttlS: 60 },
            {
              origins: ['C2'],
              packets: 6,
              spacingS: 15,
              startS: 5,
              maxHops: 12,
              ttlS: 60,
              targets: { kinds: ['gasModule'] },
            },
          ],
          { seed: 4, radio: { contention: 'csma' } },
        ),
        ...runBroadcasts(
          utility,
          [
            { origins: ['C1'], packets: 6, spacingS: 15, maxHops: 12, ttlS: 60 },
            { origins: ['C2'], packets: 6, spacingS: 15, startS: 5, maxHops: 12, ttlS: 60 },
          ],
          { seed: 4 },
        ),
      ],
    ],
  ];
  it.each(cases)('library: %s', (name, make) => {
    golden(`library/${name}`, make().map(passOutcome));
  });

  it('command line: run, validate, sweep and report print the same', async () => {
    const exec = async (args: string[]): Promise<{ code: number; out: string }> => {
      let out = '';
      const code = await main(
        args,
        (s) => (out += s),
        () => undefined,
      );
      return { code, out };
    };
    const dir = mkdtempSync(join(tmpdir(), 'meshcast-golden-'));
    const results = join(dir, 'r.ndjson');
    const outputs = [
      await exec(['run', join(scenarioDir, 'default.json'), '--passes', '2']),
      await exec(['run', join(scenarioDir, 'reads-during-broadcast.json'), '--json']),
      await exec(['validate', join(scenarioDir, 'default.json')]),
      await exec([
        'sweep',
        join(scenarioDir, 'hop-ttl-sweep.json'),
        '--hops',
        '6,10',
        '--ttl',
        '60',
        '--replications',
        '2',
        '--workers',
        '0',
        '--out',
        results,
      ]),
      await exec(['report', results]),
      await exec(['report', results, '--csv']),
    ];
    // File paths differ between machines: keep only what follows them.
    golden(
      'cli',
      outputs.map(({ code, out }) => ({ code, out: out.split(scenarioDir).join('<scenarios>') })),
    );
  });
});
