import { checkInteger, checkObject, checkOneOf, checkPositive, checkProbability, join } from '../check.js';
import { ValidationError } from '../errors.js';
import { checkVersion, type PackageInput } from '../headend/catalogue.js';
import type { HeadEnd } from '../headend/headend.js';
import type { FirmwareField } from '../headend/records.js';
import { FLAG_BITS, KIND, type DeviceKind } from '../network/device.js';
import { compareVersions, isModule42x } from '../network/firmware.js';
import type { CompiledMesh } from '../network/mesh.js';
import { CHILD_STEPS, INSTALLATION_ORDERS, ORDER_STEPS, type InstallationOrder, type OrderStep } from './orders.js';
import { checkRelease, releaseTarget, type Release, type ReleaseKind } from './release.js';

/** What a step of a plan does. */
export type PlanAction =
  | 'headendUpgrade'
  | 'postInstallOff'
  | 'import'
  | 'uscUpgrade'
  | 'collectorCode'
  | 'collectorRadio'
  | 'dataMessageInformational'
  | 'openSecurityGroup'
  | 'concentratorTool'
  | 'activateConcentrators'
  | 'generalQuery'
  | 'synchronise'
  | 'seed'
  | 'headendRestart'
  | 'hanInitialization'
  | 'download';

/** How a step reaches what it changes. */
export type Delivery = 'operator' | 'wan' | 'broadcast' | 'point-to-point';

/** One step of an upgrade plan. */
export interface PlanStep {
  /** Stable id (`meter-module`, `meter-module-42x` …). */
  readonly id: string;
  /** What the operator would call it. */
  readonly name: string;
  /** What it does. */
  readonly action: PlanAction;
  /** How it is delivered. */
  readonly delivery: Delivery;
  /** Kind of device it changes (download, seed, HAN Initialization steps). */
  readonly kind?: ReleaseKind;
  /** Firmware field it changes (download steps). */
  readonly field?: FirmwareField;
  /** Version it installs (one for every endpoint), when not the release's target per model. */
  readonly version?: string;
  /**
   * Endpoints it addresses, by id (point-to-point steps); a broadcast step addresses every
   * endpoint of its kind not on the target, by model and source version, when it runs.
   */
  readonly endpoints?: readonly string[];
  /** Endpoints it concerns when planned (estimated from the records). */
  readonly count: number;
  /** The deviation rule that put it in the plan, if one did. */
  readonly rule?: string;
}

/** How a plan's broadcasts run. */
export interface PlanSettings {
  /** Maximum Hops as the collectors' Max. Layer + this. @defaultValue 1 (the guide) */
  readonly maxHopsOverLayer: number;
  /** Maximum TTL, seconds. @defaultValue 60 (the guide) */
  readonly ttlS: number;
  /** Collectors of one broadcast: none within 2 miles of another, or all at once. @defaultValue 'two-mile' */
  readonly grouping: 'two-mile' | 'all';
  /** Broadcast passes per command at most, before clean-up. @defaultValue 4 */
  readonly passes: number;
  /** Share of a broadcast's targets left for clean-up: passes stop once fewer miss the image. @defaultValue 0.02 */
  readonly remainderGoal: number;
  /** Seconds between packets. @defaultValue 70 */
  readonly spacingS: number;
  /**
   * What a repeat pass sends: the whole image again ('full'), or only the stretches of it that
   * the tanks of a sample of the endpoints still missing it lack ('selective', read through Get
   * Endpoint Info and Flash Download Progress; docs/optimiser.md). @defaultValue 'full'
   */
  readonly repeat?: 'full' | 'selective';
  /** Endpoints whose tanks a selective repeat reads (all of them when fewer miss the image). @defaultValue 20 */
  readonly repeatSample?: number;
}

