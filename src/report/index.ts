export { formatCampaign, formatDuration, formatScenario, table } from './text.js';
export { formatSummaries, summariesToCsv } from './sweep.js';
