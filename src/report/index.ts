export { formatCampaign, formatDuration, formatPercent, formatScenario, plural, table } from './text.js';
export { formatSummaries, summariesToCsv } from './sweep.js';
export { campaignReport, formatCampaignResult, formatUpgradePlan } from './campaign.js';
export type { CampaignReport } from './campaign.js';
export type { Chart, VegaLiteSpec } from './chart.js';
export { chartFiles, renderCharts } from './vega.js';
export type { ChartFile, RenderedChart } from './vega.js';
export { runCharts } from './run-charts.js';
export type { PassLabel } from './run-charts.js';
export { sweepCharts, sweepLayout } from './sweep-charts.js';
export type { SweepLayout } from './sweep-charts.js';
export { renderRunReport } from './run-report.js';
export type { HtmlReport, RunReportOptions } from './run-report.js';
export { campaignCharts, renderCampaignReport } from './campaign-report.js';
export type { CampaignReportOptions } from './campaign-report.js';
export { renderHeadendReport } from './headend-report.js';
export type { HeadendReportOptions } from './headend-report.js';
export { renderSweepReport } from './sweep-report.js';
export type { SweepReportOptions } from './sweep-report.js';
export type { RunInput } from './run-input.js';
export { ENDPOINT_STATUS, ENDPOINT_STATUSES, endpointTable } from './endpoints.js';
export type { EndpointStatus, EndpointTable } from './endpoints.js';
export {
  ENDPOINT_COLUMNS,
  endpointsCsv,
  endpointsGeoJson,
  FAILED_COLUMNS,
  failedEndpointsCsv,
} from './endpoint-files.js';
export { tidyCsv, tidyRecords } from './records.js';
export type { ColumnType, TidyColumn, TidyRecords } from './records.js';
export { tidyParquet } from './parquet.js';
export { ciHalfWidths, replicationsFor, replicationsForShare, shareHalfWidths } from './convergence.js';
export { traceScenario } from './trace.js';