/** An upgrade plan: the steps in order, for a release, on a head-end. */
export interface Plan {
  /** Installation order it follows. */
  readonly order: InstallationOrder;
  /** The release. */
  readonly release: Release;
  /** How its broadcasts run. */
  readonly settings: PlanSettings;
  /** The steps, in order. */
  readonly steps: readonly PlanStep[];
  /** The concentrators' firmware before the campaign (null: unknown), for the dual head-end sequence. */
  readonly concentratorFirmware: string | null;
  /** Order steps left out, with why (a class already on target, nothing of the kind). */
  readonly skipped: readonly {
    /** The order step's id. */
    readonly id: string;
    /** Its name. */
    readonly name: string;
    /** Why it was left out: `not in the release`, `every record on target`, `no meter in the network` … */
    readonly why: string;
  }[];
}

/** Options of {@link planUpgrade}. */
export interface PlanOptions extends Partial<PlanSettings> {
  /** Installation order. @defaultValue 'single-headend' */
  readonly order?: InstallationOrder;
  /** Where gas and water module steps go. @defaultValue 'after-meters' */
  readonly childModules?: 'after-meters' | 'before-meters';
  /**
   * Seed one meter per program point to point before a module firmware change that changes the
   * PDU CRC (6.xx → 7.xx, 9.2x or older → 9.5x+). @defaultValue true (false: a naive plan
   * whose endpoints go through RF reconfiguration, for comparison)
   */
  readonly seeding?: boolean;
  /**
   * The concentrators' firmware now (installed by the live-upgrade tool; the head-end does not
   * record it). @defaultValue unknown: taken as older than 6.0
   */
  readonly concentratorFirmware?: string;
}

/** {@link PlanSettings} defaults (the guide's advice). */
export const PLAN_DEFAULTS: PlanSettings = {
  maxHopsOverLayer: 1,
  ttlS: 60,
  grouping: 'two-mile',
  passes: 4,
  remainderGoal: 0.02,
  spacingS: 70,
};

/**
 * Every field of {@link PlanSettings}: the guide's (in {@link PLAN_DEFAULTS}) and the repeat
 * fields, which a plan carries only when they are given (a plan with full repeats reads as before
 * they existed, and keeps its campaign key).
 */
export const PLAN_SETTING_KEYS: readonly (keyof PlanSettings)[] = [
  ...(Object.keys(PLAN_DEFAULTS) as (keyof PlanSettings)[]),
  'repeat',
  'repeatSample',
];

/** Checks plan settings and applies defaults. */
export function checkPlanSettings(o: Record<string, unknown>, at: string): PlanSettings {
  const ttlS = o['ttlS'] ?? PLAN_DEFAULTS.ttlS;
  if (typeof ttlS !== 'number' || !(ttlS >= 60 && ttlS <= 600)) {
    throw new ValidationError(join(at, 'ttlS'), ttlS, "60 to 600 seconds (the head-end's Maximum TTL)");
  }
  return {
    maxHopsOverLayer: checkInteger(join(at, 'maxHopsOverLayer'), o['maxHopsOverLayer'] ?? 1, 1, 38),
    ttlS,
    grouping: checkOneOf(join(at, 'grouping'), o['grouping'] ?? 'two-mile', ['two-mile', 'all'] as const),
    passes: checkInteger(join(at, 'passes'), o['passes'] ?? PLAN_DEFAULTS.passes, 1, 100),
    remainderGoal: checkProbability(join(at, 'remainderGoal'), o['remainderGoal'] ?? PLAN_DEFAULTS.remainderGoal),
    spacingS: checkPositive(join(at, 'spacingS'), o['spacingS'] ?? PLAN_DEFAULTS.spacingS),
    ...(o['repeat'] === undefined
      ? {}
      : { repeat: checkOneOf(join(at, 'repeat'), o['repeat'], ['full', 'selective'] as const) }),
    ...(o['repeatSample'] === undefined
      ? {}
      : { repeatSample: checkInteger(join(at, 'repeatSample'), o['repeatSample'], 1, 10_000) }),
  };
}

