import type { CommandSpec } from '../command.js';

/** `meshcast run`: its options. */
export const RUN_OPTIONS = {
  seed: { type: 'string', value: 'S', help: "root seed (an integer or a string); default: the scenario's" },
  passes: { type: 'string', value: 'N', help: "passes to run at most, 1..100; default: the scenario's" },
  workers: {
    type: 'string',
    value: 'auto|N',
    help: "flood each pass's packets on N worker threads (auto: one per core); default: this thread",
  },
  json: { type: 'boolean', help: 'print the passes as JSON (one line) instead of the report' },
  'allow-outside-files': {
    type: 'boolean',
    help: 'read files the scenario names outside its own directory too',
  },
  html: { type: 'string', value: 'FILE', help: 'also write the report as one self-contained HTML page (map, charts)' },
  'svg-dir': { type: 'string', value: 'DIR', help: 'also write each chart as .svg and Vega-Lite .vl.json into DIR' },
  endpoints: {
    type: 'string',
    value: 'FILE',
    help: 'also write every device as it ended: .csv or .geojson (by the extension)',
  },
  failed: { type: 'string', value: 'FILE', help: 'also write the targets left without the image, and why, as CSV' },
  trace: {
    type: 'string',
    value: 'FILE',
    help: 'also write every copy of every packet as NDJSON (at most 2,000 devices, contention off)',
  },
} as const;

/** `meshcast run`: a scenario's passes and their report. */
export const RUN: CommandSpec<typeof RUN_OPTIONS> = {
  name: 'run',
  summary: "Runs a scenario's broadcast passes and prints their report.",
  args: '<scenario.json>',
  positionals: { min: 1, max: 1 },
  options: RUN_OPTIONS,
  details: `
Prints a report: the network, the broadcast's settings and targets (with how many no collector
can reach); per pass its start, packets sent, duration (first to last packet), targets completed,
coverage, and the p50 / p90 completion times counted from that pass's first packet; coverage by
layer after the last pass; traffic per pass (transmissions, receptions, duplicates, lost,
expired, hop-limited drops, redundancy = duplicates per delivered copy). With contention on:
the shared air (frames, airtime, collisions, deferrals, queue delays, utilisation), read success
before / during / after the broadcast, completion reports missed, and each concurrent
broadcast's outcome. Grouped broadcasts print a section per group and the campaign's totals.

--json prints {"scenario", "passes": [pass summary…], "groups": [{"origins", "passes"}],
"concurrent": [pass summary…]}; a pass summary holds the same fields (times in seconds,
shares in 0..1).

--html, --svg-dir, --endpoints and --failed work on a head-end scenario too: its day's page
(Command History, download statistics, the map as its broadcast commands left the devices) and
the devices as the last broadcast that targeted them left them; --trace is refused there.
Output paths are checked before the run: writable, and none is the scenario or another output.

Progress goes to standard error: a redrawn line on a terminal, a line per 10 % otherwise.
Exit codes: 0 done, 1 the simulation failed, 2 bad command line or unreadable file,
3 invalid scenario.`,
};
