import { FLAG_BITS } from '../network/device.js';
import { isModule42x } from '../network/firmware.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { Codes } from './codes.js';
import { FIRMWARE_FIELDS, type FirmwareField } from './records.js';

/** Field state bit: HAN Initialization has succeeded on the meter. */
export const HAN_INITIALISED = 1;

/**
 * What the devices really run, apart from the head-end's records: per device the version of
 * each firmware field, a downloaded image waiting for activation (field, version, when it
 * activates, when the reboot ends) and whether HAN Initialization succeeded. The network given
 * to the head-end is where this starts; commands change it as images complete and activate.
 * Versions are codes of the head-end's version table (0: none).
 * @internal
 */
export class FieldState {
  /** Version codes, one column per {@link FIRMWARE_FIELDS} entry. */
  readonly firmware: readonly Uint16Array[];
  /** Pending image's field (index + 1; 0: none). */
  readonly pendingField: Uint8Array;
  /** Pending image's version code. */
  readonly pendingVersion: Uint16Array;
  /** When the pending image activates (the endpoint reboots then). */
  readonly activationS: Float64Array;
  /** When the last reboot ends (-Infinity: never rebooted). */
  readonly runningS: Float64Array;
  /** State bits ({@link HAN_INITIALISED}). */
  readonly state: Uint8Array;
  /** Flag bits as the engine reads them; the 4.2x bit follows the module firmware. */
  readonly flags: Uint8Array;
  /** Devices with a pending image. */
  private pendingCount = 0;
  /** Times the 4.2x bit changed: a mesh with the new flags is needed. */
  flagsRevision = 0;

  constructor(
    readonly mesh: CompiledMesh,
    private readonly versions: Codes,
  ) {
    const n = mesh.n;
    this.firmware = FIRMWARE_FIELDS.map(() => new Uint16Array(n));
    for (let v = 0; v < n; v++) {
      const fw = mesh.device(v).firmware;
      this.firmware[0]![v] = versions.code(fw.module);
      this.firmware[1]![v] = versions.code(fw.dcw);
      this.firmware[2]![v] = versions.code(fw.metrology);
      this.firmware[3]![v] = versions.code(fw.han);
    }
    this.pendingField = new Uint8Array(n);
    this.pendingVersion = new Uint16Array(n);
    this.activationS = new Float64Array(n);
    this.runningS = new Float64Array(n).fill(-Infinity);
    this.state = new Uint8Array(n);
    this.flags = mesh.flags.slice();
  }

  /** The version a device runs in a field (undefined: none). */
  version(v: number, field: FirmwareField): string | undefined {
    return this.versions.name(this.firmware[FIRMWARE_FIELDS.indexOf(field)]![v]!);
  }

  /**
   * A device completed an image: it waits for its activation time, then reboots until
   * `runningS`. An image already running, or already pending, is ignored.
   * @returns whether it is new to the device
   */
  complete(v: number, field: number, version: number, activationS: number, runningS: number): boolean {
    if (this.firmware[field]![v] === version) return false;
    if (this.pendingField[v] === field + 1 && this.pendingVersion[v] === version) return false;
    if (this.pendingField[v] === 0) this.pendingCount++;
    this.pendingField[v] = field + 1;
    this.pendingVersion[v] = version;
    this.activationS[v] = activationS;
    this.runningS[v] = runningS;
    return true;
  }

  /** Installs a version at once (a DCW, a Small DCW: no activation, no reboot). */
  install(v: number, field: number, version: number): void {
    this.set(v, field, version);
  }

  /** Activates every pending image whose time has come by t. */
  settle(t: number): void {
    if (this.pendingCount === 0) return;
    for (let v = 0; v < this.pendingField.length; v++) {
      const field = this.pendingField[v]!;
      if (field === 0 || this.activationS[v]! > t) continue;
      this.set(v, field - 1, this.pendingVersion[v]!);
      this.pendingField[v] = 0;
      this.pendingCount--;
    }
  }

  /** Counts the pending images again (after the columns were set from a saved state). */
  recount(): void {
    this.pendingCount = 0;
    for (let v = 0; v < this.pendingField.length; v++) if (this.pendingField[v] !== 0) this.pendingCount++;
  }

  /** Whether device v is rebooting at t (it neither hears nor answers). */
  rebooting(v: number, t: number): boolean {
    return t >= this.activationS[v]! && t < this.runningS[v]!;
  }

  private set(v: number, field: number, version: number): void {
    this.firmware[field]![v] = version;
    if (field !== 0) return;
    const was = (this.flags[v]! & FLAG_BITS.moduleFirmware42x) !== 0;
    const now = isModule42x(this.versions.name(version));
    if (was === now) return;
    this.flags[v] = now ? this.flags[v]! | FLAG_BITS.moduleFirmware42x : this.flags[v]! & ~FLAG_BITS.moduleFirmware42x;
    this.flagsRevision++;
  }
}
