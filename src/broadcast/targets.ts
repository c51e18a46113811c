import { checkBoolean, checkObject, join } from '../check.js';
import { ValidationError } from '../errors.js';
import { DEVICE_KINDS, FLAG_BITS, KIND, type Device } from '../network/device.js';
import { derive, type CompiledMesh } from '../network/mesh.js';

/**
 * A target selector checked: a declarative filter turned into lookup sets (no network needed),
 * or the caller's predicate. `key` identifies a filter (its JSON as given), so selections made
 * from equal filters are shared.
 */
export type ResolvedTargets =
  | {
      /** A declarative filter. */
      readonly kind: 'filter';
      /** The filter as canonical text (equal filters, equal keys). */
      readonly key: string;
      /** 1 at each kind code taken; null: every kind. */
      readonly kinds: Uint8Array | null;
      /** Meter models taken; null: every model. */
      readonly models: ReadonlySet<string> | null;
      /** Module firmware versions taken; null: every version. */
      readonly moduleFirmware: ReadonlySet<string> | null;
      /** DCW versions taken; null: every version. */
      readonly dcw: ReadonlySet<string> | null;
      /** Collectors whose registered devices are taken; null: every collector. */
      readonly collectors: ReadonlySet<string> | null;
      /** Only ZigBee-capable (true) or only not (false) devices; null: both. */
      readonly zigbeeCapable: boolean | null;
    }
  | {
      /** A predicate over device records. */
      readonly kind: 'predicate';
      /** True for each device to take. */
      readonly predicate: (device: Device) => boolean;
    };

const FILTER_FIELDS = ['kinds', 'models', 'moduleFirmware', 'dcw', 'zigbeeCapable', 'collectors'];

/**
 * Checks a target selector: `undefined` (every electric meter), a declarative filter, or a
 * predicate over device records.
 * @param at - where the selector sits, for errors
 */
export function checkTargets(selector: unknown, at: string): ResolvedTargets {
  if (typeof selector === 'function') return { kind: 'predicate', predicate: selector as (d: Device) => boolean };
  const key = JSON.stringify(selector ?? null);
  if (selector === undefined) {
    const kinds = new Uint8Array(DEVICE_KINDS.length);
    kinds[KIND.meter] = 1;
    return {
      kind: 'filter',
      key,
      kinds,
      models: null,
      moduleFirmware: null,
      dcw: null,
      collectors: null,
      zigbeeCapable: null,
    };
  }
  const f = checkObject(at, selector, FILTER_FIELDS, 'a target filter (or a predicate function)');
  const list = (field: string): Set<string> | null => {
    const v = f[field];
    if (v === undefined || v === 'All') return null;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      throw new ValidationError(join(at, field), v, "a list of strings (or 'All')");
    }
    return new Set(v as string[]);
  };
  const kindNames = list('kinds');
  let kinds: Uint8Array | null = null;
  if (kindNames !== null) {
    kinds = new Uint8Array(DEVICE_KINDS.length);
    for (const k of kindNames) {
      const code = (DEVICE_KINDS as readonly string[]).indexOf(k);
      if (code < 0) throw new ValidationError(join(at, 'kinds'), k, DEVICE_KINDS.join(', '));
      kinds[code] = 1;
    }
  }
  const models = list('models');
  const moduleFirmware = list('moduleFirmware');
  const dcw = list('dcw');
  const collectors = list('collectors');
  const zigbeeCapable =
    f['zigbeeCapable'] === undefined ? null : checkBoolean(join(at, 'zigbeeCapable'), f['zigbeeCapable']);
  return { kind: 'filter', key, kinds, models, moduleFirmware, dcw, collectors, zigbeeCapable };
}

/**
 * Who takes the image and where each target's tank lives: fixed for a mesh and a selector, so
 * computed once and kept with the mesh ({@link CompiledMesh.derived}), shared read-only by every
 * pass, replication and sweep cell. Every target has a tank of its own — tank t is target t's —
 * held by the node whose radio collects the image: the target itself, or a gas / water module's
 * electric parent, which keeps its child's tank beside (never instead of) its own.
 */
export interface TargetSelection {
  /** Target node indices, ascending (target t is node `targetNodes[t]`). */
  readonly targetNodes: Int32Array;
  /** Target number of each node, or -1. */
  readonly targetOfNode: Int32Array;
  /** Node holding each target's tank: the target itself, or the electric parent of a gas / water module. */
  readonly holderOfTarget: Int32Array;
  /**
   * 1 where the target's tank takes broadcast images: its holder has neither the Disable
   * Broadcasts nor the Encrypt FW Download bit, nor module firmware 4.2x (broadcast came with 5.x).
   */
  readonly tankAccepts: Uint8Array;
  /**
   * The tanks that take the packets each node hears: those of node v are
   * `heldTanks[heldStart[v] .. heldStart[v + 1] - 1]` (accepting tanks only, so a flood needs no
   * other check).
   */
  readonly heldStart: Int32Array;
  /** See {@link TargetSelection.heldStart}. */
  readonly heldTanks: Int32Array;
  /** True when some target is a gas / water module (its holder is its electric parent). */
  readonly handsOff: boolean;
}

