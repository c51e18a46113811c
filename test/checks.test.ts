/**
 * Every value is checked in exactly one place: a bad value of each public field, given through
 * every entry point that takes it, is refused with one message (the same value and the same
 * "allowed"), thrown on behalf of one function — the first function on the error's stack
 * outside the checking kit — whichever way it came in.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import {
  generators,
  loadScenario,
  runBroadcast,
  runBroadcastParallel,
  runBroadcasts,
  runScenario,
  sweep,
  ValidationError,
  type Scenario,
} from '../src/index.js';

const mesh = generators.gridMesh({ width: 6, success: 0.9 });
const spec = { origins: ['C1'], packets: 4, maxHops: 12, ttlS: 60 };
const scenario: Scenario = {
  seed: 1,
  network: { generator: 'grid', options: { width: 6, success: 0.9 } },
  broadcast: spec,
};

/**
 * The checking kit's field-kind checks: they know kinds of value, not the rule of any field (its
 * CheckContext only routes errors).
 */
const GENERIC = new RegExp(
  '^(checkObject|checkInteger|checkFinite|checkPositive|checkProbability|checkOneOf|checkString|checkBoolean|' +
    'checkFunction|new ValidationError|ValidationError)$',
);

/**
 * The function that owns a check: the first function on the stack of the innermost error (an
 * error re-rooted under a caller's path keeps the original as its cause) that is not a generic
 * field-kind check of the kit.
 */
function owner(e: ValidationError): string {
  let inner: unknown = e;
  while (inner instanceof ValidationError && inner.cause instanceof ValidationError) inner = inner.cause;
  const frames = ((inner as Error).stack ?? '').split('\n').filter((l) => l.trim().startsWith('at '));
  for (const frame of frames) {
    // A frame with no function name (`at file:line:col`) is a field's check passed to the kit's
    // CheckContext.field, as are the context's own frames: the owner is the function around them.
    const name = /^\s*at (?:async )?(new \w+|[\w.$<>]+) \(/.exec(frame)?.[1];
    if (name === undefined || name.startsWith('CheckContext.') || name === 'field') continue;
    if (!GENERIC.test(name)) return name;
  }
  return '?';
}

/** The ValidationError a call throws (or its promise rejects with). */
async function refusal(call: () => unknown): Promise<ValidationError> {
  try {
    await call();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('the call took the bad value');
}

/** What the command line says of a scenario file holding the bad value. */
async function cli(data: unknown, extra: string[] = []): Promise<{ code: number; err: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'meshcast-checks-')), 's.json');
  writeFileSync(file, JSON.stringify(data));
  let err = '';
  const code = await main(
    ['validate', file, ...extra],
    () => undefined,
    (s) => (err += s),
  );
  return { code, err };
}

type Entry = readonly [entry: string, call: () => unknown, path: string];

/** Every way a broadcast spec field reaches meshcast. */
function specEntries(field: string, value: unknown): Entry[] {
  const bad = { ...spec, [field]: value };
  return [
    ['runBroadcast', () => runBroadcast(mesh, bad), `spec.${field}`],
    ['runBroadcasts', () => runBroadcasts(mesh, [spec, bad]), `specs[1].${field}`],
    ['runBroadcastParallel', () => runBroadcastParallel(mesh, bad, { workers: 1 }), `spec.${field}`],
    ['loadScenario', () => loadScenario({ ...scenario, broadcast: bad }), `broadcast.${field}`],
    [
      'sweep',
      () => sweep(scenario, { [`broadcast.${field}`]: [value] }, { workers: 0 }),
      `cell ${JSON.stringify({ [`broadcast.${field}`]: value })}: broadcast.${field}`,
    ],
  ];
}

