import { checkHandoff, type HandoffOptions, type ResolvedHandoff } from '../broadcast/handoff.js';
import { checkSpec, type BroadcastSpec, type ResolvedSpec, type TargetFilter } from '../broadcast/spec.js';
import {
  CheckContext,
  checkInteger,
  checkObject,
  checkProbability,
  checkSeed,
  checkString,
  isPlainObject,
  join,
} from '../check.js';
import { ValidationError } from '../errors.js';
import { checkMemory } from '../runtime/memory.js';
import { stateBytes } from '../broadcast/state.js';
import { MAX_JSON_DEPTH } from '../json-text.js';
import { generator, GENERATOR_NAMES, type GeneratorName } from '../network/generators/registry.js';
import { checkRadio, type RadioOptions, type ResolvedRadio } from '../radio/radio.js';
import { checkTraffic, type ResolvedTraffic, type TrafficOptions } from '../traffic/traffic.js';
import type { Seed } from '../random/stream.js';
import { checkCampaignSection, type ResolvedCampaignSection, type ScenarioCampaign } from './campaign.js';
import { checkHeadendSection, type ResolvedHeadendSection, type ScenarioHeadend } from './headend.js';

/** Generators a scenario may name. */
export const SCENARIO_GENERATORS: readonly GeneratorName[] = GENERATOR_NAMES;

/** One of {@link SCENARIO_GENERATORS}. */
export type ScenarioGenerator = GeneratorName;

/** Where a scenario's network comes from. */
export type ScenarioNetwork =
  | {
      /** A generator by name. */
      readonly generator: ScenarioGenerator;
      /** Its options (see the generator). */
      readonly options?: Record<string, unknown>;
    }
  | {
      /** A network file, relative to the scenario's directory. */
      readonly file: string;
    }
  | {
      /** CSV files of devices and links, relative to the scenario's directory. */
      readonly csv: {
        /** The devices' file. */
        readonly devices: string;
        /** The links' file. */
        readonly links: string;
      };
    };

/** The sweep section of a scenario: a parameter grid and how many replications per cell. */
export interface ScenarioSweep {
  /**
   * Values per parameter. A parameter is a dotted scenario path (`broadcast.maxHops`,
   * `network.options.endpointsPerCollector`, `radio.delay.meanS`, …) or an alias:
   * `maxHops`, `ttlS`, `spacingS`, `packets` (all under `broadcast.`). Their meaning is the
   * sweep's (see `sweep`); a scenario only carries them.
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
  /** Root seed: an integer or a string. @defaultValue 0 */
  readonly seed?: Seed;
  /** The network. */
  readonly network: ScenarioNetwork;
  /** Radio model. */
  readonly radio?: RadioOptions;
  /** AMI traffic sharing the air with the broadcasts (needs `radio.contention`). */
  readonly traffic?: TrafficOptions;
  /** Child-module hand-off model. */
  readonly handoff?: HandoffOptions;
  /**
   * The broadcast: a spec whose `origins` may be `"all"` (every collector) and whose targets are
   * a filter. Required, but in a head-end scenario (`headend`), whose commands are its broadcasts.
   */
  readonly broadcast?: ScenarioBroadcast;
  /**
   * An operator's day on the head-end instead of a broadcast: its catalogue, records, groups and
   * the commands run in order (`meshcast run` prints the head-end's screens).
   */
  readonly headend?: ScenarioHeadend;
  /**
   * An upgrade campaign run through the head-end set up in `headend` (which then holds no
   * commands): a release planned in one of the guide's installation orders (`meshcast plan`,
   * `meshcast campaign`).
   */
  readonly campaign?: ScenarioCampaign;
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
  /**
   * Broadcast in groups of collectors, one group after another, as the guide does:
   * `'two-mile'` — as few groups as keep collectors within 2 miles of each other apart — or the
   * groups given (lists of collector ids). Each group's broadcast targets the endpoints
   * registered to its collectors and repeats until `stopAtCoverage`. @defaultValue none: one broadcast
   */
  readonly groups?: 'two-mile' | readonly (readonly string[])[];
  /** Parameter sweep run by `meshcast sweep` / `sweep()`. */
  readonly sweep?: ScenarioSweep;
}

/** A broadcast in a scenario: a spec whose targets are a filter (JSON holds no functions). */
export type ScenarioBroadcast = Omit<BroadcastSpec, 'targets'> & {
  /**
   * Which devices must take the image (a declarative filter: scenarios are JSON).
   * @defaultValue every electric meter
   */
  readonly targets?: TargetFilter;
};

