/**
 * The layer rule of meshcast's sources, checked: a module imports its own layer and the layers
 * below it, never one above — by a static import, an `export … from`, a type import, a dynamic
 * `import()` or a module URL (`new URL('…', import.meta.url)`) — and no imports close a circle.
 * Ground files import no layer. `npm run lint` runs it (`tsx test/layers.ts`); see
 * docs/architecture.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The layers, lowest first. */
export const LAYERS = [
  'random',
  'engine',
  'runtime',
  'network',
  'radio',
  'traffic',
  'broadcast',
  'headend',
  'workflow',
  'scenario',
  'sweep',
  'report',
  'cli',
] as const;

/** Files every layer may import, which import no layer. */
export const GROUND = ['errors.ts', 'check.ts', 'version.ts', 'json-schema.ts', 'json-text.ts', 'stats.ts'];

/** One broken rule: the importing file, what it imports, and why that is refused. */
export interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: string;
}

/** The layer rank of a file (relative to src), -1 for the ground, Infinity for src/index.ts. */
function rank(file: string): number {
  const top = file.split('/')[0]!;
  if (GROUND.includes(file)) return -1;
  if (file === 'index.ts') return Infinity;
  const i = (LAYERS as readonly string[]).indexOf(top);
  if (i < 0) throw new Error(`${file} is in no layer: put it in one of ${LAYERS.join(', ')} or the ground`);
  return i;
}

/** Every source file under `src`, relative to it. */
function sources(src: string, dir = src): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(src, path);
    return /\.(ts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [relative(src, path)] : [];
  });
}

/** What a file imports from this tree (relative to `src`), each target once. */
function importsOf(src: string, file: string): string[] {
  const text = readFileSync(join(src, file), 'utf8');
  const found = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  // Module URLs: a file named by URL is loaded as surely as one imported.
  for (const m of text.matchAll(/new URL\(\s*(['"`])([^'"`]+)\1\s*,\s*import\.meta\.url\s*\)/g)) found.push(m[2]!);
  const out = new Set<string>();
  for (const spec of found) {
    if (!spec.startsWith('.')) continue;
    const target = relative(src, resolve(dirname(join(src, file)), spec)).replace(/\.js$/, '.ts');
    out.add(target);
  }
  return [...out];
}

/** Checks the tree under `src`; an empty list when every rule holds. */
export function checkLayers(src: string): Violation[] {
  const files = sources(src);
  const known = new Set(files);
  const graph = new Map(files.map((f) => [f, importsOf(src, f).filter((t) => t !== f)]));
  const violations: Violation[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      if (!known.has(to)) {
        violations.push({ from, to, rule: 'imports a file that does not exist' });
        continue;
      }
      const a = rank(from);
      const b = rank(to);
      if (a === -1 && b !== -1) violations.push({ from, to, rule: 'a ground file imports a layer' });
      else if (b > a) {
        const name = (r: number): string => (r === Infinity ? 'the package index' : LAYERS[r]!);
        violations.push({ from, to, rule: `${name(a)} imports ${name(b)}, a layer above it` });
      }
    }
  }
  for (const file of files.filter((f) => f === 'index.ts' || f.endsWith('/index.ts'))) {
    if (!onlyReexports(readFileSync(join(src, file), 'utf8'))) {
      violations.push({ from: file, to: file, rule: 'an index file does more than re-export' });
    }
  }
  for (const cycle of cycles(graph)) {
    violations.push({
      from: cycle[0]!,
      to: cycle[1]!,
      rule: `a circle of imports: ${[...cycle, cycle[0]].join(' → ')}`,
    });
  }
  return violations;
}

/** Whether a module's statements are all `export … from` (comments aside). */
function onlyReexports(text: string): boolean {
  const source = ts.createSourceFile('index.ts', text, ts.ScriptTarget.ES2022);
  return source.statements.every(
    (st) =>
      (ts.isExportDeclaration(st) && st.moduleSpecifier !== undefined) ||
      (ts.isExportDeclaration(st) && st.exportClause !== undefined && st.moduleSpecifier !== undefined),
  );
}

/** The strongly connected components of more than one file (Tarjan), each as a loop of files. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.reverse());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
  const violations = checkLayers(src);
  for (const v of violations) process.stderr.write(`src/${v.from} → src/${v.to}: ${v.rule}\n`);
  if (violations.length > 0) {
    process.stderr.write(`${violations.length} layer rule(s) broken; the layers are: ground, ${LAYERS.join(' → ')}\n`);
    process.exitCode = 1;
  }
}
