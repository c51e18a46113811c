import type { LinkList } from '../mesh.js';
import type { Network } from '../network.js';
import {
  maxRangeM,
  meanMarginDb,
  normalCdf,
  pairNormal,
  pairUniform,
  referenceLossDb,
  type ResolvedPathLoss,
} from './pathloss.js';

/** Radio placement of the nodes a generator links: positions and power budgets, by dense index. */
export interface RadioLayout {
  /** Easting of each node in metres. */
  readonly xM: Float64Array;
  /** Northing of each node in metres. */
  readonly yM: Float64Array;
  /** Transmit power plus antenna gain (EIRP) of each node in dBm. */
  readonly eirpDbm: Float64Array;
  /** Receive antenna gain of each node in dBi. */
  readonly rxGainDb: Float64Array;
}

/** How {@link linkPairs} chooses links. */
export interface LinkRule {
  /** Path-loss model. */
  readonly pathLoss: ResolvedPathLoss;
  /** 32-bit seed of the per-link shadowing. */
  readonly seed: number;
  /** Links whose worse direction succeeds less often than this are not kept. */
  readonly minSuccess: number;
  /**
   * Neighbour-table size K: each node keeps K links, ranked by the worse direction's success
   * plus an independent uniform jitter (so tables hold mostly strong links and some long,
   * lossy ones, as a radio hears them), among its nearest ~4K candidates; a link exists when
   * either end keeps it. 0 keeps every link above `minSuccess`.
   */
  readonly neighbourTable: number;
}

/**
 * The links of {@link linkPairs} for compilation or a {@link Network}: link t joins the ends of
 * pair key t (mapped through `indexOf`, e.g. into a generator's final device order), with the
 * probabilities of {@link pairSuccess}, computed when asked.
 * @param indexOf - the index each node of the layout ends up with (default: its own)
 */
export function pairLinks(layout: RadioLayout, rule: LinkRule, pairs: Float64Array, indexOf?: Int32Array): LinkList {
  const n = layout.xM.length;
  const successOf = pairSuccess(layout, rule);
  const lower = (t: number): number => Math.floor(pairs[t]! / n);
  return {
    count: pairs.length,
    ends: (t, ends) => {
      const i = lower(t);
      const j = pairs[t]! - i * n;
      ends[0] = indexOf === undefined ? i : indexOf[i]!;
      ends[1] = indexOf === undefined ? j : indexOf[j]!;
    },
    success: (t, p) => {
      const i = lower(t);
      successOf(i, pairs[t]! - i * n, p);
    },
  };
}

/** Adds every link of a list to a network, by the ids of its ends. */
export function addLinks(net: Network, links: LinkList, id: (i: number) => string): void {
  const ends = new Int32Array(2);
  const p = new Float32Array(2);
  for (let t = 0; t < links.count; t++) {
    links.ends(t, ends);
    links.success(t, p);
    net.addLink({ from: id(ends[0]!), to: id(ends[1]!), success: p[0]!, reverseSuccess: p[1]! });
  }
}

/**
 * The success probability each way of a pair of nodes under a rule: writes P(i → j) and
 * P(j → i) (as stored, 32-bit) to `out[0]` and `out[1]`. Pure: the same pair always gives the
 * same values, so links can be listed first and their probabilities computed when needed.
 */
export function pairSuccess(layout: RadioLayout, rule: LinkRule): (i: number, j: number, out: Float32Array) => void {
  const p = rule.pathLoss;
  const success = directedSuccess(layout, p);
  return (i, j, out) => {
    const d = Math.hypot(layout.xM[j]! - layout.xM[i]!, layout.yM[j]! - layout.yM[i]!);
    const shadow = p.shadowingSigmaDb * pairNormal(rule.seed, i, j);
    out[0] = success(i, j, d, shadow);
    out[1] = success(j, i, d, shadow);
  };
}

/** P(frame from → to received) at distance d with the pair's shadowing, under a path-loss model. */
function directedSuccess(
  layout: RadioLayout,
  p: ResolvedPathLoss,
): (from: number, to: number, d: number, shadow: number) => number {
  const refLoss = referenceLossDb(p);
  return (from, to, d, shadow) =>
    normalCdf((meanMarginDb(p, layout.eirpDbm[from]! + layout.rxGainDb[to]!, d, refLoss) + shadow) / p.fadingSigmaDb);
}

/**
 * Links every pair of nodes whose radio budget allows it, under {@link LinkRule}, as sorted pair
 * keys `i · n + j` (i < j, exact in a double up to n ≈ 9e7): 8 bytes per link, the
 * probabilities left to {@link pairSuccess}. Uses a uniform spatial grid, so cost grows with
 * nodes × local density, not nodes².
 */
