import { checkHandoff, type HandoffOptions } from '../broadcast/handoff.js';
import type { BroadcastResult } from '../broadcast/result.js';
import { runBroadcastParallel } from '../broadcast/parallel.js';
import { runBroadcast, runBroadcasts } from '../broadcast/run.js';
import { checkSpec, resolveSpec, targetPredicate, type BroadcastSpec, type TargetFilter } from '../broadcast/spec.js';
import { checkObject, reroot } from '../check.js';
import { ValidationError } from '../errors.js';
import { compile } from '../network/compile.js';
import type { CompiledMesh } from '../network/mesh.js';
import * as generators from '../network/generators/index.js';
import { checkGrid, checkLine, checkRandomGeometric } from '../network/generators/simple.js';
import { checkUtility, utilitySize } from '../network/generators/utility.js';
import { fromCSV, fromJSON } from '../network/io.js';
import { Network } from '../network/network.js';
import { checkRadio, type RadioOptions } from '../radio/radio.js';
import type { Seed } from '../random/stream.js';

/** Generators a scenario may name. */
export const SCENARIO_GENERATORS = ['line', 'star', 'grid', 'randomGeometric', 'utility'] as const;

/** One of {@link SCENARIO_GENERATORS}. */
export type ScenarioGenerator = (typeof SCENARIO_GENERATORS)[number];

/** Where a scenario's network comes from. */
export type ScenarioNetwork =
  | { readonly generator: ScenarioGenerator; readonly options?: Record<string, unknown> }
  | { readonly file: string }
  | { readonly csv: { readonly devices: string; readonly links: string } };

/** The sweep section of a scenario: a parameter grid and how many replications per cell. */
export interface ScenarioSweep {
  /**
   * Values per parameter. A parameter is a dotted scenario path (`broadcast.maxHops`,
   * `network.options.endpointsPerCollector`, `radio.delay.meanS`, …) or an alias:
   * `maxHops`, `ttlS`, `spacingS`, `packets` (all under `broadcast.`).
   */
  readonly grid?: Readonly<Record<string, readonly unknown[]>>;
  /** Replications per cell. @defaultValue 1 */
  readonly replications?: number;
}

/** A scenario file (JSON): a network, a radio model, a broadcast campaign, optionally a sweep. */
export interface Scenario {
  /** Short title shown in reports. */
  readonly name?: string;
  /** Free text. */
  readonly description?: string;
  /** Root seed. @defaultValue 0 */
  readonly seed?: Seed;
  /** The network. */
  readonly network: ScenarioNetwork;
  /** ResolvedRadio model. */
  readonly radio?: RadioOptions;
  /** Child-module hand-off model. */
  readonly handoff?: HandoffOptions;
  /** The broadcast: a spec whose `origins` may be `"all"` (every collector) and whose targets are a filter. */
  readonly broadcast: ScenarioBroadcast;
  /**
   * Further broadcasts run at the same time as the first pass of `broadcast`, sharing the air
   * (with contention on they defer to and collide with each other). Repeat passes run
   * `broadcast` alone. @defaultValue none
   */
  readonly concurrent?: readonly ScenarioBroadcast[];
  /** Passes to run at most (repeat broadcasts continue from the earlier tanks). @defaultValue 1 */
  readonly passes?: number;
  /** Stop repeating once coverage reaches this share. @defaultValue 1 */
  readonly stopAtCoverage?: number;
  /** Parameter sweep run by `meshcast sweep` / {@link sweep}. */
  readonly sweep?: ScenarioSweep;
}

/** A broadcast in a scenario: a spec whose `origins` may be `"all"` and whose targets are a filter. */
export type ScenarioBroadcast = Omit<BroadcastSpec, 'origins' | 'targets'> & {
  readonly origins: readonly string[] | 'all';
  readonly targets?: TargetFilter;
};

/** Reads a file named in a scenario (relative to the scenario), injected by the caller. */
export type ReadText = (path: string) => string;

/** A scenario checked and turned into runnable parts. */
export interface LoadedScenario {
  /** The scenario as given. */
  readonly scenario: Scenario;
  /**
   * The network built from it. Utility and grid generators build the compiled
   * {@link LoadedScenario.mesh} directly (a `Network` holds an object per device and link: GBs at
   * a million meters), so for them this `Network` is built on first access.
   */
  readonly network: Network;
  /** Its compiled mesh: what every run uses. */
  readonly mesh: CompiledMesh;
  /** The broadcast spec with origins resolved. */
  readonly spec: BroadcastSpec;
  /** The concurrent broadcasts' specs with origins resolved (empty when none). */
  readonly concurrent: readonly BroadcastSpec[];
}

