import { ValidationError } from '../errors.js';
import type { CompiledMesh } from './mesh.js';
import { Network } from './network.js';

/**
 * Compiles a network for simulation (checking it first): dense ids and typed arrays. The
 * network keeps its compiled form until its next edit, so compiling an unchanged network again
 * is free (the same as `network.compile()`).
 * @param network - the network to compile
 */
export function compile(network: Network): CompiledMesh {
  return network.compile();
}

/**
 * The compiled mesh of what a caller gave as a network: a {@link Network} (compiled) or a
 * {@link CompiledMesh} (as it is).
 * @param at - where the value was given, for errors
 */
export function checkMesh(network: unknown, at = 'network'): CompiledMesh {
  if (network instanceof Network) return network.compile();
  if (network instanceof Object && (network as Partial<CompiledMesh>).offsets instanceof Int32Array) {
    return network as CompiledMesh;
  }
  throw new ValidationError(at, network, 'a Network or a CompiledMesh');
}
