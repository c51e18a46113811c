export { formatCampaign, formatDuration, formatPercent, formatScenario, plural, table } from './text.js';
export { formatSummaries, summariesToCsv } from './sweep.js';
export { campaignReport, formatCampaignResult, formatUpgradePlan } from './campaign.js';
export type { CampaignReport } from './campaign.js';
