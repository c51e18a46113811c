import { runBroadcast } from '../broadcast/run.js';
import type { BroadcastResult } from '../broadcast/result.js';
import type { BroadcastSpec } from '../broadcast/spec.js';
import { resolveHandoff, type HandoffOptions } from '../broadcast/handoff.js';
import { resolveSpec, targetPredicate } from '../broadcast/spec.js';
import { resolveRadio } from '../radio/radio.js';
import { ValidationError } from '../errors.js';
import { compile, type CompiledMesh } from '../network/compile.js';
import * as generators from '../network/generators/index.js';
import { fromCSV, fromJSON } from '../network/io.js';
import type { Network } from '../network/network.js';
import type { RadioOptions } from '../radio/radio.js';
import type { Seed } from '../random/stream.js';

/** Generators a scenario may name. */
export const SCENARIO_GENERATORS = ['line', 'star', 'grid', 'randomGeometric', 'utility'] as const;

/** Where a scenario's network comes from. */
export type ScenarioNetwork =
  | { readonly generator: (typeof SCENARIO_GENERATORS)[number]; readonly options?: Record<string, unknown> }
  | { readonly file: string }
  | { readonly csv: { readonly devices: string; readonly links: string } };

/** A scenario file (JSON): a network, a radio model and a broadcast campaign of repeat passes. */
export interface Scenario {
  /** Short title shown in reports. */
  readonly name?: string;
  /** Free text. */
  readonly description?: string;
  /** Root seed. @defaultValue 0 */
  readonly seed?: Seed;
  /** The network. */
  readonly network: ScenarioNetwork;
  /** Radio model. */
  readonly radio?: RadioOptions;
  /** Child-module hand-off model. */
  readonly handoff?: HandoffOptions;
  /** The broadcast: a spec whose `origins` may be `"all"` (every collector) and whose targets are a filter. */
  readonly broadcast: Omit<BroadcastSpec, 'origins'> & { readonly origins: readonly string[] | 'all' };
  /** Passes to run at most (repeat broadcasts continue from the earlier tanks). @defaultValue 1 */
  readonly passes?: number;
  /** Stop repeating once coverage reaches this share. @defaultValue 1 */
  readonly stopAtCoverage?: number;
}

/** Reads a file named in a scenario (relative to the scenario), injected by the caller. */
export type ReadText = (path: string) => string;

/** A scenario checked and turned into runnable parts. */
export interface LoadedScenario {
  /** The scenario as given. */
  readonly scenario: Scenario;
  /** The network built from it. */
  readonly network: Network;
  /** Its compiled mesh. */
  readonly mesh: CompiledMesh;
  /** The broadcast spec with origins resolved. */
  readonly spec: BroadcastSpec;
}

const TOP_KEYS = ['$schema', 'name', 'description', 'seed', 'network', 'radio', 'handoff', 'broadcast', 'passes', 'stopAtCoverage'];

/** Re-roots a library ValidationError under a scenario path. */
function under<T>(prefix: string, strip: RegExp, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValidationError) {
      const rest = e.path.replace(strip, '');
      throw new ValidationError(rest === '' ? prefix : `${prefix}${rest.startsWith('[') ? '' : '.'}${rest}`, e.value, e.allowed);
    }
    throw e;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks a parsed scenario, builds its network and resolves its broadcast. Every error is a
 * {@link ValidationError} whose path is rooted at the scenario (e.g. `broadcast.maxHops`,
 * `network.options.gasShare`).
 * @param data - parsed JSON
 * @param readText - reads files the scenario names (network files)
 */
