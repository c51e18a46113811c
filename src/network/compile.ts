import { ValidationError } from '../errors.js';
import { DEVICE_KINDS, KIND } from './device.js';
import { derive, type CompiledMesh } from './mesh.js';
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
  if (network instanceof Object && (network as Partial<CompiledMesh>).derived instanceof Map) {
    const mesh = network as CompiledMesh;
    // Checked once per mesh: a mesh is built once and run many times.
    derive(mesh, 'network/checked', () => checkColumns(mesh, at));
    return mesh;
  }
  throw new ValidationError(at, network, 'a Network or a CompiledMesh');
}

/**
 * Checks that a mesh's columns hold together — lengths, CSR offsets, neighbour indices, link
 * probabilities, kinds, parents, collectors — so a damaged mesh (hand-built, or edited after it
 * was compiled) is refused with the column named instead of running to a wrong result or a
 * TypeError.
 */
function checkColumns(m: CompiledMesh, at: string): true {
  const fail = (column: string, value: unknown, allowed: string): never => {
    throw new ValidationError(`${at}.${column}`, value, allowed);
  };
  const n = m.n;
  if (!Number.isInteger(n) || n < 1) fail('n', n, 'a device count >= 1');
  const columns: [keyof CompiledMesh, new (...args: never[]) => ArrayLike<number>, number][] = [
    ['offsets', Int32Array, n + 1],
    ['kind', Uint8Array, n],
    ['relays', Uint8Array, n],
    ['route', Int32Array, n],
    ['layer', Int32Array, n],
    ['parent', Int32Array, n],
    ['collector', Int32Array, n],
    ['flags', Uint8Array, n],
    ['childOffsets', Int32Array, n + 1],
  ];
  for (const [name, type, length] of columns) {
    const c = m[name] as unknown;
    if (!(c instanceof type) || c.length !== length) {
      fail(name, c, `a ${type.name} of ${length} entries`);
    }
  }
  const { offsets, neighbours, linkSuccess } = m;
  if (offsets[0] !== 0) fail('offsets', offsets[0], 'CSR offsets starting at 0');
  for (let v = 0; v < n; v++)
    if (offsets[v + 1]! < offsets[v]!) fail(`offsets[${v + 1}]`, offsets[v + 1], 'non-decreasing offsets');
  const links = offsets[n]!;
  if (!(neighbours instanceof Int32Array) || neighbours.length !== links) {
    fail('neighbours', neighbours, `an Int32Array of ${links} entries (offsets[n])`);
  }
  if (!(linkSuccess instanceof Float32Array) || linkSuccess.length !== links) {
    fail('linkSuccess', linkSuccess, `a Float32Array of ${links} entries (offsets[n])`);
  }
  for (let e = 0; e < links; e++) {
    const u = neighbours[e]!;
    if (!(u >= 0 && u < n)) fail(`neighbours[${e}]`, u, `a device index in 0..${n - 1}`);
    const p = linkSuccess[e]!;
    if (!(p >= 0 && p <= 1)) fail(`linkSuccess[${e}]`, p, 'a probability in [0, 1]');
  }
  for (let v = 0; v < n; v++) {
    if (!(m.kind[v]! < DEVICE_KINDS.length))
      fail(`kind[${v}]`, m.kind[v], `a kind code in 0..${DEVICE_KINDS.length - 1}`);
    const p = m.parent[v]!;
    if (!(p >= -1 && p < n)) fail(`parent[${v}]`, p, `-1 or a device index in 0..${n - 1}`);
    const c = m.collector[v]!;
    if (!(c >= -1 && c < n)) fail(`collector[${v}]`, c, `-1 or a device index in 0..${n - 1}`);
  }
  if (!(m.collectors instanceof Int32Array) || m.collectors.length === 0) {
    fail('collectors', m.collectors, 'an Int32Array of at least one collector index');
  }
  for (const c of m.collectors) {
    if (!(c >= 0 && c < n) || m.kind[c] !== KIND.collector)
      fail('collectors', c, 'indices of devices of kind collector');
  }
  for (const f of ['id', 'index', 'device'] as const) {
    if (typeof m[f] !== 'function') fail(f, m[f], 'a function');
  }
  return true;
}
