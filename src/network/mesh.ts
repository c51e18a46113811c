import { ValidationError } from '../errors.js';
import { FLAG_BITS, KIND, type Device } from './device.js';
import { isModule42x } from './firmware.js';
import { meshLayers } from './layers.js';

/**
 * A network compiled for simulation: dense integer ids `0..n-1` (in the order devices were
 * added) and typed arrays only. The RF mesh is in compressed sparse row form: the out-links
 * of node `v` are `offsets[v] .. offsets[v+1]-1`, each with its neighbour and the probability
 * that a frame from `v` reaches it. Gas / water modules have no mesh links; they are listed
 * as children of their electric parent.
 *
 * Ids and device records are behind accessors, so a mesh generated at utility scale can
 * compute them from its columns instead of holding millions of strings and objects.
 */
export interface CompiledMesh {
  /** Number of devices. */
  readonly n: number;
  // Accessors are plain functions (no `this`): a mesh hands them on, and workers rebuild them.
  /** Device id of dense index `i`. */
  readonly id: (i: number) => string;
  /** Dense index of a device id, or -1 when there is none. */
  readonly index: (id: string) => number;
  /** The device record of dense index `i` (for predicates and reports, never the hot path). */
  readonly device: (i: number) => Device;
  /** CSR row offsets, length n + 1. */
  readonly offsets: Int32Array;
  /** CSR neighbour indices, length m (directed link count), sorted ascending within a row. */
  readonly neighbours: Int32Array;
  /** Success probability of each directed link, length m. */
  readonly linkSuccess: Float32Array;
  /** Kind of each device: its code in {@link KIND} (its index in `DEVICE_KINDS`). */
  readonly kind: Uint8Array;
  /** 1 where the device relays mesh traffic (every mesh device but gas / water modules). */
  readonly relays: Uint8Array;
  /**
   * Next hop of each mesh device's route toward its collector (the parent it registers
   * through); -1 for collectors, gas / water modules and devices without a route. See
   * docs/model.md, "The network".
   */
  readonly route: Int32Array;
  /** Hops of the device's route to its collector radio (layer 0); children take their parent's; -1 without a route. */
  readonly layer: Int32Array;
  /** Electric parent index of a gas / water module; -1 otherwise. */
  readonly parent: Int32Array;
  /** Registered collector index (given, else the one its route ends at); -1 if none. */
  readonly collector: Int32Array;
  /** Flag bits ({@link FLAG_BITS}). */
  readonly flags: Uint8Array;
  /** CSR offsets of each node's children (gas / water modules), length n + 1. */
  readonly childOffsets: Int32Array;
  /** Child indices, grouped by parent. */
  readonly children: Int32Array;
  /** Indices of the collectors. */
  readonly collectors: Int32Array;
  /** Max. Layer of each collector (over devices registered to it), keyed by collector id. */
  readonly maxLayer: ReadonlyMap<string, number>;
  /** The network revision this mesh was compiled from (0 for generated meshes). */
  readonly revision: number;
  /**
   * What runs derive from this mesh and keep with it, computed on first use (see
   * `derive`): reachable sets per origin set, target selections per filter, routes, and
   * the flood workspace reused by the passes run on this mesh on this thread. Never part of a
   * result: clearing it changes nothing but speed.
   */
  readonly derived: Map<string, unknown>;
}

/**
 * The value derived from a mesh under `key`, made by `make` on first use and kept in
 * {@link CompiledMesh.derived}.
 * @param key - what it is, namespaced by its layer (e.g. `broadcast/reachable/0,3`)
 * @internal
 */
export function derive<T>(mesh: CompiledMesh, key: string, make: () => T): T {
  let value = mesh.derived.get(key) as T | undefined;
  if (value === undefined) mesh.derived.set(key, (value = make()));
  return value;
}

/**
 * A mesh as columns, before compilation: what {@link compileColumns} turns into a
 * {@link CompiledMesh}. Links are undirected pairs with a probability each way.
 * @internal
 */
