import createGraph, { type Graph } from 'ngraph.graph';
import { compileDevices, type CompiledMesh } from './mesh.js';
import { checkObject, checkProbability } from '../check.js';
import { ValidationError } from '../errors.js';
import {
  DEVICE_KINDS,
  isChildKind,
  METER_PROGRAM_FIELDS,
  type Device,
  type DeviceFlags,
  type DeviceInput,
} from './device.js';

/** Success probabilities of one RF link, per direction. */
export interface LinkData {
  /** Probability that a frame sent by `from` is received by `to`. */
  readonly success: number;
  /** Probability that a frame sent by `to` is received by `from`. */
  readonly reverseSuccess: number;
}

/** An RF link as listed by {@link Network.links}. */
export interface Link extends LinkData {
  /** One end. */
  readonly from: string;
  /** The other end. */
  readonly to: string;
}

/** What a caller gives to add a link. */
export interface LinkInput {
  /** One end's device id. */
  readonly from: string;
  /** The other end's device id. */
  readonly to: string;
  /** Probability in [0, 1] that a frame from `from` reaches `to`. */
  readonly success: number;
  /** Probability for the reverse direction. @defaultValue success (symmetric link) */
  readonly reverseSuccess?: number;
}

const FLAG_NAMES: readonly (keyof DeviceFlags)[] = [
  'zigbeeCapable',
  'activeHan',
  'disableBroadcasts',
  'encryptFwDownload',
];

/**
 * An editable RF mesh: devices and links over an `ngraph.graph` graph. Edit it freely; the
 * simulator never walks it but works on {@link compile}d typed arrays (compiled once per
 * revision and cached).
 *
 * Each add checks what can be checked locally (kind, duplicate id, probability, link ends);
 * {@link Network.check} checks the whole (parents, at least one collector).
 */
export class Network {
  /** The underlying graph, for graph algorithms from the ngraph family. Do not edit it directly. */
  readonly graph: Graph<Device, LinkData>;
  private rev = 0;
  private compiled: CompiledMesh | undefined;

  constructor() {
    this.graph = createGraph<Device, LinkData>({ multigraph: false });
  }

  /** Incremented by every edit; compiled meshes are cached per revision. */
  get revision(): number {
    return this.rev;
  }

  /** Number of devices. */
  get deviceCount(): number {
    return this.graph.getNodeCount();
  }

  /** Number of RF links (each undirected pair once). */
  get linkCount(): number {
    return this.graph.getLinkCount();
  }

  /**
   * Adds a device. Throws {@link ValidationError} for an unknown kind, a duplicate id or a
   * malformed field.
   * @param input - the device; omitted fields take their defaults
   * @returns the stored device
   */
  addDevice(input: DeviceInput): Device {
    const device = normaliseDevice(input, `devices[${this.deviceCount}]`);
    if (this.graph.hasNode(device.id)) {
      throw new ValidationError(`devices[${this.deviceCount}].id`, device.id, 'an id not already in the network');
    }
    this.graph.addNode(device.id, device);
    this.rev++;
    return device;
  }

  /**
   * Adds an RF link between two existing devices. Throws {@link ValidationError} for a missing
   * end, a self-link, a duplicate link, a probability outside [0, 1] or a gas / water module
   * end (child modules talk only to their parent, never on the mesh).
   * @param link - the link (symmetric unless `reverseSuccess` is given)
   */
  addLink(link: LinkInput): Link {
    const path = `links[${this.linkCount}]`;
    const ends = [
      ['from', link.from],
      ['to', link.to],
    ] as const;
    for (const [field, id] of ends) {
      const node = this.graph.getNode(id);
      if (node === undefined) throw new ValidationError(`${path}.${field}`, id, 'the id of a device in the network');
      if (isChildKind(node.data.kind)) {
        throw new ValidationError(
          `${path}.${field}`,
          id,
          'a mesh device (gas / water modules have no mesh links: they talk only to their electric parent)',
        );
      }
    }
    if (link.from === link.to) throw new ValidationError(`${path}.to`, link.to, 'a device other than `from`');
    if (this.graph.hasLink(link.from, link.to) || this.graph.hasLink(link.to, link.from)) {
      throw new ValidationError(path, `${link.from}-${link.to}`, 'a pair of devices not already linked');
    }
    const success = checkProbability(`${path}.success`, link.success);
    const reverseSuccess = checkProbability(`${path}.reverseSuccess`, link.reverseSuccess ?? link.success);
    this.graph.addLink(link.from, link.to, { success, reverseSuccess });
    this.rev++;
    return { from: link.from, to: link.to, success, reverseSuccess };
  }

