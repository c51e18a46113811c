import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, EXIT } from '../src/cli/main.js';
import {
  compile,
  createStream,
  formatCampaign,
  generators,
  loadScenario,
  MeshcastError,
  Network,
  runBroadcast,
  runHeadendScenario,
  planCampaignScenario,
  runScenario,
  runScenarioParallel,
  toJSON,
  ValidationError,
} from '../src/index.js';

const small = {
  name: 'small',
  seed: 3,
  network: { generator: 'utility', options: { collectors: 1, endpointsPerCollector: 200, seed: 2 } },
  broadcast: { origins: 'all', packets: 12, maxHops: 12, ttlS: 60 },
  passes: 2,
};

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

function tempFile(name: string, data: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshcast-'));
  const path = join(dir, name);
  writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
  return path;
}

describe('scenarios', () => {
  it('every bundled scenario validates and runs', () => {
    const dir = join(import.meta.dirname, '..', 'scenarios');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files).toContain('default.json');
    for (const f of files) {
      const data = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const loaded = loadScenario(data, (p) => readFileSync(join(dir, p), 'utf8'));
      if (data.campaign !== undefined) {
        // Campaigns run in the golden and campaign tests; here they plan without a problem.
        expect(planCampaignScenario(loaded).problems, f).toEqual([]);
        continue;
      }
      if (data.headend !== undefined) {
        const day = runHeadendScenario(loaded);
        expect(day.outcomes.length, f).toBeGreaterThanOrEqual(1);
        expect(day.outcomes.find((o) => o.delivery === 'broadcast')!.total, f).toBeGreaterThan(0);
        continue;
      }
      const result = runScenario(loaded);
      expect(result.passes.length, f).toBeGreaterThanOrEqual(1);
      expect(result.passes[0]!.targets, f).toBeGreaterThan(0);
    }
  });

  it('repeat passes continue from the earlier tanks and stop at the coverage goal', () => {
    const r = runScenario(loadScenario({ ...small, passes: 5, stopAtCoverage: 0.5 }));
    expect(r.passes[r.passes.length - 1]!.coverage).toBeGreaterThanOrEqual(0.5);
    r.passes.forEach((p, i) => expect(p.meta.pass).toBe(i));
    const lossy = runScenario(
      loadScenario({ ...small, network: { generator: 'grid', options: { width: 10, success: 0.7 } }, passes: 3 }),
    );
    expect(lossy.passes.length).toBe(3);
    expect(lossy.passes[2]!.coverage).toBeGreaterThanOrEqual(lossy.passes[0]!.coverage);
    expect(lossy.passes[1]!.firstPacketS).toBe(lossy.passes[0]!.endS);
  });

  it(
    'builds utility and grid networks straight to their compiled mesh, the Network only when asked, with the ' +
      'same results',
    () => {
      for (const network of [small.network, { generator: 'grid', options: { width: 12, height: 7, success: 0.8 } }]) {
        const loaded = loadScenario({ ...small, network });
        const make = generators[network.generator as 'utility' | 'grid'] as (o: unknown) => Network;
        const viaNetwork = compile(make(network.options));
        // The mesh came from the direct builder (ids computed on demand), not from compiling a Network.
        expect(loaded.mesh).not.toBe(viaNetwork);
        expect(Array.from(loaded.mesh.neighbours)).toEqual(Array.from(viaNetwork.neighbours));
        expect(Array.from(loaded.mesh.linkSuccess)).toEqual(Array.from(viaNetwork.linkSuccess));
        const direct = runScenario(loaded, 5);
        const built = runScenario(
          loadScenario({ ...small, network: { file: 'net.json' } }, () =>
            JSON.stringify(toJSON(make(network.options))),
          ),
          5,
        );
        expect(direct.passes.map((r) => r.summary())).toEqual(built.passes.map((r) => r.summary()));
        // The Network, built on first access, is the same network, once.
        const net = loaded.network;
        expect(net).toBeInstanceOf(Network);
        expect(loaded.network).toBe(net);
        expect(net.deviceCount).toBe(loaded.mesh.n);
        expect(Array.from(compile(net).offsets)).toEqual(Array.from(loaded.mesh.offsets));
      }
    },
  );

  it('runners check what they are given', async () => {
    const loaded = loadScenario(small);
    expect(() => runScenario(null as never)).toThrow(expect.objectContaining({ path: 'loaded' }));
    expect(() => runScenario(small as never)).toThrow(expect.objectContaining({ path: 'loaded' }));
    await expect(runScenarioParallel(loaded, { worker: 2 } as never)).rejects.toMatchObject({ path: 'options.worker' });
    await expect(runScenarioParallel(loaded, { onProgress: 5 } as never)).rejects.toMatchObject({
      path: 'options.onProgress',
    });
    expect(() => formatCampaign([runScenario(loaded).passes[0]!, 5 as never])).toThrow(
      expect.objectContaining({ path: 'passes[1]' }),
    );
  });

  it('reads networks from JSON and CSV files', () => {
    const file = tempFile('net.json', toJSON(generators.line({ meters: 3 })));
    const loaded = loadScenario({ ...small, network: { file: 'net.json' } }, (p) =>
      readFileSync(join(file, '..', p), 'utf8'),
    );
    expect(loaded.mesh.n).toBe(4);
    const csv = loadScenario({ ...small, network: { csv: { devices: 'd', links: 'l' } } }, (p) =>
      p === 'd' ? 'id,kind\nC1,collector\nM1,meter\n' : 'from,to,success\nC1,M1,1\n',
    );
    expect(runScenario(csv).passes[0]!.coverage).toBe(1);
  });

  it.each([
    [{ ...small, colour: 'blue' }, 'colour'],
    [{ ...small, passes: 0 }, 'passes'],
    [{ ...small, network: { generator: 'hexagon' } }, 'network.generator'],
    [{ ...small, network: { generator: 'utility', options: { gasShare: 2 } } }, 'network.options.gasShare'],
    [{ ...small, broadcast: { ...small.broadcast, maxHops: 99 } }, 'broadcast.maxHops'],
    [{ ...small, broadcast: { ...small.broadcast, origins: ['C9'] } }, 'broadcast.origins[0]'],
    [{ ...small, broadcast: { ...small.broadcast, targets: { kinds: ['toaster'] } } }, 'broadcast.targets.kinds'],
    [{ ...small, radio: { delay: { kind: 'exponential', meanS: -1 } } }, 'radio.delay.meanS'],
    [{ ...small, handoff: { maxAttempts: 0 } }, 'handoff.maxAttempts'],
    [{ ...small, network: { file: 'missing.json' } }, 'network.file'],
  ])('invalid scenario %# names %s', (data, path) => {
    const read = (p: string): string => {
      throw new Error(`no such file ${p}`);
    };
    let error: unknown;
    try {
      loadScenario(data, read);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).path).toBe(path);
  });
});

