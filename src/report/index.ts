export { formatCampaign, formatDuration, table } from './text.js';
