import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as meshcast from '../src/index.js';
import type {
  BroadcastResult,
  BroadcastSpec,
  EndpointState,
  PassSummary,
  RelativeHops,
  RunOptions,
  Tank,
} from '../src/index.js';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  exports: Record<string, unknown>;
};

describe('the package', () => {
  it('records its own version in results', () => {
    expect(meshcast.VERSION).toBe(pkg.version);
  });

  it('is importable by name from a separate ESM consumer (built dist/ through the exports map)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshcast-consumer-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'meshcast'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(
      join(dir, 'consumer.mjs'),
      [
        "import { generators, runBroadcast, ValidationError, VERSION } from 'meshcast';",
        "const r = runBroadcast(generators.line({ meters: 3 }), { origins: ['C1'], packets: 4 });",
        'let code = "none";',
        "try { runBroadcast(generators.line({ meters: 3 }), { origins: ['C1'], packets: 4, maxHops: 99 }); } catch (e) { code = e instanceof ValidationError ? e.path : 'other'; }",
        'console.log(JSON.stringify({ coverage: r.coverage, code, VERSION }));',
      ].join('\n'),
    );
    const out = execFileSync(process.execPath, ['consumer.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ coverage: 1, code: 'spec.maxHops', VERSION: pkg.version });
  });

  it('ships the meshcast command as a bin that runs', () => {
    const out = execFileSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), '--version'], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe(pkg.version);
  });

  it('exports only what it documents (no internals leak through the index)', () => {
    const names = Object.keys(meshcast).sort();
    for (const internal of ['floodPacket', 'compileDevices', 'freshState', 'selectTargets', 'resolveSpec']) {
      expect(names).not.toContain(internal);
    }
    expect(names).toEqual(
      expect.arrayContaining([
        'runBroadcast',
        'compile',
        'generators',
        'Network',
        'Simulator',
        'createStream',
        'ValidationError',
      ]),
    );
  });

  it('has typed public signatures', () => {
    expectTypeOf(meshcast.runBroadcast).parameter(1).toEqualTypeOf<BroadcastSpec>();
    expectTypeOf(meshcast.runBroadcast).parameter(2).toEqualTypeOf<RunOptions | undefined>();
    expectTypeOf(meshcast.runBroadcast).returns.toEqualTypeOf<BroadcastResult>();
    expectTypeOf<BroadcastResult['coverage']>().toEqualTypeOf<number>();
    expectTypeOf<ReturnType<BroadcastResult['tank']>>().toEqualTypeOf<Tank>();
    expectTypeOf<ReturnType<BroadcastResult['endpoint']>>().toEqualTypeOf<EndpointState>();
    expectTypeOf<EndpointState['completedS']>().toEqualTypeOf<number | null>();
    expectTypeOf<ReturnType<BroadcastResult['summary']>>().toEqualTypeOf<PassSummary>();
    expectTypeOf<BroadcastSpec['maxHops']>().toEqualTypeOf<number | RelativeHops | undefined>();
  });
});

describe('documentation examples run', () => {
  const examples = readdirSync(join(root, 'docs', 'examples')).filter((f) => f.endsWith('.ts'));
  it('the README example is docs/examples/quickstart.ts, verbatim', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain(readFileSync(join(root, 'docs', 'examples', 'quickstart.ts'), 'utf8').trim());
  });
  it('the code in docs/scale.md is lines of docs/examples/scale.ts', () => {
    const doc = readFileSync(join(root, 'docs', 'scale.md'), 'utf8');
    const example = readFileSync(join(root, 'docs', 'examples', 'scale.ts'), 'utf8').split('\n');
    const block = /```ts\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const lines = block.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('//'));
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(example, line).toContain(line);
  });
  it.each(examples)(
    '%s',
    (file) => {
      const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
      const out = execFileSync(process.execPath, [tsx, join(root, 'docs', 'examples', file)], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(out.length).toBeGreaterThan(0);
    },
    60_000,
  );
});