export interface MeshColumns {
  readonly n: number;
  readonly kind: Uint8Array;
  readonly flags: Uint8Array;
  /** Electric parent index or -1. */
  readonly parent: Int32Array;
  /** Registered collector index, or -1 for "the one its route ends at". */
  readonly registered: Int32Array;
  readonly links: LinkList;
  readonly id: (i: number) => string;
  readonly index: (id: string) => number;
  readonly device: (i: number) => Device;
  readonly revision: number;
}

/**
 * The links of a mesh being compiled, each undirected pair once with its success probability
 * either way — as arrays, or computed on demand (a million-meter generator lists its links as
 * 8-byte pair keys and computes probabilities while the CSR is filled, so the link arrays and
 * the CSR never coexist).
 * @internal
 */
export interface LinkList {
  readonly count: number;
  /** Writes link t's two ends to `ends[0]`, `ends[1]`. */
  ends(t: number, ends: Int32Array): void;
  /** Writes link t's success probabilities, end 0 → end 1 and back, to `p[0]`, `p[1]`. */
  success(t: number, p: Float32Array): void;
}

/**
 * A {@link LinkList} over arrays: link t joins a[t] and b[t], succeeding with ab[t] from a to b
 * and ba[t] back.
 * @internal
 */
export function linkArrays(a: Int32Array, b: Int32Array, ab: Float32Array, ba: Float32Array): LinkList {
  return {
    count: a.length,
    ends: (t, ends) => {
      ends[0] = a[t]!;
      ends[1] = b[t]!;
    },
    success: (t, p) => {
      p[0] = ab[t]!;
      p[1] = ba[t]!;
    },
  };
}

/**
 * Compiles validated devices and links (the work behind `compile`).
 * @internal
 */
export function compileDevices(
  devices: readonly Device[],
  links: readonly { from: string; to: string; success: number; reverseSuccess: number }[],
  revision = 0,
): CompiledMesh {
  const n = devices.length;
  const ids = devices.map((d) => d.id);
  const indexOf = new Map<string, number>();
  ids.forEach((id, i) => indexOf.set(id, i));
  const kind = new Uint8Array(n);
  const flags = new Uint8Array(n);
  const parent = new Int32Array(n).fill(-1);
  const registered = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const d = devices[i]!;
    kind[i] = KIND[d.kind];
    flags[i] = flagBits(d);
    if (d.parent !== undefined) parent[i] = indexOf.get(d.parent) ?? -1;
    if (d.collector !== undefined) registered[i] = indexOf.get(d.collector) ?? -1;
  }
  const linkA = new Int32Array(links.length);
  const linkB = new Int32Array(links.length);
  const successAB = new Float32Array(links.length);
  const successBA = new Float32Array(links.length);
  links.forEach((l, j) => {
    const a = indexOf.get(l.from);
    const b = indexOf.get(l.to);
    if (a === undefined) throw new ValidationError(`links[${j}].from`, l.from, 'the id of a device in the network');
    if (b === undefined) throw new ValidationError(`links[${j}].to`, l.to, 'the id of a device in the network');
    linkA[j] = a;
    linkB[j] = b;
    successAB[j] = l.success;
    successBA[j] = l.reverseSuccess;
  });
  return compileColumns({
    n,
    kind,
    flags,
    parent,
    registered,
    links: linkArrays(linkA, linkB, successAB, successBA),
    id: (i) => ids[i]!,
    index: (id) => indexOf.get(id) ?? -1,
    device: (i) => devices[i]!,
    revision,
  });
}

/** Flag bits of a device record. */
export function flagBits(d: Device): number {
  return (
    (d.flags.zigbeeCapable ? FLAG_BITS.zigbeeCapable : 0) |
    (d.flags.activeHan ? FLAG_BITS.activeHan : 0) |
    (d.flags.disableBroadcasts ? FLAG_BITS.disableBroadcasts : 0) |
    (d.flags.encryptFwDownload ? FLAG_BITS.encryptFwDownload : 0) |
    (isModule42x(d.firmware.module) ? FLAG_BITS.moduleFirmware42x : 0)
  );
}

