import { checkInteger, checkObject, checkOneOf, checkString, isPlainObject, join } from '../check.js';
import { ValidationError } from '../errors.js';
import { compareVersions, sameVersion, versionParts } from '../network/firmware.js';

/**
 * Kinds of firmware package the head-end imports (docs/model.md, "The head-end"): collector code,
 * collector radio firmware, communication-module firmware (meters, routers, mesh extenders),
 * gas and water module firmware, DCW, Small DCW, HAN / ZigBee firmware, meter metrology firmware.
 */
export const PACKAGE_TYPES = [
  'collector',
  'collectorRadio',
  'moduleFirmware',
  'gasModuleFirmware',
  'waterModuleFirmware',
  'dcw',
  'smallDcw',
  'han',
  'metrology',
] as const;

/** One of {@link PACKAGE_TYPES}. */
export type PackageType = (typeof PACKAGE_TYPES)[number];

/** A firmware package as given to {@link Catalogue.add} or in a manifest. */
export interface PackageInput {
  /** What it upgrades. */
  readonly type: PackageType;
  /** Its version, e.g. `"5.18"` (versions compare component by component: `9.57` > `9.5`). */
  readonly version: string;
  /**
   * Endpoint models it applies to. Required but for water module firmware, which applies to
   * every water module (the model filter does not apply to it).
   */
  readonly models?: readonly string[];
  /** Image size in bytes (the head-end cuts it into packets of its `payloadBytes`). Give this or `packets`. */
  readonly imageBytes?: number;
  /** Image size in packets. */
  readonly packets?: number;
  /** Module firmware versions the image may be installed on (omitted: any). */
  readonly compatibleModuleFirmware?: readonly string[];
  /** DCW versions the image may be installed on (omitted: any). */
  readonly compatibleDcw?: readonly string[];
}

/** A catalogued package: checked, models as a set (null: every model, water firmware only). */
export interface Package {
  /** What it upgrades. */
  readonly type: PackageType;
  /** Its version. */
  readonly version: string;
  /** Models it applies to; null for water module firmware (every water module). */
  readonly models: ReadonlySet<string> | null;
  /** Image size in bytes, if given. */
  readonly imageBytes: number | null;
  /** Image size in packets, if given. */
  readonly packets: number | null;
  /** Module firmware versions it installs on; null: any. */
  readonly compatibleModuleFirmware: ReadonlySet<string> | null;
  /** DCW versions it installs on; null: any. */
  readonly compatibleDcw: ReadonlySet<string> | null;
}

/** A manifest of packages, as a file or object imports them: `{ "packages": [ … ] }` or the list. */
export type CatalogueManifest =
  | {
      /** The packages, in the order they are imported. */
      readonly packages: readonly PackageInput[];
    }
  | readonly PackageInput[];

const PACKAGE_FIELDS = [
  'type',
  'version',
  'models',
  'imageBytes',
  'packets',
  'compatibleModuleFirmware',
  'compatibleDcw',
] as const;

/** Largest image the head-end takes, in bytes. */
const MAX_IMAGE_BYTES = 2 ** 31 - 1;

/**
 * Checks a version string: digits separated by dots (`5.18`, `9.57`), or a family written as
 * two digits and `x` (`42x`: every 4.2 release).
 */
export function checkVersion(at: string, v: unknown): string {
  if (typeof v !== 'string' || versionParts(v) === null) {
    throw new ValidationError(at, v, "a version such as '5.18' (digits separated by dots) or a family such as '42x'");
  }
  return v;
}

/** A list of versions (at least one, each once). */
function checkVersions(at: string, v: unknown): ReadonlySet<string> {
  if (!Array.isArray(v) || v.length === 0) throw new ValidationError(at, v, 'a non-empty list of versions');
  return new Set(v.map((x, i) => checkVersion(join(at, i), x)));
}

/**
 * The head-end's firmware catalogue: every package imported, by type and version. Only
 * catalogued versions can be sent, or named in a filter; a head-end whose network runs versions not
 * catalogued refuses every command (see {@link HeadEnd.missingFromCatalogue}).
 * @example
 * ```ts
 * const catalogue = new Catalogue();
 * catalogue.add({ type: 'moduleFirmware', version: '5.18', models: ['focus-ax'], imageBytes: 180_000 });
 * catalogue.versions('moduleFirmware', 'focus-ax'); // ['5.18']
 * ```
 */
export class Catalogue {
  private readonly packages: Package[] = [];

  /**
   * @param manifest - packages to import at once (see {@link Catalogue.import})
   */
  constructor(manifest?: CatalogueManifest) {
    if (manifest !== undefined) this.import(manifest, 'catalogue');
  }