/** Every way a run option reaches meshcast (`section` is its scenario section, if it has one). */
function optionEntries(field: string, value: unknown, section: string | null): Entry[] {
  const options = { [field]: value };
  const entries: Entry[] = [
    ['runBroadcast', () => runBroadcast(mesh, spec, options), `options.${field}`],
    ['runBroadcasts', () => runBroadcasts(mesh, [spec], options), `options.${field}`],
    ['runBroadcastParallel', () => runBroadcastParallel(mesh, spec, { ...options, workers: 1 }), `options.${field}`],
  ];
  if (section !== null) {
    entries.push(['loadScenario', () => loadScenario({ ...scenario, [section]: value }), section]);
  }
  return entries;
}

const cases: [field: string, value: unknown, entries: Entry[]][] = [
  ['maxHops', 41, specEntries('maxHops', 41)],
  ['ttlS', 30, specEntries('ttlS', 30)],
  ['packets', 0, specEntries('packets', 0)],
  ['spacingS', -1, specEntries('spacingS', -1)],
  ['startS', 'noon', specEntries('startS', 'noon')],
  ['maxSegments', 1.5, specEntries('maxSegments', 1.5)],
  ['firstSegment', 4, specEntries('firstSegment', 4)],
  ['origins', ['C1', 'C1'], specEntries('origins', ['C1', 'C1'])],
  ['duplicates', 'per-node', specEntries('duplicates', 'per-node')],
  ['limits', 'lab', specEntries('limits', 'lab')],
  ['rebootS', -5, specEntries('rebootS', -5)],
  ['version', '', specEntries('version', '')],
  ['activation', 'tomorrow', specEntries('activation', 'tomorrow')],
  ['targets', { kinds: ['toaster'] }, specEntries('targets', { kinds: ['toaster'] })],
  [
    'seed',
    1.5,
    [
      ...optionEntries('seed', 1.5, 'seed'),
      ['runScenario', () => runScenario(loadScenario(scenario), 1.5), 'seed'],
      ['sweep', () => sweep(scenario, {}, { seed: 1.5, workers: 0 }), 'seed'],
    ],
  ],
  ['replication', -1, optionEntries('replication', -1, null)],
  ['queue', 'stack', optionEntries('queue', 'stack', null)],
  ['radio.delay', { kind: 'pareto' }, optionEntries('radio', { delay: { kind: 'pareto' } }, 'radio')],
  ['handoff.maxAttempts', 0, optionEntries('handoff', { maxAttempts: 0 }, 'handoff')],
  ['traffic.reads.intervalS', 0, optionEntries('traffic', { reads: { intervalS: 0 } }, 'traffic')],
  ['traffic.reports.retries', -1, optionEntries('traffic', { reports: { retries: -1 } }, 'traffic')],
  ['traffic without contention', { reads: {} }, optionEntries('traffic', { reads: {} }, 'traffic')],
];

describe('every value is checked in one place', () => {
  it.each(cases)('%s: one message from one function, whichever way it comes in', async (_, _value, entries) => {
    const seen = new Set<string>();
    for (const [entry, call, path] of entries) {
      const e = await refusal(call);
      const deeper = (p: string): boolean => e.path === p || e.path.startsWith(`${p}.`) || e.path.startsWith(`${p}[`);
      expect(deeper(path), `${entry}: ${e.path}`).toBe(true);
      seen.add(JSON.stringify({ value: e.value, allowed: e.allowed, owner: owner(e) }));
    }
    expect([...seen], 'distinct (value, allowed, owner) over the entry points').toEqual([[...seen][0]]);
  });

  it('the command line says the same, exit 3, for a bad field of a scenario', async () => {
    for (const [field, value] of [
      ['maxHops', 41],
      ['ttlS', 30],
      ['duplicates', 'per-node'],
    ] as const) {
      const library = await refusal(() => loadScenario({ ...scenario, broadcast: { ...spec, [field]: value } }));
      const { code, err } = await cli({ ...scenario, broadcast: { ...spec, [field]: value } });
      expect(code).toBe(3);
      expect(err).toContain(library.message);
    }
  });
});