  /**
   * Removes a device and its links.
   * @param id - the device id
   * @returns whether it existed
   */
  removeDevice(id: string): boolean {
    const removed = this.graph.removeNode(id);
    if (removed) this.rev++;
    return removed;
  }

  /**
   * Removes the link between two devices, whichever way it was added.
   * @returns whether it existed
   */
  removeLink(a: string, b: string): boolean {
    const removed = this.graph.removeLink(a, b) || this.graph.removeLink(b, a);
    if (removed) this.rev++;
    return removed;
  }

  /**
   * The link between two devices seen from `a`: `success` is for frames a → b.
   * @returns undefined when they are not linked
   */
  link(a: string, b: string): Link | undefined {
    const ab = this.graph.getLink(a, b);
    if (ab !== undefined) return { from: a, to: b, success: ab.data.success, reverseSuccess: ab.data.reverseSuccess };
    const ba = this.graph.getLink(b, a);
    if (ba !== undefined) return { from: a, to: b, success: ba.data.reverseSuccess, reverseSuccess: ba.data.success };
    return undefined;
  }

  /** The device with this id, if any. */
  device(id: string): Device | undefined {
    return this.graph.getNode(id)?.data;
  }

  /** All devices, in the order they were added. */
  devices(): Device[] {
    const out: Device[] = [];
    this.graph.forEachNode((node) => {
      out.push(node.data);
    });
    return out;
  }

  /** All links, in the order they were added. */
  links(): Link[] {
    const out: Link[] = [];
    this.graph.forEachLink((l) => {
      out.push({ from: String(l.fromId), to: String(l.toId), ...l.data });
    });
    return out;
  }

  /**
   * The network compiled for simulation (checked first, see {@link Network.check}): dense ids
   * and typed arrays. Kept until the next edit, so compiling an unchanged network again is free.
   */
  compile(): CompiledMesh {
    if (this.compiled === undefined || this.compiled.revision !== this.rev) {
      this.check();
      this.compiled = compileDevices(this.devices(), this.links(), this.rev);
    }
    return this.compiled;
  }

  /**
   * Checks the network as a whole: at least one collector; every gas / water module has an
   * `parent` that is an electric meter in the network; `parent` only on child modules; every
   * `collector` reference names a collector. Throws the first {@link ValidationError}.
   */
  check(): void {
    let collectors = 0;
    let i = 0;
    this.graph.forEachNode((node) => {
      const d = node.data;
      const path = `devices[${i}]`;
      if (d.kind === 'collector') collectors++;
      if (isChildKind(d.kind)) {
        const parent = d.parent === undefined ? undefined : this.device(d.parent);
        if (parent === undefined || parent.kind !== 'meter') {
          throw new ValidationError(`${path}.parent`, d.parent, `the id of an electric meter (${d.id} is a ${d.kind})`);
        }
      } else if (d.parent !== undefined) {
        throw new ValidationError(`${path}.parent`, d.parent, 'no parent: only gas and water modules have one');
      }
      if (d.collector !== undefined && this.device(d.collector)?.kind !== 'collector') {
        throw new ValidationError(`${path}.collector`, d.collector, 'the id of a collector in the network');
      }
      i++;
    });
    if (collectors === 0) {
      throw new ValidationError(
        'devices',
        `${this.deviceCount} devices, no collector`,
        'at least one device of kind collector',
      );
    }
  }
}

