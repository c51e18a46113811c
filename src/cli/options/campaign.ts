import type { CommandSpec } from '../command.js';

/** `meshcast campaign`: its options. */
export const CAMPAIGN_OPTIONS = {
  seed: { type: 'string', value: 'S', help: "root seed (an integer or a string); default: the scenario's" },
  out: {
    type: 'string',
    value: 'FILE',
    help: 'checkpoint after each step; the same command resumes from it',
  },
  workers: {
    type: 'string',
    value: 'auto|N',
    help: 'flood broadcast passes on N worker threads (auto: one per core, at most 8); default: this thread',
  },
  quiet: { type: 'boolean', help: 'no progress on standard error' },
  json: { type: 'boolean', help: 'print the campaign as JSON (one line) instead of the report' },
  'allow-outside-files': {
    type: 'boolean',
    help: 'read files the scenario names outside its own directory too',
  },
  html: {
    type: 'string',
    value: 'FILE',
    help: 'also write the campaign as one self-contained HTML page (timeline, endpoints left)',
  },
  'svg-dir': { type: 'string', value: 'DIR', help: 'also write each chart as .svg and Vega-Lite .vl.json into DIR' },
} as const;

/** `meshcast campaign`: plans and runs a campaign scenario through the head-end. */
export const CAMPAIGN: CommandSpec<typeof CAMPAIGN_OPTIONS> = {
  name: 'campaign',
  summary: 'Plans and runs a campaign scenario through the head-end, step by step.',
  args: '<campaign.json>',
  positionals: { min: 1, max: 1 },
  options: CAMPAIGN_OPTIONS,
  details: `
Prints the campaign's report: each step with its time, and per model the broadcasts, passes and
endpoints updated. Progress goes to standard error, a line per step ([step/steps] id: message).
With --out a checkpoint is written after each step; run the same command again to continue an
interrupted campaign. Ctrl-C stops it at once: the checkpoint keeps every step finished, and
only the step under way is run again.

--workers floods each broadcast pass's packets on worker threads kept for the whole campaign:
the same campaign, bit for bit, on any number of threads (a checkpoint resumes with any other
--workers); passes too small to pay back run on this thread.

--html writes the campaign's page once it has run: the timeline of steps over days, each
broadcast pass's endpoints updated and failed, read success, the versions at the end and the
endpoints left by reason. Its paths are checked before the campaign runs (not the scenario, not
the checkpoint).

Exit codes: 0 done, 1 the campaign failed, 2 bad command line or unreadable file,
3 invalid scenario.`,
};