/** Meter families that must step through 5.18 from 4.2x (the guide), and mesh extenders. */
export function steps42xThrough518(kind: DeviceKind, model: string): boolean {
  return kind === 'meshExtender' || (kind === 'meter' && /focus-al|focus-ax-modular/i.test(model));
}

/** The stepping-stone version from 4.2x module firmware. */
export const STEPPING_STONE = '5.18';

/** A version's release family: its major number and the first digit of its minor (`9.21` → 9.2x). */
function family(version: string): [number, number] | null {
  const m = /^(\d+)\.(\d)/.exec(version);
  return m === null ? null : [Number(m[1]), Number(m[2])];
}

/**
 * Whether module firmware from → to changes the PDU CRC the endpoint reports, and by which of
 * the guide's rules: '7xx' (6.xx → 7.xx), '95x' (9.2x or older 9.xx → 9.5x and later); null when
 * it does not. Families are read as the guide writes them: 9.21 and 9.25 are 9.2x.
 */
export function crcChange(from: string | null, to: string): '7xx' | '95x' | null {
  if (from === null) return null;
  const f = family(from);
  const t = family(to);
  if (f === null || t === null) return null;
  if (f[0] === 6 && t[0] === 7) return '7xx';
  if (f[0] === 9 && f[1] <= 2 && t[0] === 9 && t[1] >= 5) return '95x';
  return null;
}

/** The key of the PDU CRC an endpoint's new firmware reports: what a seed meter must share with it. */
export function programKey(mesh: CompiledMesh, v: number, model: string, rule: '7xx' | '95x'): string {
  const p = mesh.device(v).program;
  if (rule === '7xx') return `${model}|${p?.program ?? ''}`;
  return [model, p?.configuration, p?.factor, p?.program, p?.tariff, p?.misc].map((x) => x ?? '').join('|');
}

/** Device indices of a kind in the mesh. */
export function devicesOfKind(mesh: CompiledMesh, kind: DeviceKind): number[] {
  const code = KIND[kind];
  const out: number[] = [];
  for (let v = 0; v < mesh.n; v++) if (mesh.kind[v] === code) out.push(v);
  return out;
}

/**
 * Endpoints a download step must change, as the records show them: of the kind, with a target
 * for their model, and a record that does not show it (unknown versions included).
 */
export function pending(headEnd: HeadEnd, release: Release, kind: DeviceKind, field: FirmwareField): number[] {
  const { records } = headEnd;
  const mesh = headEnd.network;
  const out: number[] = [];
  for (const v of devicesOfKind(mesh, kind)) {
    const target = releaseTarget(release, kind, records.modelOf(v), field);
    if (target === undefined) continue;
    if (field === 'han' && (mesh.flags[v]! & FLAG_BITS.zigbeeCapable) === 0) continue;
    const now = records.version(v, field);
    if (now === null || compareVersions(now, target) !== 0) out.push(v);
  }
  return out;
}

/** The seed meters of a CRC change: one per program key among the endpoints, the nearest to its collector. */
export function seedMeters(headEnd: HeadEnd, release: Release, kind: DeviceKind, rule: '7xx' | '95x'): number[] {
  const mesh = headEnd.network;
  const best = new Map<string, number>();
  for (const v of pending(headEnd, release, kind, 'module')) {
    const model = headEnd.records.modelOf(v);
    const to = releaseTarget(release, kind, model, 'module')!;
    if (crcChange(headEnd.records.version(v, 'module'), to) !== rule || mesh.layer[v]! < 0) continue;
    const key = programKey(mesh, v, model, rule);
    const b = best.get(key);
    if (b === undefined || mesh.layer[v]! < mesh.layer[b]!) best.set(key, v);
  }
  return [...best.values()].sort((a, b) => a - b);
}