/** The firmware parts a device record may name, each with a version string. */
const FIRMWARE_PARTS = ['module', 'dcw', 'metrology', 'han'] as const;

function normaliseDevice(input: DeviceInput, path: string): Device {
  if (typeof input !== 'object' || input === null) throw new ValidationError(path, input, 'a device object');
  const { id, kind } = input;
  if (typeof id !== 'string' || id.length === 0) throw new ValidationError(`${path}.id`, id, 'a non-empty string');
  if (!(DEVICE_KINDS as readonly string[]).includes(kind)) {
    throw new ValidationError(`${path}.kind`, kind, DEVICE_KINDS.join(', '));
  }
  const model = input.model ?? kind;
  if (typeof model !== 'string' || model.length === 0)
    throw new ValidationError(`${path}.model`, model, 'a non-empty string');
  const flagsIn: Partial<Record<keyof DeviceFlags, unknown>> = input.flags ?? {};
  checkObject(`${path}.flags`, flagsIn, FLAG_NAMES, 'an object of flags');
  const flag = (name: keyof DeviceFlags): boolean => {
    const v = flagsIn[name];
    if (v === undefined) return false;
    if (typeof v !== 'boolean') throw new ValidationError(`${path}.flags.${name}`, v, 'true or false');
    return v;
  };
  const flags: DeviceFlags = {
    zigbeeCapable: flag('zigbeeCapable'),
    activeHan: flag('activeHan'),
    disableBroadcasts: flag('disableBroadcasts'),
    encryptFwDownload: flag('encryptFwDownload'),
  };
  // Optional objects: null (as a JSON file may hold them) means absent.
  const position = input.position ?? undefined;
  if (position !== undefined) {
    checkObject(`${path}.position`, position, ['xM', 'yM'], 'a position');
    const { xM, yM } = position;
    if (!Number.isFinite(xM)) throw new ValidationError(`${path}.position.xM`, xM, 'a finite number of metres');
    if (!Number.isFinite(yM)) throw new ValidationError(`${path}.position.yM`, yM, 'a finite number of metres');
  }
  const firmware = input.firmware ?? {};
  checkObject(`${path}.firmware`, firmware, FIRMWARE_PARTS, 'firmware versions');
  for (const [key, v] of Object.entries(firmware)) {
    if (typeof v !== 'string') {
      throw new ValidationError(`${path}.firmware.${key}`, v, 'module, dcw, metrology or han, each a version string');
    }
  }
  const program = input.program ?? undefined;
  if (program !== undefined) {
    checkObject(`${path}.program`, program, METER_PROGRAM_FIELDS, 'a meter program');
    if (kind !== 'meter')
      throw new ValidationError(`${path}.program`, program, 'no meter program: only meters run one');
    for (const key of METER_PROGRAM_FIELDS) {
      const v = program[key];
      if (key === 'program' ? typeof v !== 'string' || v.length === 0 : v !== undefined && typeof v !== 'string') {
        throw new ValidationError(
          `${path}.program.${key}`,
          v,
          key === 'program' ? 'a program id' : 'a string, or absent',
        );
      }
    }
  }
  for (const ref of ['collector', 'parent'] as const) {
    const v = input[ref];
    if (v !== undefined && (typeof v !== 'string' || v.length === 0)) {
      throw new ValidationError(`${path}.${ref}`, v, 'a device id');
    }
  }
  return {
    id,
    kind,
    model,
    ...(position === undefined ? {} : { position: { xM: position.xM, yM: position.yM } }),
    ...(input.collector === undefined ? {} : { collector: input.collector }),
    ...(input.parent === undefined ? {} : { parent: input.parent }),
    flags,
    firmware: { ...firmware },
    ...(program === undefined ? {} : { program: { ...program } }),
  };
}
