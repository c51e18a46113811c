export { DEFAULT_AIRTIME_S, DEFAULT_DELAY, resolveRadio } from './radio.js';
export type {
  AirtimeOptions,
  ContentionMode,
  ContentionOptions,
  Radio,
  RadioOptions,
  ReadTrafficOptions,
  ReportOptions,
  ResolvedContention,
} from './radio.js';
