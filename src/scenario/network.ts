import { reroot } from '../check.js';
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
