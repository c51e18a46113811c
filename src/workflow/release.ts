import { checkObject, checkOneOf, checkString, join } from '../check.js';
import { ValidationError } from '../errors.js';
import { checkVersion, type CatalogueManifest } from '../headend/catalogue.js';
import type { FirmwareField } from '../headend/records.js';
import { DEVICE_KINDS, type DeviceKind } from '../network/device.js';

/** Kinds of device a release targets over the mesh (collectors take theirs over the WAN). */
export const RELEASE_KINDS = [
  'router',
  'meshExtender',
  'meter',
  'gasModule',
  'waterModule',
  'concentrator',
  'repeater920',
] as const satisfies readonly DeviceKind[];

/** One of {@link RELEASE_KINDS}. */
export type ReleaseKind = (typeof RELEASE_KINDS)[number];

/**
 * The versions a release brings to one class of device: every device of the kind, or only
 * those of one model (a model's entry wins over its kind's).
 */
export interface ReleaseTarget {
  /** The kind of device. */
  readonly kind: ReleaseKind;
  /** Only this model (omitted: every model of the kind). */
  readonly model?: string;
  /** Module firmware (gas / water modules: their module firmware). */
  readonly module?: string;
  /** DCW. */
  readonly dcw?: string;
  /** Metrology firmware (meters). */
  readonly metrology?: string;
  /** HAN / ZigBee firmware (ZigBee-capable meters). */
  readonly han?: string;
}

/**
 * A release: what an upgrade campaign brings the network to, and the packages it imports.
 * Versions omitted are left as they are.
 */
export interface Release {
  /** Head-end software version (5.5 and later: the post-install process must be off). */
  readonly headend?: string;
  /** Collector code (collector firmware). */
  readonly collectorCode?: string;
  /** Collector radio firmware. */
  readonly collectorRadio?: string;
  /** Concentrator / MCC firmware, installed by the live-upgrade tool (dual head-end). */
  readonly concentratorFirmware?: string;
  /** Versions per device class. */
  readonly targets: readonly ReleaseTarget[];
  /** Packages imported at the import step (present and target versions must be in the catalogue). */
  readonly packages?: CatalogueManifest;
}

/** The fields of {@link Release}. */
const RELEASE_FIELDS = [
  'headend',
  'collectorCode',
  'collectorRadio',
  'concentratorFirmware',
  'targets',
  'packages',
] as const;

/** The firmware fields a target may name. */
const TARGET_FIELDS: readonly FirmwareField[] = ['module', 'dcw', 'metrology', 'han'];

/**
 * Checks a release: versions well formed, each class named once, fields that apply to the kind.
 * @throws ValidationError naming the field
 */
export function checkRelease(release: unknown, at = 'release'): Release {
  const o = checkObject(at, release, RELEASE_FIELDS, 'a release');
  for (const f of ['headend', 'collectorCode', 'collectorRadio', 'concentratorFirmware'] as const) {
    if (o[f] !== undefined) checkVersion(join(at, f), o[f]);
  }
  const targets = o['targets'];
  if (!Array.isArray(targets)) throw new ValidationError(join(at, 'targets'), targets, 'a list of device classes');
  const seen = new Set<string>();
  targets.forEach((t: unknown, i) => {
    const tat = join(at, `targets[${i}]`);
    const to = checkObject(tat, t, ['kind', 'model', ...TARGET_FIELDS], 'a device class and its versions');
    const kind = checkOneOf<ReleaseKind>(join(tat, 'kind'), to['kind'], RELEASE_KINDS);
    if (to['model'] !== undefined) checkString(join(tat, 'model'), to['model'], 'a model name');
    const key = `${kind}/${(to['model'] as string | undefined) ?? ''}`;
    if (seen.has(key)) throw new ValidationError(tat, t, `each kind (and model) once: ${key} is named twice`);
    seen.add(key);
    let any = false;
    for (const f of TARGET_FIELDS) {
      if (to[f] === undefined) continue;
      any = true;
      checkVersion(join(tat, f), to[f]);
      const applies =
        f === 'module' || (f === 'dcw' && kind !== 'gasModule' && kind !== 'waterModule') || kind === 'meter';
      if (!applies) throw new ValidationError(join(tat, f), to[f], `nothing: ${f} does not apply to ${kind}`);
    }
    if (!any) throw new ValidationError(tat, t, 'at least one version: module, dcw, metrology or han');
  });
  return o as unknown as Release;
}

/** The version a release brings a device of this kind and model to in a field, if any. */
export function releaseTarget(
  release: Release,
  kind: DeviceKind,
  model: string,
  field: FirmwareField,
): string | undefined {
  let general: string | undefined;
  for (const t of release.targets) {
    if (t.kind !== kind) continue;
    if (t.model === model && t[field] !== undefined) return t[field];
    if (t.model === undefined) general = t[field];
  }
  return general;
}

/** Kinds of device in {@link DEVICE_KINDS} order that a release names. */
export function releaseKinds(release: Release): DeviceKind[] {
  return DEVICE_KINDS.filter((k) => release.targets.some((t) => t.kind === k));
}
