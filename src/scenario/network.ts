import { reroot } from '../check.js';
import { parseJsonText } from '../json-text.js';
import { ValidationError } from '../errors.js';
import { generator } from '../network/generators/registry.js';
import { fromCSV, fromJSON } from '../network/io.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { Network } from '../network/network.js';
import { checkScenario, type ResolvedNetworkSection } from './scenario.js';

/** Reads a file named in a scenario (relative to the scenario), injected by the caller. */
export type ReadText = (path: string) => string;

/** A {@link ReadText} for scenarios whose networks come from generators. */
export const noFiles: ReadText = () => {
  throw new ValidationError('network', 'a file', 'a generator (no file reader was given)');
};

/**
 * Builds what a scenario's runs need: the compiled mesh where its generator builds one directly
 * (the same mesh `compile` gives of its network, at a fraction of the memory), else its network
 * (generator, JSON file or CSV files).
 * @internal
 */
export function buildMesh(n: ResolvedNetworkSection, readText: ReadText): Network | CompiledMesh {
  if ('generator' in n) {
    const entry = generator(n.generator);
    if (entry.buildMesh !== null) return entry.buildMesh(n.options);
  }
  return buildNetwork(n, readText);
}

/**
 * Builds a scenario's network (generator, JSON file or CSV files).
 * @internal
 */
export function buildNetwork(n: ResolvedNetworkSection, readText: ReadText): Network {
  if ('generator' in n) return generator(n.generator).build(n.options);
  if ('file' in n) {
    const data = parseJsonText(readFile(readText, n.file, 'network.file', 'a readable JSON file'), 'network.file');
    return fromFile(n.file, () => reroot('network', /^network\.?/, () => fromJSON(data)));
  }
  const devices = readFile(readText, n.csv.devices, 'network.csv.devices', 'a readable CSV file');
  const links = readFile(readText, n.csv.links, 'network.csv.links', 'a readable CSV file');
  return fromFile(`${n.csv.devices}, ${n.csv.links}`, () => reroot('network.csv', /^/, () => fromCSV(devices, links)));
}

/** A file a scenario names, read; a file that cannot be read is an error of the field naming it. */
function readFile(readText: ReadText, path: string, at: string, allowed: string): string {
  try {
    return readText(path);
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    throw new ValidationError(at, path, `${allowed} (${(e as Error).message})`);
  }
}

/**
 * Builds a network from a file's data. Its errors name the field, the file and the line, never
 * the value found: a scenario may point at any file, and what it holds is not the scenario's to
 * show.
 */
function fromFile(file: string, build: () => Network): Network {
  try {
    return build();
  } catch (e) {
    if (e instanceof ValidationError) throw new ValidationError(e.path, `a value in ${file}`, e.allowed, { cause: e });
    throw e;
  }
}

/** The files a network section reads (none for a generator). */
export function networkFiles(n: ResolvedNetworkSection): string[] {
  if ('file' in n) return [n.file];
  if ('csv' in n) return [n.csv.devices, n.csv.links];
  return [];
}

/**
 * About how many devices a scenario's network has, without building it (Infinity for file
 * networks): lets callers refuse or plan for very large scenarios.
 */
export function networkSize(n: ResolvedNetworkSection): number {
  return 'generator' in n ? generator(n.generator).size(n.options) : Infinity;
}

/**
 * About how many devices a scenario's network has, without building it (Infinity for file
 * networks): lets callers refuse or plan for very large scenarios.
 * @param scenario - the scenario (checked here)
 */
export function scenarioSize(scenario: unknown): number {
  return networkSize(checkScenario(scenario).network);
}
