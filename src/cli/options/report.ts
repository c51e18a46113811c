import type { CommandSpec } from '../command.js';

/** `meshcast report`: its options. */
export const REPORT_OPTIONS = {
  csv: { type: 'boolean', help: 'print the summary as CSV (one row per cell)' },
  json: { type: 'boolean', help: 'print the summary as JSON (one line)' },
  html: {
    type: 'string',
    value: 'FILE',
    help: 'also write the sweep as one self-contained HTML page (heatmaps, convergence)',
  },
  'svg-dir': { type: 'string', value: 'DIR', help: 'also write each chart as .svg and Vega-Lite .vl.json into DIR' },
  records: {
    type: 'string',
    value: 'csv|parquet',
    help: 'the records as a tidy table, one row per cell and replication (csv: to standard output)',
  },
  'out-records': { type: 'string', value: 'FILE', help: 'write the --records table to FILE (parquet needs it)' },
} as const;

/** `meshcast report`: summarises results files of one sweep. */
export const REPORT: CommandSpec<typeof REPORT_OPTIONS> = {
  name: 'report',
  summary: 'Merges results files of one sweep (shards, resumed runs) and summarises them per cell.',
  args: '<results.ndjson>...',
  positionals: { min: 1, max: Infinity },
  options: REPORT_OPTIONS,
  details: `
Prints per cell: its parameters, replications, mean coverage with its 95 % interval (Wilson
score, over the targets of all replications) and the 5th..95th percentiles over replications,
the share of replications that met the coverage goal, mean passes to the goal, campaign time
(first packet to the last traffic), frames sent, redundancy (duplicates per delivered copy)
and, with contention on, airtime, collisions and completion reports missed. Intervals need two
replications: with one they are n/a (null in JSON, empty in CSV).

--csv: the same per cell as columns (<quantity>_mean, _sd, _ci95_low, _ci95_high; units in the
names: _s seconds). --json: {"records", "tasks", "missing", "missingShards", "summaries"}.

--records csv without --out-records prints the tidy records in place of the summary (not with
--csv or --json); their columns are what pandas.read_csv and pandas.read_parquet read. The page
and the records are written after the summary, also when tasks are missing (the page says so).

Exit codes: 0 done, 2 bad command line or unreadable file, 3 not results of one sweep,
4 the files do not hold every task of the sweep (the missing shards and tasks are named on
standard error).`,
};
