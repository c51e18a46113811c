/**
 * The checks every change goes through, as configured: type-aware lint rules on the library and
 * the command, lines of at most 120 characters, test coverage with thresholds in `npm test`,
 * and the performance check in CI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import config from '../vitest.config.js';

const root = join(import.meta.dirname, '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

/** Whether a rule is on (error or warning) in a file's computed ESLint configuration. */
function on(rules: Record<string, unknown> | undefined, rule: string): boolean {
  const setting = rules?.[rule];
  const level = Array.isArray(setting) ? (setting[0] as unknown) : setting;
  return level === 2 || level === 1 || level === 'error' || level === 'warn';
}

describe('lint', () => {
  const eslint = new ESLint({ cwd: root });

  it('src/ gets typescript-eslint’s type-checked rules; tests keep the untyped set', async () => {
    const src = (await eslint.calculateConfigForFile(join(root, 'src/cli/main.ts'))) as {
      rules?: Record<string, unknown>;
    };
    for (const rule of [
      '@typescript-eslint/no-floating-promises',
      '@typescript-eslint/no-unsafe-assignment',
      '@typescript-eslint/no-unnecessary-type-assertion',
      '@typescript-eslint/unbound-method',
    ]) {
      expect(on(src.rules, rule), rule).toBe(true);
    }
    const test = (await eslint.calculateConfigForFile(join(root, 'test/cli.test.ts'))) as {
      rules?: Record<string, unknown>;
    };
    expect(on(test.rules, '@typescript-eslint/no-floating-promises')).toBe(false);
  });

  it('lines of at most 120 characters in code, tests, benchmarks and examples', async () => {
    for (const file of ['src/report/text.ts', 'test/cli.test.ts', 'bench/broadcast.ts', 'docs/examples/scale.ts']) {
      const computed = (await eslint.calculateConfigForFile(join(root, file))) as { rules?: Record<string, unknown> };
      expect(on(computed.rules, 'max-len'), file).toBe(true);
      expect((computed.rules!['max-len'] as [unknown, { code: number }])[1].code).toBe(120);
    }
  });
});

describe('npm test and CI', () => {
  it('npm test measures coverage of src/ and fails below thresholds', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['test']).toMatch(/vitest run --coverage/);
    const coverage = config.test?.coverage as { include?: string[]; thresholds?: Record<string, number> } | undefined;
    expect(coverage?.include).toEqual(['src/**/*.ts']);
    for (const kind of ['statements', 'branches', 'functions', 'lines']) {
      expect(coverage?.thresholds?.[kind], kind).toBeGreaterThan(50);
    }
  });

  it('.ci/run runs the performance check at quick sizes after the tests', () => {
    const ci = read('.ci/run');
    expect(ci).toMatch(/^npm run -s bench:check$/m);
    expect(ci.indexOf('bench:check')).toBeGreaterThan(ci.indexOf('npm test'));
  });
});

describe('benchmarks', () => {
  const cc = spawnSync('cc', ['--version']).status === 0;

  it.skipIf(!cc)(
    "bench:kernel's JavaScript and C loops make the same receptions on a small utility",
    () => {
      // The bench fails when the twins' counters differ; its table then shows both twins' receptions.
      const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
      const out = execFileSync(process.execPath, [tsx, 'bench/kernel.ts', '--meters', '2500', '--packets', '3'], {
        cwd: root,
        encoding: 'utf8',
        stdio: 'pipe',
      });
      const receptions = (name: string) => new RegExp(`\\| ${name}[^|]*\\| ([\\d,]+) \\|`).exec(out)?.[1];
      expect(receptions('JavaScript twin')).toMatch(/^[\d,]+$/);
      expect(receptions('C twin')).toBe(receptions('JavaScript twin'));
    },
    120_000,
  );
});
