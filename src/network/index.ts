export { Network } from './network.js';
export type { Link, LinkData, LinkInput } from './network.js';
export { CHILD_KINDS, DEVICE_KINDS, FLAG_BITS, isChildKind, KIND } from './device.js';
export type {
  Device,
  DeviceFlags,
  DeviceInput,
  DeviceKind,
  FirmwareVersions,
  MeterProgram,
  Position,
} from './device.js';
export { checkMesh, compile } from './compile.js';
export type { CompiledMesh } from './mesh.js';
export { fromCSV, fromJSON, toJSON } from './io.js';
export type { NetworkJSON } from './io.js';
export * as generators from './generators/index.js';
export { normalCdf, PATH_LOSS_DEFAULTS, checkPathLoss } from './generators/pathloss.js';
export type { ResolvedPathLoss, PathLossOptions } from './generators/pathloss.js';
export { compareVersions, isModule42x, sameVersion, versionParts } from './firmware.js';
export type { GeneratorName } from './generators/registry.js';