/** A scenario's network section checked: a generator with its options resolved, or files to read. */
export type ResolvedNetworkSection =
  | {
      /** A generator by name. */
      readonly generator: ScenarioGenerator;
      /** Its options, checked with defaults applied. */
      readonly options: unknown;
    }
  | {
      /** A network file, relative to the scenario's directory. */
      readonly file: string;
    }
  | {
      /** CSV files of devices and links, relative to the scenario's directory. */
      readonly csv: {
        /** The devices' file. */
        readonly devices: string;
        /** The links' file. */
        readonly links: string;
      };
    };

/**
 * A scenario checked, with defaults applied: what runs take. Plain data (structured-cloneable),
 * so worker threads receive it as it is.
 */
export interface ResolvedScenario {
  /** The scenario as given (sweeps apply their cells to it and derive their identity from it). */
  readonly source: Scenario;
  /** Title, or null. */
  readonly name: string | null;
  /** Root seed. */
  readonly seed: Seed;
  /** The network section. */
  readonly network: ResolvedNetworkSection;
  /** Radio model. */
  readonly radio: ResolvedRadio;
  /** AMI traffic on the shared air. */
  readonly traffic: ResolvedTraffic;
  /** Hand-off model. */
  readonly handoff: ResolvedHandoff;
  /** The broadcast (null in a head-end scenario). */
  readonly broadcast: ResolvedSpec | null;
  /** The head-end section, or null. */
  readonly headend: ResolvedHeadendSection | null;
  /** The campaign section, or null. */
  readonly campaign: ResolvedCampaignSection | null;
  /** The concurrent broadcasts. */
  readonly concurrent: readonly ResolvedSpec[];
  /** Passes to run at most. */
  readonly passes: number;
  /** Stop repeating once coverage reaches this share. */
  readonly stopAtCoverage: number;
  /** Collector groups broadcasting one after another, or null for one broadcast. */
  readonly groups: 'two-mile' | readonly (readonly string[])[] | null;
  /** The sweep section, its shape checked (its parameters are the sweep's to check), or null. */
  readonly sweep: {
    /** Values per parameter. */
    readonly grid: Readonly<Record<string, readonly unknown[]>>;
    /** Replications per cell. */
    readonly replications: number;
  } | null;
}

/** The top-level fields of a scenario. */
export const SCENARIO_FIELDS = [
  '$schema',
  'name',
  'description',
  'seed',
  'network',
  'radio',
  'traffic',
  'handoff',
  'broadcast',
  'headend',
  'campaign',
  'concurrent',
  'passes',
  'stopAtCoverage',
  'groups',
  'sweep',
];

/** Most values one sweep parameter may list. */
const MAX_GRID_VALUES = 100_000;

/**
 * Checks a scenario — fields, types, ranges, generator options, the broadcast specs (all but
 * whether origins and filter collectors exist), radio, hand-off and the sweep section's shape —
 * and applies defaults, without building its network. Fast and bounded whatever the input, so
 * it is safe on untrusted files. Throws {@link ValidationError} with the scenario path.
 * @param data - parsed JSON
 * @param context - where errors go: by default the first is thrown; a collecting context
 *   (`meshcast validate`) checks each section and broadcast field on its own and throws every
 *   error found ({@link ValidationErrors} when several)
 */
