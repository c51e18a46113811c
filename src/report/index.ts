export { formatCampaign, formatDuration, table } from './text.js';
export { formatSummaries, summariesToCsv } from './sweep.js';