export function linkPairs(layout: RadioLayout, rule: LinkRule): Float64Array {
  const n = layout.xM.length;
  const { pathLoss: p, seed, minSuccess, neighbourTable: k } = rule;
  let maxEirp = -Infinity;
  let maxRx = -Infinity;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    maxEirp = Math.max(maxEirp, layout.eirpDbm[i]!);
    maxRx = Math.max(maxRx, layout.rxGainDb[i]!);
    minX = Math.min(minX, layout.xM[i]!);
    minY = Math.min(minY, layout.yM[i]!);
    maxX = Math.max(maxX, layout.xM[i]!);
    maxY = Math.max(maxY, layout.yM[i]!);
  }
  if (n < 2) return new Float64Array(0);
  // Per-node search radius: a pair's worse direction is bounded by the weaker end's budget.
  const rangeOf = (i: number): number =>
    maxRangeM(p, Math.min(layout.eirpDbm[i]! + maxRx, maxEirp + layout.rxGainDb[i]!), minSuccess, 2);
  let rangeM = 0;
  for (let i = 0; i < n; i++) rangeM = Math.max(rangeM, rangeOf(i));
  // Without a neighbour table one ring of range-sized cells covers everything in range; with
  // one, small cells (about four devices each on average) searched ring by ring stop early.
  const areaM2 = Math.max(maxX - minX, 1) * Math.max(maxY - minY, 1);
  let cellM = k > 0 ? Math.min(rangeM, Math.max(Math.sqrt((4 * areaM2) / n), 1)) : rangeM;
  // A territory far wider than the radio range holding few devices would need more cells than
  // memory holds, nearly all empty: cells then grow until there are at most 4 per device.
  const maxCells = 4 * n + 1024;
  while ((Math.floor((maxX - minX) / cellM) + 1) * (Math.floor((maxY - minY) / cellM) + 1) > maxCells) cellM *= 2;
  const cols = Math.max(1, Math.floor((maxX - minX) / cellM) + 1);
  const rows = Math.max(1, Math.floor((maxY - minY) / cellM) + 1);
  const cellOf = new Int32Array(n);
  const cellStart = new Int32Array(cols * rows + 1);
  for (let i = 0; i < n; i++) {
    const cx = Math.floor((layout.xM[i]! - minX) / cellM);
    const cy = Math.floor((layout.yM[i]! - minY) / cellM);
    const c = cy * cols + cx;
    cellOf[i] = c;
    cellStart[c + 1]!++;
  }
  for (let c = 0; c < cols * rows; c++) cellStart[c + 1]! += cellStart[c]!;
  const cellItems = new Int32Array(n);
  const fill = cellStart.slice(0, cols * rows);
  for (let i = 0; i < n; i++) cellItems[fill[cellOf[i]!]!++] = i;

  const success = directedSuccess(layout, p);

  // Pair keys i·n + j (exact in a double up to n ≈ 9e7), in a growable typed buffer.
  let keys = new Float64Array(Math.max(16, n * Math.max(k, 4)));
  let keyCount = 0;
  const pushKey = (key: number): void => {
    if (keyCount === keys.length) {
      const grown = new Float64Array(keys.length * 2);
      grown.set(keys);
      keys = grown;
    }
    keys[keyCount++] = key;
  };
  const tableIdx = new Int32Array(Math.max(k, 1));
  const tableQ = new Float64Array(Math.max(k, 1));
  for (let i = 0; i < n; i++) {
    const xi = layout.xM[i]!;
    const yi = layout.yM[i]!;
    const cx = cellOf[i]! % cols;
    const cy = (cellOf[i]! / cols) | 0;
    let kept = 0;
    let candidates = 0;
    const rangeI = rangeOf(i);
    const rings = Math.ceil(rangeI / cellM);
    for (let ring = 0; ring <= rings; ring++) {
      for (let dy = -ring; dy <= ring; dy++) {
        const y = cy + dy;
        if (y < 0 || y >= rows) continue;
        const onEdgeRow = dy === -ring || dy === ring;
        for (let dx = -ring; dx <= ring; dx += onEdgeRow ? 1 : 2 * ring || 1) {
          const x = cx + dx;
          if (x < 0 || x >= cols) continue;
          const c = y * cols + x;
          for (let s = cellStart[c]!; s < cellStart[c + 1]!; s++) {
            const j = cellItems[s]!;
            if (j === i || (k === 0 && j < i)) continue;
            const d = Math.hypot(layout.xM[j]! - xi, layout.yM[j]! - yi);
            if (d > rangeI) continue;
            const shadow = p.shadowingSigmaDb * pairNormal(seed, i, j);
            const q = Math.min(success(i, j, d, shadow), success(j, i, d, shadow));
            if (q < minSuccess) continue;
            candidates++;
            if (k === 0) {
              pushKey(i * n + j);
              continue;
            }
            // Keep the K best ranks in a small array sorted descending (ties: lower index).
            const rank = q + jitter(seed, i, j);
            if (kept === k && rank <= tableQ[k - 1]!) continue;
            let pos = kept < k ? kept++ : k - 1;
            while (pos > 0 && (tableQ[pos - 1]! < rank || (tableQ[pos - 1] === rank && tableIdx[pos - 1]! > j))) {
              tableQ[pos] = tableQ[pos - 1]!;
              tableIdx[pos] = tableIdx[pos - 1]!;
              pos--;
            }
            tableQ[pos] = rank;
            tableIdx[pos] = j;
          }
        }
      }
      if (k > 0 && candidates >= 4 * k) break;
    }
    for (let t = 0; t < kept; t++) {
      const j = tableIdx[t]!;
      pushKey(i < j ? i * n + j : j * n + i);
    }
  }
  const sorted = keys.subarray(0, keyCount).sort();
  let unique = 0;
  for (let t = 0; t < sorted.length; t++) if (t === 0 || sorted[t] !== sorted[t - 1]) sorted[unique++] = sorted[t]!;
  return sorted.subarray(0, unique);
}

/** Uniform jitter in [0, 1) of the pair as seen from `from` (not symmetric: each end ranks its own table). */
function jitter(seed: number, from: number, to: number): number {
  return pairUniform(seed ^ 0x5bd1e995, from, to);
}
