/**
 * Nothing destroyed, leaked or unbounded: what a scenario may read, what errors may show, and
 * inputs that once crashed or hung meshcast. Hangs and crashes are caught in child processes
 * with time limits that only a hang reaches.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import {
  generators,
  loadScenario,
  MeshcastError,
  runBroadcast,
  runBroadcastParallel,
  sweep,
  toJSON,
  ValidationError,
} from '../src/index.js';
import { parseJsonText } from '../src/json-text.js';
import { fileReader } from '../src/scenario/files.js';

const cliPath = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

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

/** A directory holding the given files. */
function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'meshcast-safety-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

const network = JSON.stringify(toJSON(generators.line({ meters: 3 })));
const scenarioWith = (net: unknown): string =>
  JSON.stringify({ network: net, broadcast: { origins: 'all', packets: 2, maxHops: 5, ttlS: 60 } });

describe('what a scenario may read', () => {
  it('reads network files in its own directory', async () => {
    const d = dir({ 's.json': scenarioWith({ file: 'nets/net.json' }), 'nets/net.json': network });
    const { code, out } = await cli(['validate', join(d, 's.json')]);
    expect(code).toBe(0);
    expect(out).toContain('valid (4 devices');
  });

  it('refuses files outside its directory unless the caller opts in', () => {
    const outside = dir({ 'net.json': network });
    const d = dir({ 's.json': scenarioWith({ file: join(outside, 'net.json') }) });
    const data = JSON.parse(scenarioWith({ file: join(outside, 'net.json') })) as unknown;
    expect(() => loadScenario(data, fileReader(d))).toThrow(expect.objectContaining({ path: 'network.file' }));
    expect(loadScenario(data, fileReader(d, { outside: true })).mesh.n).toBe(4);
    for (const p of ['../../../../../../etc/hostname', '/etc/passwd']) {
      const e = (() => {
        try {
          loadScenario(JSON.parse(scenarioWith({ file: p })), fileReader(d));
        } catch (err) {
          return err as ValidationError;
        }
        throw new Error('read a file outside');
      })();
      expect(e).toBeInstanceOf(ValidationError);
      expect(e.message).toMatch(/outside the scenario's directory/);
    }
  });

  it('never shows what a named file holds', async () => {
    const secret = 'MESHCAST_TEST_SECRET_7f3a9';
    const d = dir({
      'env.json': `{"a": 1,\n "token": ${secret} }`,
      'data.json': JSON.stringify({ format: secret }),
      'devices.csv': `${secret},kind\n`,
      'links.csv': 'from,to,success\n',
      's1.json': scenarioWith({ file: 'env.json' }),
      's2.json': scenarioWith({ file: 'data.json' }),
      's3.json': scenarioWith({ csv: { devices: 'devices.csv', links: 'links.csv' } }),
    });
    for (const s of ['s1.json', 's2.json', 's3.json']) {
      const { code, err } = await cli(['validate', join(d, s)]);
      expect(code, s).toBe(3);
      expect(err, s).not.toContain(secret);
    }
    const { err } = await cli(['validate', join(d, 's1.json')]);
    expect(err).toMatch(/line 2, column 11/);
  });

  it('refuses devices, FIFOs and directories without reading them (a FIFO would block, /dev/zero never end)', () => {
    const d = dir({ 's.json': scenarioWith({ file: '/dev/zero' }) });
    execFileSync('mkfifo', [join(d, 'fifo.json')]);
    writeFileSync(join(d, 't.json'), scenarioWith({ file: 'fifo.json' }));
    for (const [args, what] of [
      [['validate', join(d, 's.json'), '--allow-outside-files'], /not a regular file \(a device\)/],
      [['validate', join(d, 't.json')], /not a regular file \(a FIFO\)/],
      [['validate', '/dev/zero'], /not a regular file/],
      [['validate', join(d, 'fifo.json')], /not a regular file \(a FIFO\)/],
      [['validate', d], /not a regular file \(a directory\)/],
    ] as const) {
      const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: 120_000 });
      expect(r.signal, args.join(' ')).toBeNull();
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(what);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});

describe('JSON text', () => {
  it('names the line and column of a syntax error, and never quotes the text', () => {
    const cases: [string, number, number][] = [
      ['{"a": x}', 1, 7],
      ['{"a": 1,\n "b": }', 2, 7],
      ['[1, 2', 1, 6],
      ['{"a" 1}', 1, 6],
      ['', 1, 1],
      ['{"a": 1} 2', 1, 10],
      ['{"a": "tab\there"}', 1, 11],
    ];
    for (const [text, line, column] of cases) {
      const e = (() => {
        try {
          parseJsonText(text, 'f.json');
        } catch (err) {
          return err as ValidationError;
        }
        throw new Error(`parsed ${text}`);
      })();
      expect(e.path).toBe('f.json');
      expect(e.value, text).toBe(`not JSON at line ${line}, column ${column}`);
    }
  });

  it('skips a byte-order mark and refuses nesting deeper than a scenario needs, without a stack overflow', () => {
    expect(parseJsonText('\uFEFF{"a": [1]}', 'f')).toEqual({ a: [1] });
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(() => parseJsonText(deep, 'f')).toThrow(
      expect.objectContaining({ path: 'f', allowed: expect.stringMatching(/at most 64 deep/) }),
    );
  });

  it('a scenario file with a byte-order mark loads', async () => {
    const d = dir({ 's.json': `\uFEFF${scenarioWith({ generator: 'line', options: { meters: 3 } })}` });
    expect((await cli(['validate', join(d, 's.json')])).code).toBe(0);
  });
});

describe('deeply nested values', () => {
  it('give a named error, not a stack overflow, wherever they enter', () => {
    let deep: unknown = 'C1';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const net = generators.line({ meters: 2 });
    expect(() => runBroadcast(net, { origins: deep as never, packets: 2 })).toThrow(ValidationError);
    expect(() =>
      loadScenario({ network: { generator: 'line', options: { meters: 2 } }, broadcast: { origins: deep } }),
    ).toThrow(ValidationError);
    expect(() => loadScenario(deep)).toThrow(ValidationError);
    expect(new ValidationError('x', deep, 'y').message).toMatch(/^x: got an array of 1; allowed: y$/);
  });
});

describe('errors are MeshcastErrors', () => {
  it('readRegularFile names the file and the reason', () => {
    expect(() => fileReader('/nonexistent-dir')('x.json')).toThrow(MeshcastError);
  });
});

describe('values that once passed the checks and failed later, or silently', () => {
  const net = generators.line({ meters: 4 });
  const spec = { origins: ['C1'], packets: 3, maxHops: 10, ttlS: 60 };

  it('pacing and start times that would leave the clock are refused when checked', () => {
    expect(() => runBroadcast(net, { ...spec, spacingS: 1e308 })).toThrow(
      expect.objectContaining({ path: 'spec.spacingS' }),
    );
    expect(() => runBroadcast(net, { ...spec, startS: 1e20 })).toThrow(
      expect.objectContaining({ path: 'spec.startS' }),
    );
    // Each value within range, the pass not: its last packet would be sent past the clock's range.
    expect(() => runBroadcast(net, { ...spec, packets: 5, spacingS: 4e11 })).toThrow(
      expect.objectContaining({ path: 'spec.spacingS' }),
    );
    expect(runBroadcast(net, { ...spec, startS: 1e9 }).coverage).toBe(1);
  });

  it('a filter that matches nothing is reported as no targets, not as 100 %', async () => {
    const d = dir({
      's.json': JSON.stringify({
        network: { generator: 'line', options: { meters: 3 } },
        broadcast: { origins: 'all', packets: 2, targets: { models: ['none-such'] } },
      }),
    });
    const { code, out } = await cli(['run', join(d, 's.json')]);
    expect(code).toBe(0);
    expect(out).toMatch(/Result: no targets/);
    expect(out).not.toMatch(/100\.0%\)/);
  });

  it('a damaged compiled mesh is refused, naming the column', () => {
    const mesh = generators.gridMesh({ width: 4 });
    const broken = { ...mesh, derived: new Map(), neighbours: mesh.neighbours.map((u) => u + 100) };
    expect(() => runBroadcast(broken, spec)).toThrow(expect.objectContaining({ path: 'network.neighbours[0]' }));
    const short = { ...mesh, derived: new Map(), kind: mesh.kind.subarray(1) };
    expect(() => runBroadcast(short, spec)).toThrow(expect.objectContaining({ path: 'network.kind' }));
  });

  it('many workers on one signal raise no listener warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const mesh = generators.gridMesh({ width: 20 });
      await runBroadcastParallel(
        mesh,
        { origins: ['C1'], packets: 24 },
        { workers: 12, signal: new AbortController().signal },
      );
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});

describe('sweep parameters', () => {
  const scenario = {
    network: { generator: 'line', options: { meters: 3 } },
    broadcast: { origins: 'all', packets: 2, maxHops: 5, ttlS: 60 },
  } as const;

  it('prototype names are refused, in a grid and on the command line, never crash or vanish', async () => {
    for (const name of ['constructor', 'toString', 'valueOf', '__proto__', 'broadcast.__proto__']) {
      const grid = JSON.parse(`{${JSON.stringify(name)}: [1]}`) as Record<string, unknown[]>;
      await expect(sweep(scenario, grid, { workers: 0 }), name).rejects.toBeInstanceOf(ValidationError);
      const d = dir({ 's.json': JSON.stringify({ ...scenario, sweep: { grid } }) });
      expect((await cli(['validate', join(d, 's.json')])).code, name).toBe(3);
      const plain = dir({ 's.json': JSON.stringify(scenario) });
      expect((await cli(['sweep', join(plain, 's.json'), '--param', `${name}=1`, '--workers', '0'])).code, name).toBe(
        2,
      );
    }
  });

  it('an alias and its path, or a path inside another, cannot both be set', async () => {
    await expect(sweep(scenario, { maxHops: [4], 'broadcast.maxHops': [8] }, { workers: 0 })).rejects.toMatchObject({
      path: 'grid.broadcast.maxHops',
    });
    await expect(sweep(scenario, { broadcast: [{}], 'broadcast.ttlS': [60] }, { workers: 0 })).rejects.toMatchObject({
      path: 'grid.broadcast.ttlS',
    });
    const d = dir({ 's.json': JSON.stringify(scenario) });
    const r = await cli([
      'sweep',
      join(d, 's.json'),
      '--hops',
      '4,12',
      '--param',
      'broadcast.maxHops=8',
      '--workers',
      '0',
    ]);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/maxHops/);
  });

  it('command-line counts out of range are command-line errors (exit 2); more workers than cores are capped, with a note', async () => {
    const d = dir({ 's.json': JSON.stringify(scenario) });
    const file = join(d, 's.json');
    expect((await cli(['sweep', file, '--workers', '2000'])).code).toBe(2);
    expect((await cli(['sweep', file, '--replications', '2000000'])).code).toBe(2);
    expect((await cli(['run', file, '--passes', '0'])).code).toBe(2);
    expect((await cli(['run', file, '--seed', '1.5'])).code).toBe(0); // a string seed
    const many = await cli(['run', file, '--workers', '64']);
    expect(many.code).toBe(0);
    expect(many.err).toMatch(/--workers 64: this machine has \d+ cores; using \d+/);
  });
});

describe('resources estimated and refused before they are spent', () => {
  const scenario = (network: unknown, packets = 20): string =>
    JSON.stringify({ network, broadcast: { origins: 'all', packets, maxHops: 10, ttlS: 60 } });

  it.each([
    ['a 10,000 × 10,000 grid', { generator: 'grid', options: { width: 10_000 } }, 20, 'network.options.width'],
    [
      'a utility of 100,000 collectors of 10,000,000 meters',
      { generator: 'utility', options: { collectors: 100_000, endpointsPerCollector: 10_000_000 } },
      20,
      'network.options.endpointsPerCollector',
    ],
    [
      '10,000,000 packets on the default utility',
      { generator: 'utility', options: { seed: 1 } },
      10_000_000,
      'broadcast.packets',
    ],
    [
      'a dense random geometric network of a million meters',
      { generator: 'randomGeometric', options: { meters: 1_000_000 } },
      20,
      'network.options.meters',
    ],
  ])('%s: validate and run refuse it at once, naming the field and the estimate', (_, network, packets, path) => {
    const d = dir({ 's.json': scenario(network, packets) });
    for (const command of ['validate', 'run']) {
      // A small heap: had the work begun, it would have run out of memory, not refused.
      const r = spawnSync(process.execPath, ['--max-old-space-size=256', cliPath, command, join(d, 's.json')], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(r.status, `${command}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toContain(path);
      expect(r.stderr).toMatch(/takes about [\d.,]+ [TGMk]B, more than the [\d.]+ [GMk]B a run may take here/);
    }
  });

  it('the library refuses the same before building or running anything', () => {
    expect(() => generators.gridMesh({ width: 10_000 })).toThrow(expect.objectContaining({ path: 'width' }));
    expect(() => generators.grid({ width: 5_000 })).toThrow(expect.objectContaining({ path: 'width' }));
    expect(() => generators.utility({ collectors: 1000, endpointsPerCollector: 100_000 })).toThrow(
      expect.objectContaining({ path: 'endpointsPerCollector' }),
    );
    const mesh = generators.gridMesh({ width: 100 });
    expect(() => runBroadcast(mesh, { origins: ['C1'], packets: 10_000_000 })).toThrow(
      expect.objectContaining({ path: 'spec.packets' }),
    );
  });

  it('a sweep of a million replications starts at once in a small heap: tasks are made as they are run', async () => {
    const d = dir({ 's.json': scenario({ generator: 'line', options: { meters: 3 } }, 2) });
    const out = join(d, 'r.ndjson');
    const child = spawn(
      process.execPath,
      [
        '--max-old-space-size=96',
        cliPath,
        'sweep',
        join(d, 's.json'),
        '--replications',
        '1000000',
        '--workers',
        '0',
        '--out',
        out,
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let lines = 0;
    let code: number | null | undefined;
    void exited.then((c) => (code = c));
    for (let waited = 0; lines < 20 && code === undefined && waited < 240_000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
      lines = existsSync(out) ? readFileSync(out, 'utf8').split('\n').length - 1 : 0;
    }
    const endedOnItsOwn = code !== undefined;
    child.kill('SIGKILL');
    await exited;
    expect(endedOnItsOwn, 'the sweep ended on its own (out of memory?)').toBe(false);
    expect(lines).toBeGreaterThanOrEqual(20);
  });
});

describe('what a sweep may write', () => {
  const scenario = JSON.stringify({
    name: 'tiny',
    network: { generator: 'line', options: { meters: 3 } },
    broadcast: { origins: 'all', packets: 2, maxHops: 5, ttlS: 60 },
  });
  const sweepArgs = (d: string, out: string, more: string[] = []): string[] => [
    'sweep',
    join(d, 's.json'),
    '--hops',
    '3,5',
    '--replications',
    '2',
    '--workers',
    '0',
    '--out',
    out,
    ...more,
  ];

  it('a file that holds no result of this sweep is refused and left untouched', async () => {
    const oneLine = JSON.stringify(toJSON(generators.line({ meters: 2 })));
    const d = dir({ 's.json': scenario, 'net.json': oneLine, '.env': 'TOKEN=abc', 'notes.txt': 'a\nb\n' });
    for (const name of ['net.json', '.env', 'notes.txt']) {
      const before = readFileSync(join(d, name), 'utf8');
      const r = await cli(sweepArgs(d, join(d, name)));
      expect(r.code, name).toBe(3);
      expect(readFileSync(join(d, name), 'utf8'), name).toBe(before);
    }
    // The scenario itself, as --out or --csv.
    const r = await cli(sweepArgs(d, join(d, 's.json')));
    expect(r.code).toBe(2);
    expect(readFileSync(join(d, 's.json'), 'utf8')).toBe(scenario);
  });

  it('--csv naming the --out file is refused', async () => {
    const d = dir({ 's.json': scenario });
    const r = await cli(sweepArgs(d, join(d, 'r.ndjson'), ['--csv', join(d, 'r.ndjson')]));
    expect(r.code).toBe(2);
    expect(existsSync(join(d, 'r.ndjson'))).toBe(false);
  });

  it('a last line is cut only when it is a torn result of this sweep', async () => {
    const d = dir({ 's.json': scenario });
    const out = join(d, 'r.ndjson');
    expect((await cli(sweepArgs(d, out))).code).toBe(0);
    const done = readFileSync(out, 'utf8');
    // A line of something else after the results: refused, untouched.
    writeFileSync(out, `${done}not a result\n`);
    expect((await cli(sweepArgs(d, out))).code).toBe(3);
    expect(readFileSync(out, 'utf8')).toBe(`${done}not a result\n`);
    // A torn result of this sweep: cut and redone.
    const lines = done.split('\n').filter((l) => l !== '');
    writeFileSync(out, `${lines.slice(0, -1).join('\n')}\n${lines[lines.length - 1]!.slice(0, 50)}`);
    const r = await cli(sweepArgs(d, out));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/dropped a torn last line/);
    expect(readFileSync(out, 'utf8')).toBe(done);
  });

  it('a results file with two different results for one task is refused before anything runs', async () => {
    const d = dir({ 's.json': scenario });
    const out = join(d, 'r.ndjson');
    expect((await cli(sweepArgs(d, out))).code).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    const record = JSON.parse(lines[1]!) as Record<string, unknown>;
    const conflicting = JSON.stringify({ ...record, coverage: 0, completed: 0, coverageByPass: [0] });
    // Remove the last result so the sweep would have work to do, then add a conflicting copy.
    writeFileSync(out, `${[...lines.slice(0, -1), conflicting].join('\n')}\n`);
    const before = readFileSync(out, 'utf8');
    const r = await cli(sweepArgs(d, out));
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/two different results for cell/);
    expect(readFileSync(out, 'utf8')).toBe(before);
  });

  it('--out naming a device, a FIFO or standard output is refused at once, never read', () => {
    const d = dir({ 's.json': scenario });
    execFileSync('mkfifo', [join(d, 'fifo')]);
    for (const out of ['/dev/stdout', '/dev/full', '/dev/null', join(d, 'fifo')]) {
      const r = spawnSync(process.execPath, [cliPath, ...sweepArgs(d, out)], { encoding: 'utf8', timeout: 120_000 });
      expect(r.signal, out).toBeNull();
      expect(r.status, `${out}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(/a regular file/);
    }
  });

  it('two sweeps never write one file: the second is refused while the first runs; a killed one leaves no hold', async () => {
    const d = dir({ 's.json': scenario });
    const out = join(d, 'r.ndjson');
    const long = [...sweepArgs(d, out).slice(0, 5), '200000', '--workers', '0', '--out', out];
    const lines = (): number => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').length - 1 : 0);
    /** Starts the long sweep and waits until it has written more than `after` lines. */
    const start = async (after: number): Promise<{ kill: () => Promise<void> }> => {
      const child = spawn(process.execPath, [cliPath, ...long], { stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      let ended = false;
      void exited.then(() => (ended = true));
      for (let waited = 0; lines() <= after + 10; waited += 20) {
        if (ended || waited > 240_000) throw new Error('the sweep stopped or wrote nothing');
        await new Promise((r) => setTimeout(r, 20));
      }
      return {
        kill: async () => {
          child.kill('SIGKILL');
          await exited;
        },
      };
    };
    const first = await start(0);
    const second = spawnSync(process.execPath, [cliPath, ...long], { encoding: 'utf8', timeout: 120_000 });
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/is being written by another sweep/);
    await first.kill();
    expect(existsSync(`${out}.lock`)).toBe(true); // left behind by the kill
    // The killed sweep holds nothing: the same command takes the file over and goes on writing.
    const third = await start(lines());
    await third.kill();
  });

  it('standard output that cannot be written is one line and exit 1', () => {
    for (const args of [['schema'], ['--version']]) {
      const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cliPath}" ${args.join(' ')} > /dev/full`], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.trim()).toBe('meshcast: cannot write standard output (ENOSPC)');
    }
  });

  it('sweeps read network files once, and their contents are part of the sweep', async () => {
    const net = (meters: number): string => JSON.stringify(toJSON(generators.line({ meters })));
    const a = dir({ 's.json': scenarioWith({ file: 'net.json' }), 'net.json': net(3) });
    const b = dir({ 's.json': scenarioWith({ file: 'net.json' }), 'net.json': net(4) });
    const scenarioData = JSON.parse(scenarioWith({ file: 'net.json' })) as never;
    const one = await sweep(scenarioData, {}, { workers: 0, baseDir: a });
    const two = await sweep(scenarioData, {}, { workers: 0, baseDir: b });
    expect(one.sweepId).not.toBe(two.sweepId);
    // Without a directory to read from, a sweep reads nothing.
    await expect(sweep(scenarioData, {}, { workers: 0 })).rejects.toMatchObject({ path: 'baseDir' });
    // Shards of sweeps run against different files do not merge.
    const shard = (dirOf: string, i: number): Promise<{ code: number }> =>
      cli([
        'sweep',
        join(dirOf, 's.json'),
        '--replications',
        '4',
        '--workers',
        '0',
        '--shard',
        `${i}/2`,
        '--out',
        join(dirOf, `r${i}.ndjson`),
      ]);
    expect((await shard(a, 0)).code).toBe(0);
    expect((await shard(b, 1)).code).toBe(0);
    const report = await cli(['report', join(a, 'r0.ndjson'), join(b, 'r1.ndjson')]);
    expect(report.code).toBe(3);
  });
});

describe('every cell is checked before the first runs', () => {
  it('a cell whose network lacks the broadcast’s collectors is refused before any result is written', async () => {
    const d = dir({
      's.json': JSON.stringify({
        network: { generator: 'utility', options: { collectors: 4, endpointsPerCollector: 30, seed: 1 } },
        broadcast: { origins: ['C3'], packets: 2, maxHops: 10, ttlS: 60, targets: { collectors: ['C4'] } },
        sweep: { grid: { 'network.options.collectors': [4, 2] } },
      }),
    });
    const out = join(d, 'r.ndjson');
    for (const workers of ['0', '2']) {
      const r = await cli(['sweep', join(d, 's.json'), '--workers', workers, '--out', out]);
      expect(r.code, workers).toBe(3);
      expect(r.err).toMatch(/cell \{"network\.options\.collectors":2\}: broadcast\.origins\[0\]/);
      expect(existsSync(out) ? readFileSync(out, 'utf8') : '').toBe('');
    }
  });

  it('a refusal inside a worker thread reaches the caller as the same ValidationError', async () => {
    const { runSweepTaskInWorker } = await import('../src/sweep/task.js');
    const { checkScenario } = await import('../src/scenario/scenario.js');
    // A task built by hand with a collector the network does not have: what the plan refuses.
    const resolved = checkScenario({
      network: { generator: 'line', options: { meters: 2 } },
      broadcast: { origins: ['C9'], packets: 2 },
    });
    const result = runSweepTaskInWorker(
      {
        scenario: resolved,
        params: {},
        cell: 0,
        cellKey: '{}',
        replication: 0,
        rootSeed: 0,
        sweepId: 'x',
        files: new Map(),
      },
      new Map(),
    );
    expect(result).toEqual({
      refused: { path: 'broadcast.origins[0]', value: 'C9', allowed: 'the id of a collector in the network' },
    });
  });
});

describe('the command line under fuzzing', () => {
  const secret = 'MESHCAST_FUZZ_SECRET_91c2';
  const d = dir({
    'ok.json': JSON.stringify({
      network: { generator: 'line', options: { meters: 3 } },
      broadcast: { origins: 'all', packets: 2, maxHops: 5, ttlS: 60 },
    }),
    'file-net.json': scenarioWith({ file: 'secret.json' }),
    'outside.json': scenarioWith({ file: '../../../../../../../../etc/passwd' }),
    'secret.json': `{"format": "${secret}", "token": ${secret}}`,
    'huge.json': JSON.stringify({
      network: { generator: 'utility', options: { collectors: 1e5, endpointsPerCollector: 1e7 } },
      broadcast: { origins: 'all', packets: 1e7, maxHops: 1e9, ttlS: 1e308, spacingS: 1e308 },
      sweep: { grid: { maxHops: [4, 4] } },
    }),
    'results.ndjson': `{"meshcast":"sweep results"}\n${secret}\n`,
    'empty.json': '',
  });
  execFileSync('mkfifo', [join(d, 'fifo')]);
  const paths = [
    join(d, 'ok.json'),
    join(d, 'file-net.json'),
    join(d, 'outside.json'),
    join(d, 'secret.json'),
    join(d, 'huge.json'),
    join(d, 'results.ndjson'),
    join(d, 'empty.json'),
    join(d, 'fifo'),
    d,
    join(d, 'missing.json'),
    '/dev/zero',
    '/dev/null',
    '/proc/self/environ',
    '',
    '-',
    `${d}/${'x'.repeat(5000)}.json`,
    join(d, 'naïve dir', 'ü.json'),
  ];
  const values = [
    '0',
    '-1',
    '1.5',
    '1e308',
    'NaN',
    'abc',
    '',
    '2000000',
    '2..4',
    '4,4',
    '99999999999999999999',
    '__proto__=1',
  ];
  /** The flags each command takes, and a few it does not. */
  const flagsOf: Record<string, string[]> = {
    validate: ['--allow-outside-files'],
    run: ['--seed', '--passes', '--workers', '--json', '--allow-outside-files'],
    sweep: [
      '--hops',
      '--ttl',
      '--param',
      '--replications',
      '--workers',
      '--seed',
      '--shard',
      '--shard-count',
      '--out',
      '--csv',
      '--json',
    ],
    report: ['--csv', '--json'],
    schema: [],
    nonsense: [],
  };
  const outputs = [
    join(d, 'o.ndjson'),
    join(d, 'fifo'),
    '/dev/full',
    '/dev/stdout',
    join(d, 'ok.json'),
    join(d, 'secret.json'),
    d,
  ];
  const argv = fc
    .constantFrom(...Object.keys(flagsOf))
    .chain((command) =>
      fc.tuple(
        fc.constant(command),
        fc.array(fc.constantFrom(...paths), { minLength: command === 'schema' ? 0 : 1, maxLength: 2 }),
        fc.array(
          fc.tuple(
            fc.oneof(
              { weight: 4, arbitrary: fc.constantFrom(...flagsOf[command]!, '--json') },
              { weight: 1, arbitrary: fc.constantFrom('--bogus', '--out', '--param', '--workers') },
            ),
            fc.oneof(fc.constantFrom(...values), fc.constantFrom(...outputs)),
          ),
          { maxLength: 3 },
        ),
      ),
    );

  it('odd paths, special files and huge values: an exit code, one message, nothing leaked, no hang', async () => {
    await fc.assert(
      fc.asyncProperty(argv, async ([command, files, flags]) => {
        const args = [
          command,
          ...files,
          ...flags.flatMap(([f, v]) =>
            f === '--json' || f === '--allow-outside-files'
              ? [f]
              : // A file to write lands in the test's directory, never the working one.
                (f === '--csv' || f === '--out') && !v.startsWith('/')
                ? [f, join(d, v)]
                : [f, v],
          ),
        ];
        // Never a sweep of real size: the fuzz is about inputs, not long runs.
        if (command === 'sweep' && files[0] === join(d, 'ok.json') && !flags.some(([f]) => f === '--replications')) {
          args.push('--replications', '1');
        }
        const { code, out, err } = await cli(args);
        expect([0, 1, 2, 3, 4], args.join(' ')).toContain(code);
        expect(err, args.join(' ')).not.toMatch(/\n\s+at [\w<]/); // no stack trace
        expect(out + err, args.join(' ')).not.toContain(secret);
      }),
      { numRuns: Number(process.env['MESHCAST_FUZZ_RUNS'] ?? 300) },
    );
  });
});
