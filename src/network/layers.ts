import { KIND } from './device.js';

/** The columns of a mesh that routes and layers are computed from. */
export interface LayerInputs {
  readonly offsets: Int32Array;
  readonly neighbours: Int32Array;
  readonly linkSuccess: Float32Array;
  readonly kind: Uint8Array;
  readonly relays: Uint8Array;
  /** Electric parent of each gas / water module, -1 otherwise. */
  readonly parent: Int32Array;
  /** Registered collector given for each device, -1 for "the collector its route ends at". */
  readonly registered: Int32Array;
  /** Indices of the collectors. */
  readonly collectors: Int32Array;
}

/** Each device's route, layer and registered collector, and each collector's Max. Layer. */
export interface MeshLayers {
  /**
   * Next hop of each mesh device's route toward its collector; -1 for collectors, child modules and
   * devices without a route.
   */
  readonly route: Int32Array;
  /** Hops of each device's route (collectors 0); gas / water modules take their parent's; -1 without a route. */
  readonly layer: Int32Array;
  /** Registered collector index (given, else the one its route ends at); -1 if none. */
  readonly collector: Int32Array;
  /** Max. Layer of each collector (over mesh devices registered to it), keyed by collector id. */
  readonly maxLayer: ReadonlyMap<string, number>;
}

/**
 * Worst link a route may use, in expected transmissions (ETX = 1 / (p→ · p←)): 4, the limit RPL's
 * MRHOF objective function puts on a link (RFC 6719, MAX_LINK_METRIC), which Wi-SUN meshes use.
 */
export const MAX_LINK_ETX = 4;

/**
 * Routes and layers as a mesh forms them (docs/model.md, "The network";
 * docs/decisions/0014-layers-from-routes.md): every device routes toward the collectors
 * through the neighbours that minimise the expected transmissions of the whole route, over
 * links good enough to route on (ETX at most {@link MAX_LINK_ETX}); its layer is the hop count
 * of that route, as the collector's statistics show it, and it registers with the collector the
 * route ends at unless it names one. A link of
 * success 0 (or any link worse than ETX 4) makes no one shallower. Collectors are roots: no route
 * passes through one. Ties go to the lower next-hop index, so routes are deterministic. A gas /
 * water module takes its parent's layer and collector.
 * @param id - the id of a dense index (Max. Layer is keyed by collector id)
 */
export function meshLayers(m: LayerInputs, id: (i: number) => string): MeshLayers {
  const n = m.kind.length;
  const { offsets, neighbours, linkSuccess, parent } = m;
  const back = reverseLinks(offsets, neighbours);
  const cost = new Float64Array(n).fill(Infinity);
  const route = new Int32Array(n).fill(-1);
  const layer = new Int32Array(n).fill(-1);
  const root = new Int32Array(n).fill(-1);
  const heap = new CostHeap(n);
  for (const c of m.collectors) {
    cost[c] = 0;
    layer[c] = 0;
    root[c] = c;
    heap.push(c, 0);
  }
  // Dijkstra from every collector at once over route costs (expected transmissions).
  const settled = new Uint8Array(n);
  while (heap.size > 0) {
    const v = heap.pop();
    if (settled[v] === 1) continue;
    settled[v] = 1;
    const via = route[v]!;
    if (via >= 0) {
      layer[v] = layer[via]! + 1;
      root[v] = root[via]!;
    }
    for (let e = offsets[v]!, end = offsets[v + 1]!; e < end; e++) {
      const u = neighbours[e]!;
      if (settled[u] === 1 || m.kind[u] === KIND.collector || m.relays[u] === 0) continue;
      const p = linkSuccess[e]! * linkSuccess[back[e]!]!;
      if (!(p > 0) || 1 / p > MAX_LINK_ETX) continue;
      const c = cost[v]! + 1 / p;
      if (c < cost[u]! || (c === cost[u]! && v < route[u]!)) {
        cost[u] = c;
        route[u] = v;
        heap.push(u, c);
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const p = parent[i]!;
    if (p >= 0) {
      layer[i] = layer[p]!;
      root[i] = root[p]!;
    }
  }
  const collector = new Int32Array(n);
  const maxLayerOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const given = m.kind[i] === KIND.collector ? i : m.registered[i]!;
    const reg = given >= 0 ? given : root[i]!;
    collector[i] = reg;
    if (reg >= 0 && m.relays[i] === 1 && layer[i]! > maxLayerOf[reg]!) maxLayerOf[reg] = layer[i]!;
  }
  const maxLayer = new Map<string, number>();
  for (const k of m.collectors) maxLayer.set(id(k), maxLayerOf[k]!);
  return { route, layer, collector, maxLayer };
}

/**
 * For each directed link e = v → u, the index of u → v (the CSR holds both directions of every
 * link, each row sorted by neighbour): a binary search in u's row.
 */
function reverseLinks(offsets: Int32Array, neighbours: Int32Array): Int32Array {
  const n = offsets.length - 1;
  const back = new Int32Array(neighbours.length);
  for (let v = 0; v < n; v++) {
    for (let e = offsets[v]!, end = offsets[v + 1]!; e < end; e++) {
      const u = neighbours[e]!;
      let lo = offsets[u]!;
      let hi = offsets[u + 1]! - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (neighbours[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      back[e] = lo;
    }
  }
  return back;
}

/**
 * A binary min-heap of (cost, node) over typed arrays, for route search; a node may be pushed again at
 * a lower cost.
 */
class CostHeap {
  private costs: Float64Array;
  private nodes: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.costs = new Float64Array(Math.max(16, capacity));
    this.nodes = new Int32Array(Math.max(16, capacity));
  }

  push(node: number, cost: number): void {
    if (this.size === this.costs.length) {
      const costs = new Float64Array(this.size * 2);
      costs.set(this.costs);
      this.costs = costs;
      const nodes = new Int32Array(this.size * 2);
      nodes.set(this.nodes);
      this.nodes = nodes;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.costs[p]! < cost || (this.costs[p] === cost && this.nodes[p]! <= node)) break;
      this.costs[i] = this.costs[p]!;
      this.nodes[i] = this.nodes[p]!;
      i = p;
    }
    this.costs[i] = cost;
    this.nodes[i] = node;
  }

  pop(): number {
    const top = this.nodes[0]!;
    const n = --this.size;
    const cost = this.costs[n]!;
    const node = this.nodes[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (
        c + 1 < n &&
        (this.costs[c + 1]! < this.costs[c]! ||
          (this.costs[c + 1] === this.costs[c] && this.nodes[c + 1]! < this.nodes[c]!))
      )
        c++;
      if (cost < this.costs[c]! || (cost === this.costs[c] && node <= this.nodes[c]!)) break;
      this.costs[i] = this.costs[c]!;
      this.nodes[i] = this.nodes[c]!;
      i = c;
    }
    this.costs[i] = cost;
    this.nodes[i] = node;
    return top;
  }
}