/** The steps a download step needs before it, by the deviation rules (docs/model.md, "The upgrade campaign"). */
export function stepsBefore(
  headEnd: HeadEnd,
  plan: Pick<Plan, 'release'>,
  step: OrderStep,
  seeding: boolean,
): PlanStep[] {
  const { release } = plan;
  const kind = step.kind!;
  const mesh = headEnd.network;
  const out: PlanStep[] = [];
  if (step.field === 'module') {
    const todo = pending(headEnd, release, kind, 'module');
    const stone: string[] = [];
    const direct: string[] = [];
    const bits: string[] = [];
    for (const v of todo) {
      const model = headEnd.records.modelOf(v);
      const from = headEnd.records.version(v, 'module');
      if (isModule42x(from ?? undefined)) (steps42xThrough518(kind, model) ? stone : direct).push(mesh.id(v));
      else if ((mesh.flags[v]! & (FLAG_BITS.disableBroadcasts | FLAG_BITS.encryptFwDownload)) !== 0)
        bits.push(mesh.id(v));
    }
    if (stone.length > 0) {
      out.push({
        id: `${step.id}-42x-stone`,
        name: `${step.name}: 4.2x endpoints to ${STEPPING_STONE} first, point to point`,
        action: 'download',
        delivery: 'point-to-point',
        kind,
        field: 'module',
        version: STEPPING_STONE,
        endpoints: stone,
        count: stone.length,
        rule: '42x-stepping-stone',
      });
    }
    if (direct.length > 0) {
      out.push({
        id: `${step.id}-42x`,
        name: `${step.name}: 4.2x endpoints, point to point`,
        action: 'download',
        delivery: 'point-to-point',
        kind,
        field: 'module',
        endpoints: direct,
        count: direct.length,
        rule: '42x-no-broadcast',
      });
    }
    if (seeding) {
      for (const rule of ['7xx', '95x'] as const) {
        const seeds = seedMeters(headEnd, release, kind, rule);
        if (seeds.length === 0) continue;
        out.push({
          id: `${step.id}-seed-${rule}`,
          name:
            `${step.name}: one seed meter per ${rule === '7xx' ? 'meter program' : 'program, tariff and misc id'}, ` +
            'point to point, then Get Endpoint Configuration',
          action: 'seed',
          delivery: 'point-to-point',
          kind,
          field: 'module',
          endpoints: seeds.map((v) => mesh.id(v)),
          count: seeds.length,
          rule: rule === '7xx' ? 'seed-7xx' : 'seed-95x',
        });
        if (rule === '95x') {
          out.push({
            id: `${step.id}-restart`,
            name: 'Restart the head-end (it learns the seeded CRCs)',
            action: 'headendRestart',
            delivery: 'operator',
            count: 0,
            rule: 'seed-95x',
          });
        }
      }
    }
    // After the seeds: these change their CRC too, and the head-end must know it by then.
    if (bits.length > 0) {
      out.push({
        id: `${step.id}-no-broadcast`,
        name: `${step.name}: endpoints with Disable Broadcasts or Encrypt FW Download, point to point`,
        action: 'download',
        delivery: 'point-to-point',
        kind,
        field: 'module',
        endpoints: bits,
        count: bits.length,
        rule: 'broadcast-bits',
      });
    }
  }
  if (step.field === 'han' && kind === 'meter') {
    // Those whose ZigBee firmware changes, and those whose metrology changed before it.
    const changing = new Set([
      ...pending(headEnd, release, 'meter', 'han'),
      ...pending(headEnd, release, 'meter', 'metrology'),
    ]);
    const active = [...changing].sort((a, b) => a - b).filter((v) => (mesh.flags[v]! & FLAG_BITS.activeHan) !== 0);
    if (active.length > 0) {
      out.push({
        id: 'meter-han-init',
        name: 'HAN Initialization of meters with an active HAN, before their ZigBee firmware',
        action: 'hanInitialization',
        delivery: 'point-to-point',
        kind: 'meter',
        endpoints: active.map((v) => mesh.id(v)),
        count: active.length,
        rule: 'han-init-before-zigbee',
      });
    }
  }
  return out;
}

