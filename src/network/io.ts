import { ValidationError } from '../errors.js';
import type { DeviceInput, DeviceKind, MeterProgram } from './device.js';
import { Network, type Link, type LinkInput } from './network.js';

/** The JSON form of a network: what {@link toJSON} writes and {@link fromJSON} reads. */
export interface NetworkJSON {
  /** Format marker. */
  readonly format: 'meshcast-network';
  /** Format version. */
  readonly version: 1;
  /** Devices in order. */
  readonly devices: readonly DeviceInput[];
  /** Links in order; `reverseSuccess` only when it differs from `success`. */
  readonly links: readonly {
    /** One end's id. */
    readonly from: string;
    /** The other end's id. */
    readonly to: string;
    /** Delivery probability from `from` to `to`. */
    readonly success: number;
    /** Delivery probability from `to` to `from`, when it differs. */
    readonly reverseSuccess?: number;
  }[];
}

/**
 * Serialises a network to plain JSON data (round-trips through {@link fromJSON}).
 * @param network - the network
 */
export function toJSON(network: Network): NetworkJSON {
  return {
    format: 'meshcast-network',
    version: 1,
    devices: network.devices().map((d) => {
      const flags = Object.fromEntries(Object.entries(d.flags).filter(([, v]) => v));
      return {
        id: d.id,
        kind: d.kind,
        ...(d.model === d.kind ? {} : { model: d.model }),
        ...(d.position === undefined ? {} : { position: d.position }),
        ...(d.collector === undefined ? {} : { collector: d.collector }),
        ...(d.parent === undefined ? {} : { parent: d.parent }),
        ...(Object.keys(flags).length === 0 ? {} : { flags }),
        ...(Object.keys(d.firmware).length === 0 ? {} : { firmware: d.firmware }),
        ...(d.program === undefined ? {} : { program: d.program }),
      };
    }),
    links: network.links().map((l: Link) => ({
      from: l.from,
      to: l.to,
      success: l.success,
      ...(l.reverseSuccess === l.success ? {} : { reverseSuccess: l.reverseSuccess }),
    })),
  };
}

/**
 * Builds a network from its JSON form, validating every device and link; errors name the
 * path (e.g. `devices[12].kind`).
 * @param data - parsed JSON
 */
export function fromJSON(data: unknown): Network {
  if (typeof data !== 'object' || data === null)
    throw new ValidationError('network', data, 'a meshcast-network object');
  const d = data as Partial<NetworkJSON>;
  if (d.format !== 'meshcast-network') throw new ValidationError('network.format', d.format, "'meshcast-network'");
  if (d.version !== 1) throw new ValidationError('network.version', d.version, '1');
  if (!Array.isArray(d.devices)) throw new ValidationError('network.devices', d.devices, 'a list of devices');
  if (!Array.isArray(d.links)) throw new ValidationError('network.links', d.links, 'a list of links');
  const net = new Network();
  net.graph.beginUpdate();
  try {
    // addDevice and addLink check each record: the file's are unknown until then.
    for (const device of d.devices as unknown[]) net.addDevice(device as DeviceInput);
    for (const link of d.links as unknown[]) {
      if (typeof link !== 'object' || link === null)
        throw new ValidationError(`links[${net.linkCount}]`, link, 'a link object');
      net.addLink(link as LinkInput);
    }
  } finally {
    net.graph.endUpdate();
  }
  net.check();
  return net;
}

/** Splits one CSV line (RFC 4180 quoting: "a,b" and doubled quotes). */
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

function parseCsv(
  text: string,
  name: string,
  required: readonly string[],
): { rows: Record<string, string>[]; line: number[] } {
  const lines = text.split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
  if (headerAt < 0) throw new ValidationError(`${name}`, '', `a header line with ${required.join(', ')}`);
  const header = splitCsvLine(lines[headerAt]!);
  for (const col of required) {
    if (!header.includes(col))
      throw new ValidationError(`${name}.header`, header.join(','), `columns including ${required.join(', ')}`);
  }
  const rows: Record<string, string>[] = [];
  const lineNo: number[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const cells = splitCsvLine(raw);
    if (cells.length !== header.length) {
      throw new ValidationError(
        `${name}:${i + 1}`,
        raw,
        `${header.length} comma-separated fields (${header.join(',')})`,
      );
    }
    rows.push(Object.fromEntries(header.map((h, j) => [h, cells[j]!])));
    lineNo.push(i + 1);
  }
  return { rows, line: lineNo };
}