  /** The packages imported, in order, as inputs that import them again. */
  inputs(): PackageInput[] {
    return this.packages.map((p) => ({
      type: p.type,
      version: p.version,
      ...(p.models === null ? {} : { models: [...p.models] }),
      ...(p.imageBytes === null ? {} : { imageBytes: p.imageBytes }),
      ...(p.packets === null ? {} : { packets: p.packets }),
      ...(p.compatibleModuleFirmware === null ? {} : { compatibleModuleFirmware: [...p.compatibleModuleFirmware] }),
      ...(p.compatibleDcw === null ? {} : { compatibleDcw: [...p.compatibleDcw] }),
    }));
  }

  /**
   * Imports one package.
   * @param at - where it was given, for errors
   * @throws ValidationError naming the field when it is malformed, or when the same type and
   *   version were imported before
   */
  add(input: PackageInput, at = 'package'): Package {
    const o = checkObject(at, input, PACKAGE_FIELDS, 'a firmware package');
    const type = checkOneOf<PackageType>(join(at, 'type'), o['type'], PACKAGE_TYPES);
    const version = checkVersion(join(at, 'version'), o['version']);
    let models: ReadonlySet<string> | null = null;
    if (type === 'waterModuleFirmware') {
      if (o['models'] !== undefined) {
        throw new ValidationError(
          join(at, 'models'),
          o['models'],
          'nothing: water firmware applies to every water module',
        );
      }
    } else {
      const m = o['models'];
      if (!Array.isArray(m) || m.length === 0) {
        throw new ValidationError(join(at, 'models'), m, 'a non-empty list of the endpoint models it applies to');
      }
      models = new Set(m.map((x, i) => checkString(join(at, `models[${i}]`), x, 'a model name')));
    }
    const hasBytes = o['imageBytes'] !== undefined;
    const hasPackets = o['packets'] !== undefined;
    if (hasBytes === hasPackets) {
      throw new ValidationError(
        join(at, hasBytes ? 'packets' : 'imageBytes'),
        hasBytes ? o['packets'] : o['imageBytes'],
        'an image size: imageBytes or packets, one of the two',
      );
    }
    const imageBytes = hasBytes ? checkInteger(join(at, 'imageBytes'), o['imageBytes'], 1, MAX_IMAGE_BYTES) : null;
    const packets = hasPackets ? checkInteger(join(at, 'packets'), o['packets'], 1, 10_000_000) : null;
    const compatible = (field: 'compatibleModuleFirmware' | 'compatibleDcw'): ReadonlySet<string> | null =>
      o[field] === undefined ? null : checkVersions(join(at, field), o[field]);
    const pkg: Package = {
      type,
      version,
      models,
      imageBytes,
      packets,
      compatibleModuleFirmware: compatible('compatibleModuleFirmware'),
      compatibleDcw: compatible('compatibleDcw'),
    };
    if (this.packages.some((p) => p.type === type && sameVersion(p.version, version))) {
      throw new ValidationError(join(at, 'version'), version, `a ${type} version not imported before`);
    }
    this.packages.push(pkg);
    return pkg;
  }

  /**
   * Imports a manifest: `{ packages: [ … ] }` or a list of packages (as parsed from JSON).
   * @param at - where it was given, for errors
   */
  import(manifest: CatalogueManifest, at = 'manifest'): void {
    let list: unknown = manifest;
    let listAt = at;
    if (isPlainObject(manifest)) {
      list = checkObject(at, manifest, ['packages'], 'a catalogue manifest')['packages'];
      listAt = join(at, 'packages');
    }
    if (!Array.isArray(list)) throw new ValidationError(listAt, list, 'a list of firmware packages');
    list.forEach((p: PackageInput, i) => this.add(p, join(listAt, i)));
  }

  /**
   * The package of a type and version that applies to a model (any model for water firmware).
   * @param model - the endpoint model; omitted: the package whatever its models
   */
  find(type: PackageType, version: string, model?: string): Package | undefined {
    return this.packages.find(
      (p) =>
        p.type === type &&
        sameVersion(p.version, version) &&
        (model === undefined || p.models === null || p.models.has(model)),
    );
  }

  /** Whether a version of a type is catalogued for a model. */
  has(type: PackageType, version: string, model?: string): boolean {
    return this.find(type, version, model) !== undefined;
  }

  /** Versions of a type catalogued for a model, oldest first. */
  versions(type: PackageType, model?: string): string[] {
    return this.packages
      .filter((p) => p.type === type && (model === undefined || p.models === null || p.models.has(model)))
      .map((p) => p.version)
      .sort(compareVersions);
  }

  /** Every package, in import order. */
  list(): readonly Package[] {
    return this.packages;
  }
}
