import type { CommandSpec } from '../command.js';

/** `meshcast report`: its options. */
export const REPORT_OPTIONS = {
  csv: { type: 'boolean', help: 'print the summary as CSV (one row per cell)' },
  json: { type: 'boolean', help: 'print the summary as JSON (one line)' },
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

Exit codes: 0 done, 2 bad command line or unreadable file, 3 not results of one sweep,
4 the files do not hold every task of the sweep (the missing shards and tasks are named on
standard error).`,
};
