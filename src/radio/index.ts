export { DEFAULT_DELAY, resolveRadio } from './radio.js';
export type { AirtimeOptions, ContentionMode, Radio, RadioOptions } from './radio.js';