export function checkScenario(data: unknown, context = new CheckContext()): ResolvedScenario {
  if (!isPlainObject(data)) throw new ValidationError('scenario', data, 'a JSON object');
  rejectNulls(data, '');
  const s = checkObject('', data, SCENARIO_FIELDS, 'a scenario', context);
  const field = <T>(check: () => T): T | undefined => context.field(check);
  field(() => {
    if (s['$schema'] !== undefined && typeof s['$schema'] !== 'string')
      throw new ValidationError('$schema', s['$schema'], 'a string (the schema URL or path)');
  });
  const name = field(() => {
    if (s['name'] !== undefined && typeof s['name'] !== 'string')
      throw new ValidationError('name', s['name'], 'a string');
    return s['name'] ?? null;
  });
  field(() => {
    if (s['description'] !== undefined && typeof s['description'] !== 'string')
      throw new ValidationError('description', s['description'], 'a string');
  });
  const seed = field(() => checkSeed('seed', s['seed'] ?? 0));
  const passes = field(() => checkInteger('passes', s['passes'] ?? 1, 1, 100));
  const stopAtCoverage = field(() => checkProbability('stopAtCoverage', s['stopAtCoverage'] ?? 1, 'a share'));
  const network = field(() => checkNetworkSection(s['network']));
  field(() => {
    if (s['campaign'] !== undefined && s['headend'] === undefined)
      throw new ValidationError('headend', undefined, 'a head-end section: the head-end a campaign runs through');
  });
  // A head-end scenario's broadcasts are its commands.
  const isHeadend = s['headend'] !== undefined;
  const headend = field(() => (isHeadend ? checkHeadendSection(s['headend'], s['campaign'] !== undefined) : null));
  const campaign = field(() => (s['campaign'] === undefined ? null : checkCampaignSection(s['campaign'])));
  if (isHeadend) {
    for (const key of ['broadcast', 'concurrent', 'passes', 'stopAtCoverage', 'groups', 'sweep']) {
      field(() => {
        if (s[key] !== undefined)
          throw new ValidationError(key, s[key], "nothing in a head-end scenario: its commands are in 'headend'");
      });
    }
  }
  const broadcast = isHeadend ? null : field(() => checkSpec(s['broadcast'], 'broadcast', context));
  const concurrent = field(() => {
    const list = s['concurrent'] ?? [];
    if (!Array.isArray(list) || list.length > 100) {
      throw new ValidationError('concurrent', list, 'a list of at most 100 broadcasts');
    }
    const mark = context.mark();
    const specs = list.map((b, i) => field(() => checkSpec(b, `concurrent[${i}]`, context)));
    context.settle(mark);
    return specs as ResolvedSpec[];
  });
  const radio = field(() => checkRadio(s['radio'] as RadioOptions | undefined, 'radio'));
  const traffic =
    radio === undefined
      ? undefined
      : field(() => checkTraffic(s['traffic'] as TrafficOptions | undefined, 'traffic', radio));
  const handoff = field(() => checkHandoff(s['handoff'] as HandoffOptions | undefined, 'handoff'));
  const sweep = field(() => (s['sweep'] === undefined ? null : checkSweepSection(s['sweep'])));
  const groups =
    broadcast === null || broadcast === undefined || concurrent === undefined
      ? null
      : field(() => (s['groups'] === undefined ? null : checkGroups(s['groups'], broadcast, concurrent.length)));
  if (network !== undefined && broadcast !== null && broadcast !== undefined && passes !== undefined)
    field(() => checkPassesSize(network, broadcast, passes));
  context.finish();

  // Every field is valid here (finish threw otherwise).
  return {
    source: data as unknown as Scenario,
    name: name!,
    seed: seed!,
    network: network!,
    radio: radio!,
    traffic: traffic!,
    handoff: handoff!,
    broadcast: broadcast!,
    headend: headend!,
    campaign: campaign!,
    concurrent: concurrent!,
    passes: passes!,
    stopAtCoverage: stopAtCoverage!,
    groups: groups!,
    sweep: sweep!,
  };
}

/**
 * The groups section: `'two-mile'`, or lists of collector ids that split the broadcast's origins
 * (each origin in one group). A grouped broadcast has no concurrent broadcasts.
 */
function checkGroups(v: unknown, broadcast: ResolvedSpec, concurrent: number): ResolvedScenario['groups'] {
  if (concurrent > 0) throw new ValidationError('groups', v, 'no groups with concurrent broadcasts');
  if (v === 'two-mile') return v;
  if (!Array.isArray(v) || v.length === 0) {
    throw new ValidationError('groups', v, "'two-mile' or a non-empty list of groups of collector ids");
  }
  const seen = new Set<string>();
  v.forEach((g: unknown, i) => {
    if (!Array.isArray(g) || g.length === 0)
      throw new ValidationError(`groups[${i}]`, g, 'a non-empty list of collector ids');
    g.forEach((id: unknown, j) => {
      const at = `groups[${i}][${j}]`;
      checkString(at, id, 'a collector id');
      if (seen.has(id as string)) throw new ValidationError(at, id, 'each collector in one group');
      if (broadcast.origins !== 'all' && !broadcast.origins.includes(id as string)) {
        throw new ValidationError(at, id, `one of the broadcast's origins (${broadcast.origins.join(', ')})`);
      }
      seen.add(id as string);
    });
  });
  if (broadcast.origins !== 'all') {
    const left = broadcast.origins.filter((o) => !seen.has(o));
    if (left.length > 0)
      throw new ValidationError('groups', v, `groups holding every origin (${left.join(', ')} in none)`);
  }
  return v as string[][];
}

/**
 * null never means anything in a scenario (an absent field is omitted, not null), and a
 * scenario is JSON data: no cycles, and nested no deeper than `MAX_JSON_DEPTH` (walked without
 * recursion, so a value nested a hundred thousand deep is refused, not a stack overflow).
 */