/**
 * Compiles a mesh given as columns: CSR adjacency, layers, registration, children.
 * @internal
 */
export function compileColumns(c: MeshColumns): CompiledMesh {
  const { n, kind, flags, parent } = c;
  const relays = new Uint8Array(n);
  const collectorList: number[] = [];
  for (let i = 0; i < n; i++) {
    relays[i] = kind[i] === KIND.gasModule || kind[i] === KIND.waterModule ? 0 : 1;
    if (kind[i] === KIND.collector) collectorList.push(i);
  }

  // CSR: count degrees, prefix-sum, fill, then sort each row so neighbour order (and thus the
  // order of random draws) depends only on device order, not on link insertion order.
  // The CSR lives in shared memory, so worker threads flood packets over it without a copy.
  const offsets = new Int32Array(new SharedArrayBuffer(4 * (n + 1)));
  const { links } = c;
  const ends = new Int32Array(2);
  const p = new Float32Array(2);
  for (let j = 0; j < links.count; j++) {
    links.ends(j, ends);
    offsets[ends[0]! + 1]!++;
    offsets[ends[1]! + 1]!++;
  }
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const m = offsets[n]!;
  const neighbours = new Int32Array(new SharedArrayBuffer(4 * m));
  const linkSuccess = new Float32Array(new SharedArrayBuffer(4 * m));
  const cursor = offsets.slice(0, n);
  for (let j = 0; j < links.count; j++) {
    links.ends(j, ends);
    links.success(j, p);
    const a = ends[0]!;
    const b = ends[1]!;
    let k = cursor[a]!++;
    neighbours[k] = b;
    linkSuccess[k] = p[0]!;
    k = cursor[b]!++;
    neighbours[k] = a;
    linkSuccess[k] = p[1]!;
  }
  sortRows(offsets, neighbours, linkSuccess);
  const collectors = Int32Array.from(collectorList);
  const { route, layer, collector, maxLayer } = meshLayers(
    { offsets, neighbours, linkSuccess, kind, relays, parent, registered: c.registered, collectors },
    c.id,
  );

  const childOffsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (parent[i]! >= 0) childOffsets[parent[i]! + 1]!++;
  for (let i = 0; i < n; i++) childOffsets[i + 1]! += childOffsets[i]!;
  const children = new Int32Array(childOffsets[n]!);
  const childCursor = childOffsets.slice(0, n);
  for (let i = 0; i < n; i++) if (parent[i]! >= 0) children[childCursor[parent[i]!]!++] = i;

  return {
    n,
    id: c.id,
    index: c.index,
    device: c.device,
    offsets,
    neighbours,
    linkSuccess,
    kind,
    relays,
    route,
    layer,
    parent,
    collector,
    flags,
    childOffsets,
    children,
    collectors,
    maxLayer,
    revision: c.revision,
    derived: new Map(),
  };
}

/** Insertion sort of each CSR row by neighbour index (rows are short: mesh degrees are tens). */
function sortRows(offsets: Int32Array, neighbours: Int32Array, success: Float32Array): void {
  const n = offsets.length - 1;
  for (let v = 0; v < n; v++) {
    const lo = offsets[v]!;
    const hi = offsets[v + 1]!;
    for (let i = lo + 1; i < hi; i++) {
      const key = neighbours[i]!;
      const p = success[i]!;
      let j = i - 1;
      while (j >= lo && neighbours[j]! > key) {
        neighbours[j + 1] = neighbours[j]!;
        success[j + 1] = success[j]!;
        j--;
      }
      neighbours[j + 1] = key;
      success[j + 1] = p;
    }
  }
}