/** The step of an order step for a download, with what it concerns now. */
function downloadStep(headEnd: HeadEnd, release: Release, step: OrderStep): PlanStep {
  return {
    id: step.id,
    name: step.name,
    action: 'download',
    delivery: 'broadcast',
    kind: step.kind!,
    field: step.field!,
    count: pending(headEnd, release, step.kind!, step.field!).length,
  };
}

/**
 * Plans an upgrade campaign in the guide's order (docs/model.md, "The upgrade campaign"): the
 * order's steps, those of classes already on target left out, and what the deviation rules
 * require inserted — 4.2x endpoints point to point (through 5.18 for the named families), seed
 * meters and a head-end restart before a CRC-changing module firmware, DCW before module
 * firmware on 6.xx → 7.xx, HAN Initialization before ZigBee firmware and after metrology, water
 * modules before their electric parents when on firmware older than 2.0, the post-install
 * process off for head-end 5.5+, the dual head-end concentrator sequence. Reads the head-end's
 * records (what its operator knows), never the devices; endpoints with unknown versions are
 * synchronised first. Its plans pass {@link checkPlan}.
 */
export function planUpgrade(headEnd: HeadEnd, release: Release, options: PlanOptions = {}): Plan {
  const o = checkObject(
    'options',
    options,
    ['order', 'childModules', 'seeding', 'concentratorFirmware', ...PLAN_SETTING_KEYS],
    'plan options',
  );
  const order = checkOneOf<InstallationOrder>('options.order', o['order'] ?? 'single-headend', INSTALLATION_ORDERS);
  const childModules = checkOneOf('options.childModules', o['childModules'] ?? 'after-meters', [
    'after-meters',
    'before-meters',
  ] as const);
  const seeding = o['seeding'] ?? true;
  if (typeof seeding !== 'boolean') throw new ValidationError('options.seeding', seeding, 'true or false');
  const settings = checkPlanSettings(o, 'options');
  const checked = checkRelease(release, 'release');
  const concentratorFirmware =
    o['concentratorFirmware'] === undefined
      ? null
      : checkVersion('options.concentratorFirmware', o['concentratorFirmware']);
  return buildPlan(headEnd, checked, order, settings, childModules, seeding, concentratorFirmware);
}