// Bad scenario input gets a ValidationError (or another MeshcastError), never a TypeError, a
// RangeError or a crash: the bundled scenarios with one to three fields replaced, deleted or
// added at random, loaded and — when small and free of contention — run.
/** Parsed JSON being mutated: any field of any object or array. */
type Loose = Record<string | number, unknown>;

describe('mutated scenarios, built and run', () => {
  const all = readdirSync(join(import.meta.dirname, '..', 'scenarios')).map(
    (f) => JSON.parse(readFileSync(join(import.meta.dirname, '..', 'scenarios', f), 'utf8')) as Record<string, unknown>,
  );
  const bundled = all.filter((s) => s['headend'] === undefined);
  const headend = all.filter((s) => s['headend'] !== undefined && s['campaign'] === undefined);
  const values: unknown[] = [
    -1,
    0,
    1,
    2,
    1.5,
    1e9,
    -1e9,
    1e308,
    2 ** 31,
    'x',
    '',
    null,
    true,
    [],
    {},
    [1, 2],
    { a: 1 },
    'all',
    'C1',
    'M1',
    0.5,
    40,
    60,
    'utility',
    'exponential',
  ];
  const paths = (x: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] => {
    if (at.length > 0) out.push(at);
    if (Array.isArray(x)) x.forEach((v, i) => paths(v, [...at, i], out));
    else if (x !== null && typeof x === 'object') for (const [k, v] of Object.entries(x)) paths(v, [...at, k], out);
    return out;
  };
  it.each([1, 2])('fail with a MeshcastError naming the field, or run (seed %i)', (seed) => {
    const r = createStream(seed, 'mutated-scenarios');
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    let refused = 0;
    let ran = 0;
    for (let c = 0; c < 150; c++) {
      const data = structuredClone(pick(bundled)) as Loose;
      // Small enough to run in a test.
      const broadcast = data['broadcast'] as Loose;
      broadcast['packets'] = Math.min((broadcast['packets'] as number | undefined) ?? 8, 8);
      data['passes'] = Math.min((data['passes'] as number | undefined) ?? 1, 2);
      const o = (data['network'] as Loose)['options'] as Loose | undefined;
      if (o !== undefined)
        Object.assign(o, {
          collectors: Math.min((o['collectors'] as number | undefined) ?? 1, 2),
          endpointsPerCollector: Math.min((o['endpointsPerCollector'] as number | undefined) ?? 100, 150),
        });
      for (let m = 1 + Math.floor(r() * 3); m > 0; m--) {
        const at = pick(paths(data));
        const parent = at
          .slice(0, -1)
          .reduce<unknown>((x, k) => (x !== null && typeof x === 'object' ? (x as Loose)[k] : undefined), data) as
          Loose | null | undefined;
        if (parent === null || typeof parent !== 'object') continue;
        const key = at[at.length - 1]!;
        const a = r();
        if (a < 0.15 && !Array.isArray(parent)) delete parent[key];
        else if (a < 0.25 && !Array.isArray(parent)) parent[`extra${Math.floor(r() * 3)}`] = pick(values);
        else if (a < 0.45 && typeof parent[key] === 'number')
          parent[key] = pick([parent[key] * 2, parent[key] / 2, parent[key] + 1, -parent[key], 0]);
        else parent[key] = structuredClone(pick(values));
      }
      try {
        const loaded = loadScenario(data);
        if (
          loaded.mesh.n <= 1000 &&
          (data['radio'] as Loose | undefined)?.['contention'] === undefined &&
          loaded.concurrent.length === 0
        ) {
          runScenario(loaded, 1);
          ran++;
        }
      } catch (e) {
        if (!(e instanceof MeshcastError))
          throw new Error(`${(e as Error).name} on ${JSON.stringify(data)}: ${(e as Error).message}`, { cause: e });
        if (e instanceof ValidationError) expect(e.path.length).toBeGreaterThan(0);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(30);
    expect(ran).toBeGreaterThan(5);
  });

  it.each([1, 2])(
    'head-end scenarios, mutated: a MeshcastError naming the field, or the day runs (seed %i)',
    (seed) => {
      const r = createStream(seed, 'mutated-headend-scenarios');
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
      let refused = 0;
      let ran = 0;
      for (let c = 0; c < 60; c++) {
        const data = structuredClone(pick(headend)) as Loose;
        // Small enough to run in a test: a small network, images of a few packets.
        (data['network'] as Loose)['options'] = { collectors: 4, endpointsPerCollector: 60, seed: 1 };
        (data['headend'] as Loose)['payloadBytes'] = 5000;
        for (let m = Math.floor(r() * 3); m > 0; m--) {
          const at = pick(paths(data['headend']));
          const parent = at
            .slice(0, -1)
            .reduce<unknown>(
              (x, k) => (x !== null && typeof x === 'object' ? (x as Loose)[k] : undefined),
              data['headend'],
            ) as Loose | null | undefined;
          if (parent === null || typeof parent !== 'object') continue;
          const key = at[at.length - 1]!;
          const a = r();
          if (a < 0.2 && !Array.isArray(parent)) delete parent[key];
          else if (a < 0.3 && !Array.isArray(parent)) parent[`extra${Math.floor(r() * 3)}`] = pick(values);
          else parent[key] = structuredClone(pick(values));
        }
        try {
          runHeadendScenario(loadScenario(data), 1);
          ran++;
        } catch (e) {
          if (!(e instanceof MeshcastError))
            throw new Error(`${(e as Error).name} on ${JSON.stringify(data)}: ${(e as Error).message}`, { cause: e });
          if (e instanceof ValidationError) expect(e.path.length).toBeGreaterThan(0);
          refused++;
        }
      }
      expect(refused).toBeGreaterThan(20);
      expect(ran).toBeGreaterThan(10);
    },
  );
});

describe('the run report', () => {
  it('lists each origin’s Max. Layer, or for many origins their range, median and deepest', () => {
    const mesh = generators.utilityMesh({ collectors: 12, endpointsPerCollector: 40, seed: 4 });
    const ids = Array.from(mesh.collectors, (c) => mesh.id(c));
    const line = (origins: string[]): string =>
      formatCampaign([runBroadcast(mesh, { origins, packets: 1, maxHops: 12, ttlS: 60 }, { seed: 1 })]).split('\n')[2]!;
    expect(line(ids.slice(0, 2))).toMatch(
      new RegExp(`Max\\. Layer ${ids[0]}:${mesh.maxLayer.get(ids[0]!)} ${ids[1]}:${mesh.maxLayer.get(ids[1]!)}$`),
    );
    const layers = ids.map((o) => mesh.maxLayer.get(o)!);
    const sorted = [...layers].sort((a, b) => a - b);
    const max = sorted[11]!;
    const deepest = ids[layers.indexOf(max)]!;
    expect(line(ids)).toContain(
      `Max. Layer ${sorted[0]}–${max} over 12 collectors (median ${sorted[5]}; deepest ${deepest}:${max})`,
    );
  });
});

describe('the meshcast command', () => {
  it('run prints a readable report and exits 0', async () => {
    const r = await run(['run', tempFile('s.json', small)]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/Coverage by layer/);
    expect(r.out).toMatch(/Maximum Hops 12, Maximum TTL 60s/);
    expect(r.out).toMatch(/Result: [\d,]+ of 200 targets complete/);
  });
  it('--json prints the pass summaries; --seed changes the run; --passes caps the passes', async () => {
    const file = tempFile('s.json', {
      ...small,
      network: { generator: 'grid', options: { width: 8, success: 0.6 } },
      passes: 1,
    });
    const a = JSON.parse((await run(['run', file, '--json'])).out);
    expect(a.passes).toHaveLength(1);
    expect(a.passes[0].meta.seed).toBe(3);
    const b = JSON.parse((await run(['run', file, '--json', '--seed', '4', '--passes', '2'])).out);
    expect(b.passes[0].meta.seed).toBe(4);
    expect(b.passes).toHaveLength(2);
    expect(JSON.stringify(b.passes[0].stats)).not.toBe(JSON.stringify(a.passes[0].stats));
  });
  it('run --workers floods each pass on worker threads, with the same result', async () => {
    const file = tempFile('s.json', {
      ...small,
      network: { generator: 'grid', options: { width: 10, success: 0.6 } },
      passes: 3,
    });
    const alone = JSON.parse((await run(['run', file, '--json', '--seed', '5'])).out);
    expect(alone.passes.length).toBeGreaterThan(1);
    for (const workers of ['2', 'auto']) {
      const r = await run(['run', file, '--json', '--seed', '5', '--workers', workers]);
      expect(r.code).toBe(EXIT.ok);
      expect(JSON.parse(r.out)).toEqual(alone);
      // Progress on standard error: every pass reaches all of its packets.
      for (let pass = 1; pass <= alone.passes.length; pass++)
        expect(r.err).toContain(`pass ${pass}: 12 of 12 packets flooded (100 %)`);
    }
    expect((await run(['run', file, '--workers', '0'])).code).toBe(EXIT.usage);
    expect((await run(['run', file, '--workers', 'many'])).code).toBe(EXIT.usage);
  });
  it('validate exits 0 on a good file and 3 with the path on a bad one', async () => {
    expect((await run(['validate', tempFile('s.json', small)])).code).toBe(EXIT.ok);
    const bad = await run(['validate', tempFile('s.json', { ...small, broadcast: { ...small.broadcast, ttlS: 5 } })]);
    expect(bad.code).toBe(EXIT.invalid);
    expect(bad.err).toMatch(/broadcast\.ttlS: got 5; allowed: 60 to 600 seconds/);
    expect((await run(['validate', tempFile('s.json', '{ not json')])).code).toBe(EXIT.invalid);
  });
  it('usage errors exit 2', async () => {
    expect((await run([])).code).toBe(EXIT.usage);
    expect((await run(['fly'])).code).toBe(EXIT.usage);
    expect((await run(['run'])).code).toBe(EXIT.usage);
    expect((await run(['run', 'x.json', '--turbo'])).code).toBe(EXIT.usage);
    expect((await run(['run', '/nonexistent/x.json'])).code).toBe(EXIT.usage);
    expect((await run(['--help'])).code).toBe(EXIT.ok);
    expect((await run(['--version'])).out.trim()).toBe('0.1.0');
  });
});

describe('concurrent broadcasts in scenarios', () => {
  const base = {
    seed: 2,
    network: { generator: 'grid', options: { width: 8, success: 0.9 } },
    radio: { contention: 'csma' },
    broadcast: { origins: 'all', packets: 4, ttlS: 60 },
  };
  it('run with the first pass and share its air', () => {
    const r = runScenario(
      loadScenario({ ...base, concurrent: [{ origins: ['C1'], packets: 2, ttlS: 60 }], passes: 2 }),
    );
    expect(r.concurrent).toHaveLength(1);
    expect(r.concurrent[0]!.air).toBe(r.passes[0]!.air);
    expect(runScenario(loadScenario(base)).concurrent).toHaveLength(0);
  });
  it('are checked like the broadcast, with their own path', () => {
    expect(() => loadScenario({ ...base, concurrent: [{ origins: ['C1'], packets: 2, maxHops: 99 }] })).toThrow(
      expect.objectContaining({ path: 'concurrent[0].maxHops' }),
    );
    expect(() => loadScenario({ ...base, concurrent: [{ origins: ['C9'], packets: 2 }] })).toThrow(
      expect.objectContaining({ path: 'concurrent[0].origins[0]' }),
    );
    expect(() => loadScenario({ ...base, concurrent: 'both' })).toThrow(
      expect.objectContaining({ path: 'concurrent' }),
    );
  });
});
