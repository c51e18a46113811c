import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLayers } from './layers.js';

/** A source tree of the given files in a temporary directory; returns its src. */
function tree(files: Record<string, string>): string {
  const src = join(mkdtempSync(join(tmpdir(), 'meshcast-layers-')), 'src');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(src, path)), { recursive: true });
    writeFileSync(join(src, path), text);
  }
  return src;
}

describe('the layer rule', () => {
  it('holds for meshcast', () => {
    expect(checkLayers(join(import.meta.dirname, '..', 'src'))).toEqual([]);
  });

  it('accepts imports down the layers and of the ground', () => {
    const src = tree({
      'errors.ts': 'export class E {}',
      'engine/queue.ts': "import { E } from '../errors.js'; export const q = E;",
      'broadcast/run.ts':
        "import { q } from '../engine/queue.js'; import type { E } from '../errors.js'; export const r = q;",
      'index.ts': "export * from './broadcast/run.js';",
    });
    expect(checkLayers(src)).toEqual([]);
  });

  it.each([
    ['a static import', "import { r } from '../broadcast/run.js';"],
    ['a type import', "import type { R } from '../broadcast/run.js';"],
    ['a re-export', "export { r } from '../broadcast/run.js';"],
    ['a dynamic import', "export const load = () => import('../broadcast/run.js');"],
    ['a module URL', "export const entry = new URL('../broadcast/run.js', import.meta.url);"],
  ])('refuses an upward arrow made by %s', (_, line) => {
    const src = tree({ 'engine/queue.ts': line, 'broadcast/run.ts': 'export const r = 1; export type R = 1;' });
    expect(checkLayers(src)).toEqual([
      { from: 'engine/queue.ts', to: 'broadcast/run.ts', rule: expect.stringMatching(/engine imports broadcast/) },
    ]);
  });

  it('refuses circles, a ground file importing a layer and an index that does more than re-export', () => {
    const src = tree({
      'check.ts': "import { x } from './random/x.js'; export const c = x;",
      'random/x.ts': "import { y } from './y.js'; export const x = 1; export const z = y;",
      'random/y.ts': "import { x } from './x.js'; export const y = x;",
      'random/index.ts': "export { x } from './x.js';\nexport const extra = 1;",
    });
    const rules = checkLayers(src).map((v) => v.rule);
    expect(rules).toContain('a ground file imports a layer');
    expect(rules).toContain('an index file does more than re-export');
    expect(rules.some((r) => r.startsWith('a circle of imports'))).toBe(true);
  });
});