const TOP_KEYS = [
  '$schema',
  'name',
  'description',
  'seed',
  'network',
  'radio',
  'handoff',
  'broadcast',
  'concurrent',
  'passes',
  'stopAtCoverage',
  'sweep',
];

/** Aliases accepted in a sweep grid for common broadcast parameters. */
export const SWEEP_ALIASES: Readonly<Record<string, string>> = {
  maxHops: 'broadcast.maxHops',
  ttlS: 'broadcast.ttlS',
  spacingS: 'broadcast.spacingS',
  packets: 'broadcast.packets',
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const RESOLVERS: Record<ScenarioGenerator, (o: never) => unknown> = {
  line: (o) => checkLine(o),
  star: (o) => checkLine(o, 'star'),
  grid: (o) => checkGrid(o),
  randomGeometric: (o) => checkRandomGeometric(o),
  utility: (o) => checkUtility(o),
};

/**
 * Checks everything about a scenario that does not need its network built: fields, types,
 * ranges, generator options, the broadcast spec (all but whether origins and filter
 * collectors exist), radio, hand-off and sweep sections. Fast and bounded whatever the input,
 * so it is safe on untrusted files. Throws {@link ValidationError} with the scenario path.
 * @param data - parsed JSON
 * @returns the data, typed
 */
export function checkScenario(data: unknown): Scenario {
  if (!isObject(data)) throw new ValidationError('scenario', data, 'a JSON object');
  rejectNulls(data, '');
  for (const key of Object.keys(data)) {
    if (!TOP_KEYS.includes(key)) throw new ValidationError(key, data[key], `a known field: ${TOP_KEYS.join(', ')}`);
  }
  const s = data as unknown as Scenario;
  if (data['$schema'] !== undefined && typeof data['$schema'] !== 'string')
    throw new ValidationError('$schema', data['$schema'], 'a string (the schema URL or path)');
  if (s.name !== undefined && typeof s.name !== 'string') throw new ValidationError('name', s.name, 'a string');
  if (s.description !== undefined && typeof s.description !== 'string')
    throw new ValidationError('description', s.description, 'a string');
  if (s.seed !== undefined && !Number.isInteger(s.seed) && typeof s.seed !== 'string')
    throw new ValidationError('seed', s.seed, 'an integer or a string');
  const passes = s.passes ?? 1;
  if (typeof passes !== 'number' || !Number.isInteger(passes) || passes < 1 || passes > 100)
    throw new ValidationError('passes', passes, 'an integer in 1..100');
  const stop = s.stopAtCoverage ?? 1;
  if (typeof stop !== 'number' || !(stop >= 0 && stop <= 1))
    throw new ValidationError('stopAtCoverage', stop, 'a share in [0, 1]');

  const n: unknown = s.network;
  if (!isObject(n)) throw new ValidationError('network', n, 'an object with generator, file or csv');
  const kinds = ['generator', 'file', 'csv'].filter((k) => k in n);
  if (kinds.length !== 1) throw new ValidationError('network', n, 'exactly one of generator, file or csv');
  if ('generator' in n) {
    for (const key of Object.keys(n))
      if (key !== 'generator' && key !== 'options')
        throw new ValidationError(`network.${key}`, n[key], 'generator and options only');
    const name = n['generator'];
    if (!(SCENARIO_GENERATORS as readonly unknown[]).includes(name))
      throw new ValidationError('network.generator', name, SCENARIO_GENERATORS.join(', '));
    const options = n['options'] ?? {};
    if (!isObject(options)) throw new ValidationError('network.options', options, 'an object of generator options');
    reroot('network.options', /^/, () => RESOLVERS[name as ScenarioGenerator](options as never));
  } else if ('file' in n) {
    if (typeof n['file'] !== 'string')
      throw new ValidationError('network.file', n['file'], 'a path to a meshcast-network JSON file');
  } else {
    const csv = n['csv'];
    if (!isObject(csv) || typeof csv['devices'] !== 'string' || typeof csv['links'] !== 'string') {
      throw new ValidationError('network.csv', csv, '{ devices: path, links: path }');
    }
  }

  checkBroadcast(s.broadcast, 'broadcast');
  if (s.concurrent !== undefined) {
    if (!Array.isArray(s.concurrent) || s.concurrent.length > 100)
      throw new ValidationError('concurrent', s.concurrent, 'a list of at most 100 broadcasts');
    s.concurrent.forEach((b, i) => checkBroadcast(b, `concurrent[${i}]`));
  }
  reroot('radio', /^options\.radio\.?/, () => checkRadio(s.radio, 'options.radio'));
  reroot('handoff', /^options\.handoff\.?/, () => checkHandoff(s.handoff, 'options.handoff'));
  if (s.sweep !== undefined) checkSweepSection(s.sweep);
  return s;
}

/**
 * null never means anything in a scenario (an absent field is omitted, not null), and a
 * scenario is JSON data, so it has no cycles.
 */
function rejectNulls(v: unknown, path: string, open = new Set<object>()): void {
  if (v === null)
    throw new ValidationError(path || 'scenario', null, 'a value (omit a field rather than setting it to null)');
  if (typeof v !== 'object') return;
  if (open.has(v)) throw new ValidationError(path, 'a cycle', 'JSON data (no object may contain itself)');
  open.add(v);
  if (Array.isArray(v)) v.forEach((x, i) => rejectNulls(x, `${path}[${i}]`, open));
  else for (const [k, x] of Object.entries(v)) rejectNulls(x, path === '' ? k : `${path}.${k}`, open);
  open.delete(v);
}

function checkBroadcast(b: unknown, path: string): void {
  if (!isObject(b)) throw new ValidationError(path, b, 'a broadcast spec object');
  const origins = b['origins'];
  if (origins !== 'all' && !Array.isArray(origins))
    throw new ValidationError(`${path}.origins`, origins, '"all" or a list of collector ids');
  reroot(path, /^spec\.?/, () => checkSpec({ ...b, origins: origins === 'all' ? ['all'] : origins } as BroadcastSpec));
}

function checkSweepSection(sw: unknown): void {
  if (!isObject(sw)) throw new ValidationError('sweep', sw, 'an object with grid and replications');
  for (const key of Object.keys(sw))
    if (key !== 'grid' && key !== 'replications')
      throw new ValidationError(`sweep.${key}`, sw[key], 'grid or replications');
  const reps = sw['replications'] ?? 1;
  if (typeof reps !== 'number' || !Number.isInteger(reps) || reps < 1 || reps > 1_000_000)
    throw new ValidationError('sweep.replications', reps, 'an integer in 1..1000000');
  const grid = sw['grid'] ?? {};
  if (!isObject(grid)) throw new ValidationError('sweep.grid', grid, 'an object of parameter → list of values');
  for (const [param, values] of Object.entries(grid)) {
    sweepPath(param, `sweep.grid.${param}`);
    if (!Array.isArray(values) || values.length === 0 || values.length > 100_000) {
      throw new ValidationError(`sweep.grid.${param}`, values, 'a non-empty list of values');
    }
  }
}

/**
 * The scenario path a sweep parameter sets (aliases resolved), checked to start at a section
 * a sweep may vary.
 * @param param - alias or dotted path
 * @param where - path for errors
 */
export function sweepPath(param: string, where = param): string[] {
  const path = (SWEEP_ALIASES[param] ?? param).split('.');
  const roots = ['network', 'broadcast', 'concurrent', 'radio', 'handoff', 'passes', 'stopAtCoverage'];
  if (
    path.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype') ||
    !roots.includes(path[0]!)
  ) {
    throw new ValidationError(
      where,
      param,
      `an alias (${Object.keys(SWEEP_ALIASES).join(', ')}) or a dotted path under ${roots.join(', ')}`,
    );
  }
  return path;
}

/**
 * About how many devices the scenario's network has, without building it (Infinity for file
 * networks): lets callers refuse or plan for very large scenarios.
 */
export function scenarioSize(scenario: Scenario): number {
  const n = scenario.network;
  if (!('generator' in n)) return Infinity;
  const o = (n.options ?? {}) as never;
  switch (n.generator) {
    case 'line':
    case 'star':
      return checkLine(o, n.generator).meters + 1;
    case 'grid': {
      const g = checkGrid(o);
      return g.width * g.height;
    }
    case 'randomGeometric': {
      const r = checkRandomGeometric(o);
      return r.meters + r.collectors;
    }
    case 'utility':
      return utilitySize(o);
  }
}

/**
 * Checks a parsed scenario, builds its network and resolves its broadcast. Every error is a
 * {@link ValidationError} whose path is rooted at the scenario (e.g. `broadcast.maxHops`,
 * `network.options.gasShare`).
 * @param data - parsed JSON
 * @param readText - reads files the scenario names (network files)
 */
export function loadScenario(data: unknown, readText: ReadText = noFiles): LoadedScenario {
  const s = checkScenario(data);
  return bindScenario(s, buildMesh(s.network, readText), readText);
}

/**
 * Binds a checked scenario to an already built network or mesh (sweeps reuse one for every
 * cell that shares it).
 * @param readText - reads the scenario's network files, should its `Network` be asked for
 * @internal
 */
export function bindScenario(s: Scenario, built: Network | CompiledMesh, readText: ReadText = noFiles): LoadedScenario {
  const mesh = built instanceof Network ? reroot('network', /^/, () => compile(built)) : built;
  let network = built instanceof Network ? built : undefined;
  const bind = (b: ScenarioBroadcast, path: string): BroadcastSpec => {
    const spec: BroadcastSpec = {
      ...b,
      origins: b.origins === 'all' ? Array.from(mesh.collectors, (c) => mesh.id(c)) : b.origins,
    };
    reroot(path, /^spec\.?/, () => {
      resolveSpec(spec, mesh);
      targetPredicate(spec.targets, mesh);
    });
    return spec;
  };
  const spec = bind(s.broadcast, 'broadcast');
  const concurrent = (s.concurrent ?? []).map((b, i) => bind(b, `concurrent[${i}]`));
  return {
    scenario: s,
    get network(): Network {
      return (network ??= buildNetwork(s.network, readText));
    },
    mesh,
    spec,
    concurrent,
  };
}

/** A {@link ReadText} for scenarios whose networks come from generators. */
const noFiles: ReadText = () => {
  throw new ValidationError('network', 'a file', 'a generator (no file reader was given)');
};

/**
 * Generators that build their compiled mesh directly: the same mesh `compile` gives of their
 * network (tested), with ids and device records as columns instead of an object per device and
 * per link — a million-meter utility in ~0.5 GB and ~40 s instead of several GB and minutes.
 */
const MESH_BUILDERS: Partial<Record<ScenarioGenerator, (options: never) => CompiledMesh>> = {
  utility: generators.utilityMesh,
  grid: generators.gridMesh,
};

/**
 * Builds what a scenario's runs need: the compiled mesh where its generator builds one directly
 * (see {@link MESH_BUILDERS}), else its network (generator, JSON file or CSV files).
 * @internal
 */
export function buildMesh(n: ScenarioNetwork, readText: ReadText): Network | CompiledMesh {
  if ('generator' in n) {
    const direct = MESH_BUILDERS[n.generator];
    if (direct !== undefined) return reroot('network.options', /^/, () => direct((n.options ?? {}) as never));
  }
  return buildNetwork(n, readText);
}

/**
 * Builds a scenario's network (generator, JSON file or CSV files).
 * @internal
 */
export function buildNetwork(n: ScenarioNetwork, readText: ReadText): Network {
  if ('generator' in n) {
    const make = generators[n.generator] as (o: unknown) => Network;
    return reroot('network.options', /^/, () => make(n.options ?? {}));
  }
  if ('file' in n) {
    let data: unknown;
    try {
      data = JSON.parse(readText(n.file));
    } catch (e) {
      if (e instanceof ValidationError) throw e;
      throw new ValidationError('network.file', n.file, `a readable JSON file (${(e as Error).message})`);
    }
    return reroot('network', /^network\.?/, () => fromJSON(data));
  }
  let devices: string;
  let links: string;
  try {
    devices = readText(n.csv.devices);
    links = readText(n.csv.links);
  } catch (e) {
    throw new ValidationError('network.csv', n.csv, `readable CSV files (${(e as Error).message})`);
  }
  return reroot('network.csv', /^/, () => fromCSV(devices, links));
}

/** The outcome of a scenario: its passes in order. */
export interface ScenarioResult {
  /** The loaded scenario. */
  readonly loaded: LoadedScenario;
  /** Results of the passes run (at least one). */
  readonly passes: readonly BroadcastResult[];
  /** Results of the concurrent broadcasts (run with the first pass; empty when none). */
  readonly concurrent: readonly BroadcastResult[];
}

/** What every pass of a scenario run shares: run options, the repeat passes' spec, when to stop. */
function passPlan(loaded: LoadedScenario, seed: Seed | undefined, replication: number) {
  if (typeof loaded !== 'object' || loaded === null || !('scenario' in loaded) || !('mesh' in loaded)) {
    throw new ValidationError('loaded', loaded, 'a LoadedScenario (from loadScenario)');
  }
  const s = loaded.scenario;
  const options = {
    seed: seed ?? s.seed ?? 0,
    replication,
    ...(s.radio === undefined ? {} : { radio: s.radio }),
    ...(s.handoff === undefined ? {} : { handoff: s.handoff }),
  };
  // Repeat passes start when the earlier pass's traffic has died out.
  const { startS: _firstStart, ...repeat } = loaded.spec;
  const stop = s.stopAtCoverage ?? 1;
  const more = (passes: readonly BroadcastResult[]): boolean =>
    passes.length < (s.passes ?? 1) && passes[passes.length - 1]!.coverage < stop;
  return { options, repeat, more };
}

/**
 * Runs a loaded scenario: the first pass, then repeat passes from the earlier tanks until
 * `passes` have run or coverage reaches `stopAtCoverage`.
 * @param loaded - from {@link loadScenario}
 * @param seed - overrides the scenario's seed
 * @param replication - replication index (Monte Carlo studies). @defaultValue 0
 */
export function runScenario(loaded: LoadedScenario, seed?: Seed, replication = 0): ScenarioResult {
  const { options, repeat, more } = passPlan(loaded, seed, replication);
  const [first, ...concurrent] =
    loaded.concurrent.length === 0
      ? [runBroadcast(loaded.mesh, loaded.spec, options)]
      : runBroadcasts(loaded.mesh, [loaded.spec, ...loaded.concurrent], options);
  const passes = [first!];
  while (more(passes))
    passes.push(runBroadcast(loaded.mesh, repeat, { ...options, previous: passes[passes.length - 1]! }));
  return { loaded, passes, concurrent };
}

/** Options of {@link runScenarioParallel}. */
export interface ScenarioParallelOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: Seed;
  /** Replication index (Monte Carlo studies). @defaultValue 0 */
  readonly replication?: number;
  /** Worker threads. @defaultValue 'auto' (one per core) */
  readonly workers?: number | 'auto';
  /**
   * Progress of the pass running: its number (1 for the first), the packets flooded so far and
   * the packets it sends (about twice a second, and when it ends).
   */
  readonly onProgress?: (pass: number, flooded: number, packets: number) => void;
  /** Cancels the run: the promise rejects with an `AbortError`. */
  readonly signal?: AbortSignal;
}