export function loadScenario(data: unknown, readText: ReadText = () => {
  throw new ValidationError('network', 'a file', 'a generator (no file reader was given)');
}): LoadedScenario {
  if (!isObject(data)) throw new ValidationError('scenario', data, 'a JSON object');
  for (const key of Object.keys(data)) {
    if (!TOP_KEYS.includes(key)) throw new ValidationError(key, data[key], `a known field: ${TOP_KEYS.join(', ')}`);
  }
  const s = data as unknown as Scenario;
  if (s.name !== undefined && typeof s.name !== 'string') throw new ValidationError('name', s.name, 'a string');
  if (s.seed !== undefined && typeof s.seed !== 'number' && typeof s.seed !== 'string') throw new ValidationError('seed', s.seed, 'a number or a string');
  const passes = s.passes ?? 1;
  if (!Number.isInteger(passes) || passes < 1 || passes > 100) throw new ValidationError('passes', passes, 'an integer in 1..100');
  const stop = s.stopAtCoverage ?? 1;
  if (typeof stop !== 'number' || !(stop >= 0 && stop <= 1)) throw new ValidationError('stopAtCoverage', stop, 'a share in [0, 1]');

  const network = buildNetwork(s.network, readText);
  const mesh = under('network', /^/, () => compile(network));

  if (!isObject(s.broadcast)) throw new ValidationError('broadcast', s.broadcast, 'a broadcast spec object');
  const origins = s.broadcast.origins === 'all' ? Array.from(mesh.collectors, (c) => mesh.id(c)) : s.broadcast.origins;
  const spec: BroadcastSpec = { ...s.broadcast, origins };
  if (typeof spec.targets === 'function') throw new ValidationError('broadcast.targets', 'a function', 'a target filter object');
  // Check the spec and the run options now, so a bad scenario fails before any simulation.
  under('broadcast', /^spec\.?/, () => {
    resolveSpec(spec, mesh);
    targetPredicate(spec.targets, mesh);
  });
  under('radio', /^options\.radio\.?/, () => resolveRadio(s.radio, 'options.radio'));
  under('handoff', /^options\.handoff\.?/, () => resolveHandoff(s.handoff, 'options.handoff'));
  return { scenario: s, network, mesh, spec };
}

function buildNetwork(n: unknown, readText: ReadText): Network {
  if (!isObject(n)) throw new ValidationError('network', n, 'an object with generator, file or csv');
  if ('generator' in n) {
    const name = n['generator'];
    if (!(SCENARIO_GENERATORS as readonly unknown[]).includes(name)) {
      throw new ValidationError('network.generator', name, SCENARIO_GENERATORS.join(', '));
    }
    const options = n['options'] ?? {};
    if (!isObject(options)) throw new ValidationError('network.options', options, 'an object of generator options');
    const make = generators[name as (typeof SCENARIO_GENERATORS)[number]] as (o: unknown) => Network;
    return under('network.options', /^/, () => make(options));
  }
  if ('file' in n) {
    const file = n['file'];
    if (typeof file !== 'string') throw new ValidationError('network.file', file, 'a path to a meshcast-network JSON file');
    let data: unknown;
    try {
      data = JSON.parse(readText(file));
    } catch (e) {
      if (e instanceof ValidationError) throw e;
      throw new ValidationError('network.file', file, `a readable JSON file (${(e as Error).message})`);
    }
    return under('network', /^network\.?/, () => fromJSON(data));
  }
  if ('csv' in n) {
    const csv = n['csv'];
    if (!isObject(csv) || typeof csv['devices'] !== 'string' || typeof csv['links'] !== 'string') {
      throw new ValidationError('network.csv', csv, '{ devices: path, links: path }');
    }
    return under('network.csv', /^/, () => fromCSV(readText(csv['devices'] as string), readText(csv['links'] as string)));
  }
  throw new ValidationError('network', n, 'an object with generator, file or csv');
}

/** The outcome of a scenario: its passes in order. */
export interface ScenarioResult {
  /** The loaded scenario. */
  readonly loaded: LoadedScenario;
  /** Results of the passes run (at least one). */
  readonly passes: readonly BroadcastResult[];
}

/**
 * Runs a loaded scenario: the first pass, then repeat passes from the earlier tanks until
 * `passes` have run or coverage reaches `stopAtCoverage`.
 * @param loaded - from {@link loadScenario}
 * @param seed - overrides the scenario's seed
 */
export function runScenario(loaded: LoadedScenario, seed?: Seed): ScenarioResult {
  const s = loaded.scenario;
  const options = {
    seed: seed ?? s.seed ?? 0,
    ...(s.radio === undefined ? {} : { radio: s.radio }),
    ...(s.handoff === undefined ? {} : { handoff: s.handoff }),
  };
  // Repeat passes start when the earlier pass's traffic has died out.
  const { startS: _firstStart, ...repeat } = loaded.spec;
  const stop = s.stopAtCoverage ?? 1;
  const passes = [runBroadcast(loaded.mesh, loaded.spec, options)];
  while (passes.length < (s.passes ?? 1) && passes[passes.length - 1]!.coverage < stop) {
    passes.push(runBroadcast(loaded.mesh, repeat, { ...options, previous: passes[passes.length - 1]! }));
  }
  return { loaded, passes };
}