function buildPlan(
  headEnd: HeadEnd,
  release: Release,
  order: InstallationOrder,
  settings: PlanSettings,
  childModules: 'after-meters' | 'before-meters',
  seeding: boolean,
  concentratorFirmware: string | null,
): Plan {
  const mesh = headEnd.network;
  const records = headEnd.records;
  const skipped: { id: string; name: string; why: string }[] = [];
  // The order with the child-module steps placed.
  const base = [...ORDER_STEPS[order]];
  const meterModule = base.findIndex((s) => s.id === 'meter-module');
  const water = CHILD_STEPS[0]!;
  const gas = CHILD_STEPS[1]!;
  const waterFirst = waterBeforeParents(headEnd, release);
  if (order !== 'japan' || release.targets.some((t) => t.kind === 'waterModule' || t.kind === 'gasModule')) {
    const before: OrderStep[] = [];
    const after: OrderStep[] = [];
    (childModules === 'before-meters' || waterFirst ? before : after).push(water);
    (childModules === 'before-meters' ? before : after).push(gas);
    if (meterModule >= 0) base.splice(meterModule, 0, ...before);
    else after.unshift(...before);
    base.push(...after);
  }
  // 6.xx → 7.xx: DCW before module firmware, for each kind that crosses.
  for (const kind of ['router', 'meshExtender', 'concentrator', 'meter'] as const) {
    const crosses = pending(headEnd, release, kind, 'module').some(
      (v) =>
        crcChange(records.version(v, 'module'), releaseTarget(release, kind, records.modelOf(v), 'module')!) === '7xx',
    );
    if (!crosses) continue;
    const m = base.findIndex((s) => s.id === `${kind}-module`);
    const d = base.findIndex((s) => s.id === `${kind}-dcw`);
    if (m >= 0 && d > m) base.splice(m, 0, base.splice(d, 1)[0]!);
  }

  const steps: PlanStep[] = [];
  let synchronised = false;
  const unknown = unknownRecords(headEnd, release);
  for (const step of base) {
    switch (step.action) {
      case 'headendUpgrade':
        if (release.headend === undefined) {
          skipped.push({ id: step.id, name: step.name, why: 'no head-end version in the release' });
          break;
        }
        if (compareVersions(release.headend, '5.5') >= 0) {
          steps.push({
            id: 'post-install-off',
            name: 'Disable the post-install process',
            action: 'postInstallOff',
            delivery: 'operator',
            count: 0,
            rule: 'post-install-off',
          });
        }
        steps.push({ ...opStep(step), version: release.headend });
        break;
      case 'import':
        steps.push({ ...opStep(step), count: packagesOf(release).length });
        break;
      case 'uscUpgrade':
        if (release.headend === undefined)
          skipped.push({ id: step.id, name: step.name, why: 'no head-end version in the release' });
        else steps.push({ ...opStep(step), version: release.headend });
        break;
      case 'collectorCode':
        if (release.collectorCode === undefined)
          skipped.push({ id: step.id, name: step.name, why: 'not in the release' });
        else
          steps.push({
            ...opStep(step),
            delivery: 'wan',
            version: release.collectorCode,
            count: mesh.collectors.length,
          });
        break;
      case 'collectorRadio': {
        const to = release.collectorRadio;
        const todo =
          to === undefined ? [] : Array.from(mesh.collectors).filter((c) => records.version(c, 'module') !== to);
        if (todo.length === 0)
          skipped.push({
            id: step.id,
            name: step.name,
            why: to === undefined ? 'not in the release' : 'every collector on target',
          });
        else steps.push({ ...opStep(step), delivery: 'wan', version: to!, count: todo.length });
        if (order === 'dual-headend' && concentratorsFrom5({ release, concentratorFirmware })) {
          steps.push(
            {
              id: 'data-message-informational',
              name: 'Set the collectors’ data message setting to Informational',
              action: 'dataMessageInformational',
              delivery: 'operator',
              count: mesh.collectors.length,
              rule: 'concentrators-to-85x',
            },
            {
              id: 'open-security-group',
              name: 'Put the concentrators in an open-security group',
              action: 'openSecurityGroup',
              delivery: 'operator',
              count: 0,
              rule: 'concentrators-to-85x',
            },
          );
        }
        break;
      }
      case 'concentratorTool':
      case 'activateConcentrators': {
        const n = devicesOfKind(mesh, 'concentrator').length;
        if (release.concentratorFirmware === undefined || n === 0) {
          skipped.push({ id: step.id, name: step.name, why: n === 0 ? 'no concentrators' : 'not in the release' });
          break;
        }
        steps.push({ ...opStep(step), version: release.concentratorFirmware, count: n });
        if (step.action === 'activateConcentrators' && concentratorsFrom5({ release, concentratorFirmware })) {
          steps.push({
            id: 'general-query',
            name: 'Switch the collectors to General Query',
            action: 'generalQuery',
            delivery: 'operator',
            count: mesh.collectors.length,
            rule: 'concentrators-to-85x',
          });
        }
        break;
      }
      case 'download': {
        const kind = step.kind!;
        if (devicesOfKind(mesh, kind).length === 0) {
          skipped.push({ id: step.id, name: step.name, why: `no ${kind} in the network` });
          break;
        }
        const planned = downloadStep(headEnd, release, step);
        const targeted = release.targets.some((t) => t.kind === kind && t[step.field!] !== undefined);
        if (!targeted || (planned.count === 0 && !unknown.has(kind))) {
          skipped.push({
            id: step.id,
            name: step.name,
            why: release.targets.some((t) => t.kind === kind && t[step.field!] !== undefined)
              ? 'every record on target'
              : 'not in the release',
          });
          break;
        }
        if (!synchronised && unknown.size > 0) {
          synchronised = true;
          const ids = [...unknown.values()].flat();
          steps.push({
            id: 'synchronise',
            name: 'Get Endpoint Configuration to endpoints whose records show unknown versions',
            action: 'synchronise',
            delivery: 'point-to-point',
            endpoints: ids.map((v) => mesh.id(v)),
            count: ids.length,
            rule: 'synchronise-unknown',
          });
        }
        steps.push(...stepsBefore(headEnd, { release }, step, seeding), planned);
        if (kind === 'meter' && step.field === 'metrology' && pending(headEnd, release, 'meter', 'han').length === 0) {
          const active = pending(headEnd, release, 'meter', 'metrology').filter(
            (v) => (mesh.flags[v]! & FLAG_BITS.activeHan) !== 0,
          );
          if (active.length > 0) {
            steps.push({
              id: 'meter-han-reinit',
              name: 'HAN Initialization again after the metrology upgrade',
              action: 'hanInitialization',
              delivery: 'point-to-point',
              kind: 'meter',
              endpoints: active.map((v) => mesh.id(v)),
              count: active.length,
              rule: 'han-init-after-metrology',
            });
          }
        }
        break;
      }
    }
  }
  return { order, release, settings, concentratorFirmware, steps, skipped };
}