/**
 * {@link runScenario} with each pass's packets flooded on worker threads
 * (`runBroadcastParallel`): the same result, sooner on a large network. A first pass that
 * shares the air with concurrent broadcasts runs on the calling thread, as in `runScenario`.
 * @param loaded - from {@link loadScenario}
 * @param options - seed, replication, workers, progress and cancellation
 */
export async function runScenarioParallel(
  loaded: LoadedScenario,
  options: ScenarioParallelOptions = {},
): Promise<ScenarioResult> {
  checkObject('options', options, ['seed', 'replication', 'workers', 'onProgress', 'signal'], 'scenario run options');
  const { seed, replication = 0, workers = 'auto', onProgress, signal } = options;
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw new ValidationError('options.onProgress', onProgress, 'a function (pass, flooded, packets) => void');
  const plan = passPlan(loaded, seed, replication);
  const parallel = (pass: number) => ({
    ...plan.options,
    workers,
    ...(signal === undefined ? {} : { signal }),
    ...(onProgress === undefined
      ? {}
      : { onProgress: (flooded: number, packets: number) => onProgress(pass, flooded, packets) }),
  });
  const [first, ...concurrent] =
    loaded.concurrent.length === 0
      ? [await runBroadcastParallel(loaded.mesh, loaded.spec, parallel(1))]
      : runBroadcasts(loaded.mesh, [loaded.spec, ...loaded.concurrent], plan.options);
  const passes = [first!];
  while (plan.more(passes))
    passes.push(
      await runBroadcastParallel(loaded.mesh, plan.repeat, {
        ...parallel(passes.length + 1),
        previous: passes[passes.length - 1]!,
      }),
    );
  return { loaded, passes, concurrent };
}
