import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
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
  name: string;
  version: string;
  exports: Record<string, unknown>;
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** The files `npm pack` puts in the tarball (`npm pack --dry-run --json` in `dir`). */
function packedFiles(dir: string, scripts: boolean): string[] {
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', ...(scripts ? [] : ['--ignore-scripts'])], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [report] = JSON.parse(out.slice(out.indexOf('['))) as [{ files: { path: string }[] }];
  return report.files.map((f) => f.path);
}

/**
 * Runtime dependencies of the package, transitively, as this repository installed them: each
 * found as Node finds it, in the node_modules of the package that needs it or of a folder above
 * (npm nests a copy there when the top level holds another version, or none).
 */
function runtimeDependencies(): Map<string, string> {
  const found = new Map<string, string>();
  const locate = (name: string, from: string): string => {
    for (let dir = from; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dir === root || dirname(dir) === dir) throw new Error(`${name} (needed by ${from}) is not installed`);
    }
  };
  const visit = (deps: Record<string, string> | undefined, from: string): void => {
    for (const name of Object.keys(deps ?? {})) {
      if (found.has(name)) continue;
      const dir = locate(name, from);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      found.set(name, dir);
      visit(manifest.dependencies, dir);
    }
  };
  visit(pkg.dependencies, root);
  return found;
}

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
        "try { runBroadcast(generators.line({ meters: 3 }), { origins: ['C1'], packets: 4, maxHops: 99 }); }",
        "catch (e) { code = e instanceof ValidationError ? e.path : 'other'; }",
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
  it.each(examples)('%s', (file) => {
    const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const out = execFileSync(process.execPath, [tsx, join(root, 'docs', 'examples', file)], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out.length).toBeGreaterThan(0);
  });
});

describe('the published package, packed and installed', () => {
  // npm pack of this tree (dist/ as `npm test` built it), installed into a new project with
  // npm, offline: its dependencies come from tarballs packed from this repository's node_modules
  // (overrides), so the test needs no registry and no npm cache.
  const work = mkdtempSync(join(tmpdir(), 'meshcast-packed-'));
  const app = join(work, 'app');
  const run = (file: string, args: string[] = []): string =>
    execFileSync(process.execPath, [file, ...args], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  beforeAll(() => {
    // One npm pack for the package and every dependency (a process each would take minutes).
    const dependencies = [...runtimeDependencies()];
    const out = execFileSync(
      npm,
      ['pack', '--ignore-scripts', '--json', '--pack-destination', work, root, ...dependencies.map(([, dir]) => dir)],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 << 20 },
    );
    const reports = JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[];
    expect(reports).toHaveLength(dependencies.length + 1);
    const tarball = join(work, reports[0]!.filename);
    const overrides = Object.fromEntries(
      dependencies.map(([name], i) => [name, `file:${join(work, reports[i + 1]!.filename)}`]),
    );
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: { meshcast: `file:${tarball}` },
        overrides,
      }),
    );
    execFileSync(
      npm,
      ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--cache', join(work, 'npm-cache')],
      { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  }, 300_000);

  it('ships the built library, the command, the scenarios and the schema; no source maps into unshipped sources', () => {
    const files = packedFiles(root, false);
    for (const f of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'scenarios/default.json',
      'docs/scenario.schema.json',
    ])
      expect(files).toContain(f);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('src/'))).toEqual([]);
    const installed = join(app, 'node_modules', 'meshcast');
    expect(existsSync(join(installed, 'scenarios', 'default.json'))).toBe(true);
    expect(readFileSync(join(installed, 'dist', 'index.js'), 'utf8')).not.toMatch(/sourceMappingURL/);
  });

  it('the README library example typechecks and runs against the installed package', () => {
    copyFileSync(join(root, 'docs', 'examples', 'quickstart.ts'), join(app, 'quickstart.ts'));
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        // ES2020's lib: the declarations need nothing newer (no ErrorOptions, which is ES2022's).
        compilerOptions: {
          target: 'ES2020',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
        },
        files: ['quickstart.ts'],
      }),
    );
    execFileSync(process.execPath, [tsc, '-p', app], { cwd: app, encoding: 'utf8' });
    expect(run(tsx, ['quickstart.ts'])).toMatch(/^coverage \d/);
  });

  it('runs the meshcast command from node_modules/.bin on a bundled scenario', () => {
    const bin = join(app, 'node_modules', '.bin', 'meshcast');
    const sh = (args: string[]): string => execFileSync(bin, args, { cwd: app, encoding: 'utf8' });
    expect(sh(['--version']).trim()).toBe(pkg.version);
    expect(sh(['validate', 'node_modules/meshcast/scenarios/default.json'])).toMatch(/: valid \(/);
    expect(sh(['run', 'node_modules/meshcast/scenarios/reads-during-broadcast.json'])).toMatch(/Result: /);
  });

  it('is required from a CommonJS consumer (require(esm), Node >= 20.19)', () => {
    writeFileSync(
      join(app, 'consumer.cjs'),
      [
        "const { generators, runBroadcast, ValidationError, VERSION } = require('meshcast');",
        "const r = runBroadcast(generators.line({ meters: 3 }), { origins: ['C1'], packets: 4 });",
        'console.log(JSON.stringify({ coverage: r.coverage, error: typeof ValidationError, VERSION }));',
      ].join('\n'),
    );
    expect(JSON.parse(run('consumer.cjs'))).toEqual({ coverage: 1, error: 'function', VERSION: pkg.version });
  });

  it('a fresh clone packs its build: npm pack runs the build first (prepack)', () => {
    // The tracked and new files of this tree, without dist/ or node_modules/, as a clone has them.
    const clone = join(work, 'clone');
    const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
    });
    for (const f of listed.split('\n').filter((x) => x !== '' && existsSync(join(root, x)))) {
      mkdirSync(dirname(join(clone, f)), { recursive: true });
      copyFileSync(join(root, f), join(clone, f));
    }
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    expect(pkg.scripts['prepack']).toBeDefined();
    const files = packedFiles(clone, true);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/cli/main.js');
  }, 300_000);
});
