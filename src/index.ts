/**
 * meshcast: a fast, deterministic simulator of firmware broadcast campaigns over utility RF
 * mesh (AMI) networks. This module only re-exports the public API.
 * @packageDocumentation
 */
export { MeshcastError, ValidationError, ValidationErrors } from './errors.js';
export { CheckContext } from './check.js';
export { effectiveTrials, shareInterval, wilsonInterval } from './stats.js';
export { VERSION } from './version.js';
export * from './random/index.js';
export * from './engine/index.js';
export * from './network/index.js';
export * from './radio/index.js';
export * from './traffic/index.js';
export * from './broadcast/index.js';
export * from './headend/index.js';
export * from './workflow/index.js';
export * from './scenario/index.js';
export * from './report/index.js';
export * from './sweep/index.js';
export type { Workers } from './runtime/workers.js';
export type { GroupOutcome } from './workflow/grouped.js';
