import type { CompiledMesh } from '../network/mesh.js';
import { FLAG_BITS } from '../network/device.js';
import { targetPredicate, type TargetSelector } from './spec.js';

/**
 * Who takes the image and where each target's tank lives: fixed for a mesh and a selector, so
 * computed once and shared (read-only) by every pass, replication and sweep cell.
 */
export interface TargetSelection {
  /** Target node indices, ascending. */
  readonly targets: Int32Array;
  /** Position of each node in `targets`, or -1. */
  readonly targetOf: Int32Array;
  /** Tank holder of each target: itself, or the electric parent of a gas / water module. */
  readonly targetHolder: Int32Array;
  /** Tank row of each node that holds one, or -1. */
  readonly holderRow: Int32Array;
  /** Holder node of each row. */
  readonly rowHolder: Int32Array;
  /** 1 where the row's holder takes broadcast images (no Disable Broadcasts / Encrypt FW Download). */
  readonly accepts: Uint8Array;
  /** True when some target is a gas / water module (its holder is its electric parent). */
  readonly handsOff: boolean;
}

const selections = new WeakMap<CompiledMesh, Map<unknown, TargetSelection>>();

/**
 * The target selection of a selector on a mesh, cached per mesh: declarative filters by their
 * JSON form, predicates by identity.
 */
export function selectTargets(mesh: CompiledMesh, selector: TargetSelector | undefined): TargetSelection {
  let byKey = selections.get(mesh);
  if (byKey === undefined) selections.set(mesh, (byKey = new Map()));
  const key = typeof selector === 'function' ? selector : JSON.stringify(selector ?? null);
  let sel = byKey.get(key);
  if (sel === undefined) {
    sel = computeSelection(mesh, targetPredicate(selector, mesh));
    byKey.set(key, sel);
  }
  return sel;
}

function computeSelection(mesh: CompiledMesh, wants: (v: number) => boolean): TargetSelection {
  const n = mesh.n;
  const targetOf = new Int32Array(n).fill(-1);
  const holderRow = new Int32Array(n).fill(-1);
  const targets = new Int32Array(n);
  const holders = new Int32Array(n);
  const rowHolder = new Int32Array(n);
  let count = 0;
  let rows = 0;
  let handsOff = false;
  for (let v = 0; v < n; v++) {
    if (!wants(v)) continue;
    targetOf[v] = count;
    targets[count] = v;
    const p = mesh.parent[v]!;
    const holder = p >= 0 ? p : v;
    if (holder !== v) handsOff = true;
    holders[count++] = holder;
    if (holderRow[holder] === -1) {
      holderRow[holder] = rows;
      rowHolder[rows++] = holder;
    }
  }
  const accepts = new Uint8Array(rows);
  const refuse = FLAG_BITS.disableBroadcasts | FLAG_BITS.encryptFwDownload;
  for (let r = 0; r < rows; r++) accepts[r] = (mesh.flags[rowHolder[r]!]! & refuse) === 0 ? 1 : 0;
  return {
    targets: targets.slice(0, count),
    targetOf,
    targetHolder: holders.slice(0, count),
    holderRow,
    rowHolder: rowHolder.slice(0, rows),
    accepts,
    handsOff,
  };
}
