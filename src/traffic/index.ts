export { checkTraffic } from './traffic.js';
export type {
  ReadTrafficOptions,
  ReportOptions,
  ResolvedReads,
  ResolvedReports,
  ResolvedTraffic,
  TrafficOptions,
} from './traffic.js';
export type { ReadKpis, ReadWindow, ReadWindows, ReportKpis, TrafficKpis } from './kpis.js';
