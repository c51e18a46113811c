export { DEFAULT_AIRTIME_S, DEFAULT_DELAY, checkRadio } from './radio.js';
export type {
  AirtimeOptions,
  ContentionMode,
  ContentionOptions,
  ResolvedRadio,
  RadioOptions,
  ReadTrafficOptions,
  ReportOptions,
  ResolvedContention,
} from './radio.js';
