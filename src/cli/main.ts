#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MeshcastError, ValidationError } from '../errors.js';
import { formatCampaign } from '../report/text.js';
import { loadScenario, runScenario } from '../scenario/scenario.js';
import { VERSION } from '../version.js';

/** Exit codes of the meshcast command (documented in the README). */
export const EXIT = { ok: 0, failure: 1, usage: 2, invalid: 3 } as const;

const USAGE = `meshcast ${VERSION}: simulate firmware broadcast campaigns over a utility RF mesh

Usage:
  meshcast run <scenario.json> [--seed S] [--passes N] [--json]
  meshcast validate <scenario.json>
  meshcast --version | --help

Exit codes: 0 done, 1 failure, 2 bad command line, 3 invalid scenario.`;

interface Parsed {
  readonly command: string | undefined;
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

function parse(argv: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const valued = new Set(['--seed', '--passes']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(0, eq), a.slice(eq + 1));
      else if (valued.has(a)) {
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`${a} needs a value`);
        flags.set(a, v);
      } else flags.set(a, true);
    } else positional.push(a);
  }
  return { command: positional.shift(), positional, flags };
}

class UsageError extends Error {}

function loadFile(path: string): ReturnType<typeof loadScenario> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ValidationError('scenario', path, `valid JSON (${(e as Error).message})`);
  }
  const base = dirname(resolve(path));
  return loadScenario(data, (p) => readFileSync(resolve(base, p), 'utf8'));
}

/** Runs the command line; returns the exit code. Exported for tests. */
export function main(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
  try {
    const { command, positional, flags } = parse(argv);
    if (flags.has('--version')) {
      out(`${VERSION}\n`);
      return EXIT.ok;
    }
    if (flags.has('--help') || command === undefined || command === 'help') {
      out(`${USAGE}\n`);
      return command === undefined && !flags.has('--help') ? EXIT.usage : EXIT.ok;
    }
    const known = new Set(['--seed', '--passes', '--json']);
    for (const f of flags.keys()) if (!known.has(f)) throw new UsageError(`unknown option ${f}`);
    if (command !== 'run' && command !== 'validate') throw new UsageError(`unknown command ${command}`);
    const file = positional[0];
    if (file === undefined) throw new UsageError(`${command} needs a scenario file`);
    const loaded = loadFile(file);
    if (command === 'validate') {
      out(`${file}: valid (${loaded.mesh.n} devices, ${loaded.mesh.collectors.length} collectors)\n`);
      return EXIT.ok;
    }
    let scenario = loaded;
    const passes = flags.get('--passes');
    if (passes !== undefined) {
      const n = Number(passes);
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError('--passes needs an integer in 1..100');
      scenario = { ...loaded, scenario: { ...loaded.scenario, passes: n } };
    }
    const seedFlag = flags.get('--seed');
    const seed = seedFlag === undefined || seedFlag === true ? undefined : /^-?\d+$/.test(seedFlag) ? Number(seedFlag) : seedFlag;
    const result = runScenario(scenario, seed);
    if (flags.has('--json')) {
      out(`${JSON.stringify({ scenario: loaded.scenario.name ?? file, passes: result.passes.map((p) => p.summary()) })}\n`);
    } else {
      out(`${formatCampaign(result.passes, loaded.scenario.name ?? file)}\n`);
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`meshcast: ${e.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (e instanceof ValidationError) {
      err(`meshcast: invalid scenario: ${e.message}\n`);
      return EXIT.invalid;
    }
    if (e instanceof MeshcastError) {
      err(`meshcast: ${e.message}\n`);
      return EXIT.failure;
    }
    throw e;
  }
}

// Run when this file is the program (directly, or through npm's bin symlink), not when imported.
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
if (isEntryPoint()) process.exitCode = main(process.argv.slice(2));