function rejectNulls(data: unknown, root: string): void {
  // Depth-first, with a step that closes each object after its children, so `open` holds the
  // objects on the path to the one looked at: meeting one of those again is a cycle.
  const stack: { v: unknown; path: string; depth: number; close?: true }[] = [{ v: data, path: root, depth: 0 }];
  const open = new Set<unknown>();
  while (stack.length > 0) {
    const { v, path, depth, close } = stack.pop()!;
    if (close) {
      open.delete(v);
      continue;
    }
    if (v === null)
      throw new ValidationError(path || 'scenario', null, 'a value (omit a field rather than setting it to null)');
    if (typeof v !== 'object') continue;
    if (open.has(v)) throw new ValidationError(path, 'a cycle', 'JSON data (no object may contain itself)');
    if (depth >= MAX_JSON_DEPTH) {
      throw new ValidationError(
        path || 'scenario',
        'a value nested deeper',
        `values nested at most ${MAX_JSON_DEPTH} deep`,
      );
    }
    open.add(v);
    stack.push({ v, path, depth, close: true });
    const children = Array.isArray(v)
      ? Array.from(v, (x: unknown, i) => [`${path}[${i}]`, x] as const)
      : Object.entries(v).map(([k, x]) => [path === '' ? k : `${path}.${k}`, x] as const);
    for (const [p, x] of children) stack.push({ v: x, path: p, depth: depth + 1 });
  }
}

/**
 * The network section: exactly one of a generator (options checked by its registry entry), a JSON file
 * or CSV files.
 */
function checkNetworkSection(n: unknown): ResolvedNetworkSection {
  if (!isPlainObject(n)) throw new ValidationError('network', n, 'an object with generator, file or csv');
  const kinds = ['generator', 'file', 'csv'].filter((k) => k in n);
  if (kinds.length !== 1) throw new ValidationError('network', n, 'exactly one of generator, file or csv');
  if ('generator' in n) {
    checkObject('network', n, ['generator', 'options'], 'a generator section');
    const name = n['generator'];
    if (!(GENERATOR_NAMES as readonly unknown[]).includes(name)) {
      throw new ValidationError('network.generator', name, GENERATOR_NAMES.join(', '));
    }
    const options = n['options'] ?? {};
    if (!isPlainObject(options))
      throw new ValidationError('network.options', options, 'an object of generator options');
    const entry = generator(name as GeneratorName);
    const resolved = entry.check(options, 'network.options');
    entry.checkSize(resolved, 'network.options');
    return { generator: name as GeneratorName, options: resolved };
  }
  if ('file' in n) {
    checkObject('network', n, ['file'], 'a file section');
    return { file: checkString('network.file', n['file'], 'a path to a meshcast-network JSON file') };
  }
  checkObject('network', n, ['csv'], 'a csv section');
  const csv = checkObject('network.csv', n['csv'], ['devices', 'links'], 'CSV files');
  return {
    csv: {
      devices: checkString('network.csv.devices', csv['devices'], 'a path to a devices CSV file'),
      links: checkString('network.csv.links', csv['links'], 'a path to a links CSV file'),
    },
  };
}

/**
 * Refuses passes this machine cannot hold, before the network is built: every device a tank
 * holder (an upper bound), every pass's state kept (a scenario's result holds them all).
 */
function checkPassesSize(network: ResolvedNetworkSection, broadcast: ResolvedSpec, passes: number): void {
  if (!('generator' in network)) return; // a file's size is bounded when it is read
  const devices = generator(network.generator).size(network.options);
  checkMemory(
    'broadcast.packets',
    broadcast.packets,
    passes * stateBytes(devices, devices, broadcast.packets),
    `${passes} pass(es) of tanks of ${broadcast.packets.toLocaleString('en-US')} packets on up to ` +
      `${devices.toLocaleString('en-US')} devices`,
  );
}

/** The sweep section's shape: an object of non-empty value lists, and a replication count. */
function checkSweepSection(sw: unknown): NonNullable<ResolvedScenario['sweep']> {
  const s = checkObject('sweep', sw, ['grid', 'replications'], 'a sweep section');
  const replications = checkInteger('sweep.replications', s['replications'] ?? 1, 1, 1_000_000);
  const grid = s['grid'] ?? {};
  if (!isPlainObject(grid)) throw new ValidationError('sweep.grid', grid, 'an object of parameter → list of values');
  for (const [param, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0 || values.length > MAX_GRID_VALUES) {
      throw new ValidationError(join('sweep.grid', param), values, 'a non-empty list of values');
    }
  }
  return { grid: grid as Record<string, readonly unknown[]>, replications };
}
