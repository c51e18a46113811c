/**
 * docs/guide.md runs as written: every code block, in order, in one directory holding a copy of
 * the bundled scenarios. TypeScript blocks run with tsx from files inside the package (so
 * `import … from 'meshcast'` finds the built package, as it would for a user); each line of a
 * shell block that starts with `meshcast` runs the built command line. A block fails the test by
 * exiting non-zero (the blocks check their own answers where they state one).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const guide = readFileSync(join(root, 'docs', 'guide.md'), 'utf8');
const blocks = [...guide.matchAll(/```(ts|sh)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, code: m[2]! }));

const work = mkdtempSync(join(tmpdir(), 'meshcast-guide-'));
cpSync(join(root, 'scenarios'), join(work, 'scenarios'), { recursive: true });
const scripts = join(root, '.meshcast-tmp', 'guide');
rmSync(scripts, { recursive: true, force: true });
mkdirSync(scripts, { recursive: true });

const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const cli = join(root, 'dist', 'cli', 'main.js');

/** Splits a command line on spaces (the guide's commands quote nothing). */
function words(line: string): string[] {
  return line.trim().split(/\s+/);
}

describe('docs/guide.md', () => {
  it('has the blocks it promises: command lines and five programs', () => {
    expect(blocks.filter((b) => b.lang === 'sh')).toHaveLength(2);
    expect(blocks.filter((b) => b.lang === 'ts')).toHaveLength(5);
  });

  it.each(blocks.map((b, i) => [`${i + 1}: ${b.lang} ${b.code.split('\n')[0]!.slice(0, 60)}`, b] as const))(
    'block %s',
    (_, block) => {
      if (block.lang === 'sh') {
        const lines = block.code.split('\n').filter((l) => l.trim() !== '');
        for (const line of lines) {
          const [command, ...args] = words(line);
          expect(command).toBe('meshcast');
          execFileSync(process.execPath, [cli, ...args], { cwd: work, stdio: 'pipe' });
        }
        return;
      }
      const file = join(scripts, `block-${blocks.indexOf(block) + 1}.ts`);
      writeFileSync(file, block.code);
      const out = execFileSync(process.execPath, [tsx, file], { cwd: work, encoding: 'utf8', stdio: 'pipe' });
      expect(out.length).toBeGreaterThan(0);
    },
    300_000,
  );

  it('left the files it says it writes, the Parquet records one row per replication', async () => {
    for (const f of ['run.html', 'endpoints.csv', 'failed.csv', 'sweep.html', 'pass.html', 'hops-ttl.html']) {
      expect(existsSync(join(work, f)), f).toBe(true);
    }
    for (const f of [
      'study.html',
      'day.html',
      'campaign.html',
      'upgrade.html',
      'hops-ttl.csv',
      'charts/coverage-heatmap.vl.json',
      'charts/coverage-heatmap.svg',
    ]) {
      expect(existsSync(join(work, f)), f).toBe(true);
    }
    const rows = await parquetReadObjects({ file: readFileSync(join(work, 'hops-ttl.parquet')).buffer as ArrayBuffer });
    expect(rows).toHaveLength(3 * 2 * 3);
  });
});
