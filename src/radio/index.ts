export { DEFAULT_AIRTIME_S, DEFAULT_DELAY, checkRadio } from './radio.js';
export type {
  AirtimeOptions,
  ContentionMode,
  ContentionOptions,
  ResolvedRadio,
  RadioOptions,
  ResolvedContention,
} from './radio.js';
export type { AirStats } from './air-stats.js';