function csvNumber(path: string, s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  const v = Number(s);
  if (!Number.isFinite(v)) throw new ValidationError(path, s, 'a number');
  return v;
}

function csvBool(path: string, s: string | undefined): boolean | undefined {
  if (s === undefined || s === '') return undefined;
  const t = s.toLowerCase();
  if (['1', 'true', 'yes', 'y'].includes(t)) return true;
  if (['0', 'false', 'no', 'n'].includes(t)) return false;
  throw new ValidationError(path, s, 'yes/no, true/false or 1/0');
}

/**
 * Builds a network from CSV text, as exported from a head-end or a planning tool.
 *
 * Devices: header with `id,kind` and any of `model,x_m,y_m,collector,parent,zigbee_capable,
 * active_han,disable_broadcasts,encrypt_fw_download,module_fw,dcw,metrology_fw,han_fw,program,configuration,
 * program_factor,tariff_id,misc_id` (the last five: a meter's program).
 * Links: header with `from,to,success` and optionally `reverse_success`. Blank lines and
 * lines starting with `#` are ignored. Errors name the file and line (`devices.csv:7`).
 * @param devicesCsv - the devices table
 * @param linksCsv - the links table
 */
export function fromCSV(devicesCsv: string, linksCsv: string): Network {
  const net = new Network();
  const devices = parseCsv(devicesCsv, 'devices.csv', ['id', 'kind']);
  devices.rows.forEach((r, i) => {
    const at = `devices.csv:${devices.line[i]}`;
    const x = csvNumber(`${at}.x_m`, r['x_m']);
    const y = csvNumber(`${at}.y_m`, r['y_m']);
    if ((x === undefined) !== (y === undefined))
      throw new ValidationError(`${at}.y_m`, r['y_m'], 'both x_m and y_m, or neither');
    const flags = {
      zigbeeCapable: csvBool(`${at}.zigbee_capable`, r['zigbee_capable']),
      activeHan: csvBool(`${at}.active_han`, r['active_han']),
      disableBroadcasts: csvBool(`${at}.disable_broadcasts`, r['disable_broadcasts']),
      encryptFwDownload: csvBool(`${at}.encrypt_fw_download`, r['encrypt_fw_download']),
    };
    const firmware = {
      module: r['module_fw'],
      dcw: r['dcw'],
      metrology: r['metrology_fw'],
      han: r['han_fw'],
    };
    const program = {
      program: r['program'],
      configuration: r['configuration'],
      factor: r['program_factor'],
      tariff: r['tariff_id'],
      misc: r['misc_id'],
    };
    const present = <T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } =>
      Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as {
        [K in keyof T]?: Exclude<T[K], undefined>;
      };
    try {
      net.addDevice({
        id: r['id']!,
        kind: r['kind'] as DeviceKind,
        ...(r['model'] ? { model: r['model'] } : {}),
        ...(x === undefined || y === undefined ? {} : { position: { xM: x, yM: y } }),
        ...(r['collector'] ? { collector: r['collector'] } : {}),
        ...(r['parent'] ? { parent: r['parent'] } : {}),
        flags: present(flags),
        firmware: present(firmware),
        ...(Object.keys(present(program)).length === 0 ? {} : { program: present(program) as MeterProgram }),
      });
    } catch (e) {
      throw relocate(e, at);
    }
  });
  const links = parseCsv(linksCsv, 'links.csv', ['from', 'to', 'success']);
  links.rows.forEach((r, i) => {
    const at = `links.csv:${links.line[i]}`;
    const success = csvNumber(`${at}.success`, r['success']);
    if (success === undefined) throw new ValidationError(`${at}.success`, r['success'], 'a probability in [0, 1]');
    const reverse = csvNumber(`${at}.reverse_success`, r['reverse_success']);
    try {
      net.addLink({
        from: r['from']!,
        to: r['to']!,
        success,
        ...(reverse === undefined ? {} : { reverseSuccess: reverse }),
      });
    } catch (e) {
      throw relocate(e, at);
    }
  });
  net.check();
  return net;
}

/** Re-roots a ValidationError's path at a CSV line (`devices[3].kind` → `devices.csv:5.kind`). */
function relocate(e: unknown, at: string): unknown {
  if (!(e instanceof ValidationError)) return e;
  const field = e.path.replace(/^(devices|links)\[\d+\]/, '');
  return new ValidationError(`${at}${field}`, e.value, e.allowed);
}