/**
 * The target selection of checked targets on a mesh, derived once per mesh and filter (or
 * predicate). Filter collectors are checked against the mesh here.
 * @param at - where the targets were given, for errors
 */
export function selectTargets(mesh: CompiledMesh, targets: ResolvedTargets): TargetSelection {
  if (targets.kind === 'predicate') {
    const byPredicate = derive(mesh, 'broadcast/targets/predicates', () => new WeakMap<object, TargetSelection>());
    let sel = byPredicate.get(targets.predicate);
    if (sel === undefined) {
      const wants = targets.predicate;
      sel = computeSelection(mesh, (v) => wants(mesh.device(v)));
      byPredicate.set(targets.predicate, sel);
    }
    return sel;
  }
  return derive(mesh, `broadcast/targets/${targets.key}`, () => computeSelection(mesh, filterPredicate(mesh, targets)));
}

/** A filter as a predicate over node indices: kind, ZigBee and collector from columns, the rest from records. */
function filterPredicate(mesh: CompiledMesh, f: Extract<ResolvedTargets, { kind: 'filter' }>): (v: number) => boolean {
  const { kinds, models, moduleFirmware, dcw, zigbeeCapable } = f;
  // Its collectors were checked against the mesh (see `checkCollectors`).
  const collectors = f.collectors === null ? null : new Set(Array.from(f.collectors, (id) => mesh.index(id)));
  const needsRecord = models !== null || moduleFirmware !== null || dcw !== null;
  return (v) => {
    if (kinds !== null && kinds[mesh.kind[v]!] !== 1) return false;
    if (zigbeeCapable !== null && ((mesh.flags[v]! & FLAG_BITS.zigbeeCapable) !== 0) !== zigbeeCapable) return false;
    if (collectors !== null && !collectors.has(mesh.collector[v]!)) return false;
    // The model and DCW filters do not apply to water modules (the guide: not applicable to
    // water firmware); their module firmware filter does.
    if (!needsRecord || (mesh.kind[v] === KIND.waterModule && moduleFirmware === null)) return true;
    const d = mesh.device(v);
    if (mesh.kind[v] === KIND.waterModule) {
      return d.firmware.module !== undefined && moduleFirmware!.has(d.firmware.module);
    }
    return (
      (models === null || models.has(d.model)) &&
      (moduleFirmware === null || (d.firmware.module !== undefined && moduleFirmware.has(d.firmware.module))) &&
      (dcw === null || (d.firmware.dcw !== undefined && dcw.has(d.firmware.dcw)))
    );
  };
}

function computeSelection(mesh: CompiledMesh, wants: (v: number) => boolean): TargetSelection {
  const n = mesh.n;
  const targetOfNode = new Int32Array(n).fill(-1);
  const targetNodes = new Int32Array(n);
  const holders = new Int32Array(n);
  let count = 0;
  let handsOff = false;
  for (let v = 0; v < n; v++) {
    if (!wants(v)) continue;
    targetOfNode[v] = count;
    targetNodes[count] = v;
    const p = mesh.parent[v]!;
    const holder = p >= 0 ? p : v;
    if (holder !== v) handsOff = true;
    holders[count++] = holder;
  }
  const holderOfTarget = holders.slice(0, count);
  const tankAccepts = new Uint8Array(count);
  const refuse = FLAG_BITS.disableBroadcasts | FLAG_BITS.encryptFwDownload | FLAG_BITS.moduleFirmware42x;
  const heldStart = new Int32Array(n + 1);
  for (let t = 0; t < count; t++) {
    const holder = holderOfTarget[t]!;
    tankAccepts[t] = (mesh.flags[holder]! & refuse) === 0 ? 1 : 0;
    if (tankAccepts[t] === 1) heldStart[holder + 1]!++;
  }
  for (let v = 0; v < n; v++) heldStart[v + 1]! += heldStart[v]!;
  const heldTanks = new Int32Array(heldStart[n]!);
  const cursor = heldStart.slice(0, n);
  for (let t = 0; t < count; t++) if (tankAccepts[t] === 1) heldTanks[cursor[holderOfTarget[t]!]!++] = t;
  return {
    targetNodes: targetNodes.slice(0, count),
    targetOfNode,
    holderOfTarget,
    tankAccepts,
    heldStart,
    heldTanks,
    handsOff,
  };
}