function opStep(step: OrderStep): PlanStep {
  return { id: step.id, name: step.name, action: step.action, delivery: 'operator', count: 0 };
}

/** The packages of a release, as a list. */
export function packagesOf(release: Release): readonly PackageInput[] {
  const p = release.packages;
  if (p === undefined) return [];
  return Array.isArray(p) ? p : (p as { packages: readonly PackageInput[] }).packages;
}

/**
 * Whether water modules must go before their electric parents: some on firmware older than 2.0
 * while meters change module firmware.
 */
export function waterBeforeParents(headEnd: HeadEnd, release: Release): boolean {
  const { records } = headEnd;
  const mesh = headEnd.network;
  if (pending(headEnd, release, 'meter', 'module').length === 0) return false;
  return devicesOfKind(mesh, 'waterModule').some((v) => {
    const now = records.version(v, 'module');
    return now !== null && compareVersions(now, '2.0') < 0;
  });
}

/**
 * Whether concentrators go from firmware older than 6.0 to 8.5x (the dual head-end sequence):
 * their firmware now (the live-upgrade tool's, which the head-end does not record; unknown counts
 * as older) against the release's.
 */
export function concentratorsFrom5(plan: Pick<Plan, 'release' | 'concentratorFirmware'>): boolean {
  const to = plan.release.concentratorFirmware;
  if (to === undefined || compareVersions(to, '8.5') < 0) return false;
  return plan.concentratorFirmware === null || compareVersions(plan.concentratorFirmware, '6.0') < 0;
}

/** Endpoints of each targeted kind whose records do not know their versions (stale records). */
function unknownRecords(headEnd: HeadEnd, release: Release): Map<DeviceKind, number[]> {
  const out = new Map<DeviceKind, number[]>();
  const { records } = headEnd;
  for (const t of release.targets) {
    for (const v of devicesOfKind(headEnd.network, t.kind)) {
      if (t.model !== undefined && records.modelOf(v) !== t.model) continue;
      // Every device runs module firmware: a record without it is out of date.
      if (records.version(v, 'module') === null) {
        const list = out.get(t.kind) ?? [];
        if (!list.includes(v)) list.push(v);
        out.set(t.kind, list);
      }
    }
  }
  return out;
}
