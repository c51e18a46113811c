import { KIND } from './device.js';

/** The columns of a mesh that layers are computed from. */
export interface LayerInputs {
  readonly offsets: Int32Array;
  readonly neighbours: Int32Array;
  readonly linkSuccess: Float32Array;
  readonly kind: Uint8Array;
  readonly relays: Uint8Array;
  /** Electric parent of each gas / water module, -1 otherwise. */
  readonly parent: Int32Array;
  /** Registered collector given for each device, -1 for "the nearest by layer". */
  readonly registered: Int32Array;
  /** Indices of the collectors. */
  readonly collectors: Int32Array;
}

/** Each device's layer and registered collector, and each collector's Max. Layer. */
export interface MeshLayers {
  /** Hop distance from the nearest collector radio (layer 0); children take their parent's; -1 unreachable. */
  readonly layer: Int32Array;
  /** Registered collector index (given, else the nearest by layer, lowest index on ties); -1 if none. */
  readonly collector: Int32Array;
  /** Max. Layer of each collector (over mesh devices registered to it), keyed by collector id. */
  readonly maxLayer: ReadonlyMap<string, number>;
}

/**
 * Layers as the collector's statistics show them (docs/model.md, "The network"): breadth-first
 * hop distance from every collector radio at once, a gas / water module at its parent's layer;
 * registration to the given collector, else the nearest by layer; Max. Layer the deepest
 * registered mesh device.
 * @param id - the id of a dense index (Max. Layer is keyed by collector id)
 */
export function meshLayers(m: LayerInputs, id: (i: number) => string): MeshLayers {
  const n = m.kind.length;
  const { offsets, neighbours, parent } = m;
  const layer = new Int32Array(n).fill(-1);
  const nearest = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (const c of m.collectors) {
    layer[c] = 0;
    nearest[c] = c;
    queue[tail++] = c;
  }
  while (head < tail) {
    const v = queue[head++]!;
    const next = layer[v]! + 1;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const u = neighbours[e]!;
      if (layer[u] === -1) {
        layer[u] = next;
        nearest[u] = nearest[v]!;
        queue[tail++] = u;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const p = parent[i]!;
    if (p >= 0) {
      layer[i] = layer[p]!;
      nearest[i] = nearest[p]!;
    }
  }
  const collector = new Int32Array(n);
  const maxLayerOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const given = m.kind[i] === KIND.collector ? i : m.registered[i]!;
    const reg = given >= 0 ? given : nearest[i]!;
    collector[i] = reg;
    if (reg >= 0 && m.relays[i] === 1 && layer[i]! > maxLayerOf[reg]!) maxLayerOf[reg] = layer[i]!;
  }
  const maxLayer = new Map<string, number>();
  for (const k of m.collectors) maxLayer.set(id(k), maxLayerOf[k]!);
  return { layer, collector, maxLayer };
}
