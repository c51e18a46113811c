import type { CommandSpec } from '../command.js';

/** `meshcast sweep`: its options. */
export const SWEEP_OPTIONS = {
  hops: { type: 'string', value: 'VALUES', help: 'Maximum Hops values (broadcast.maxHops), e.g. 2..40' },
  'hops-over-layer': {
    type: 'string',
    value: 'VALUES',
    help: "Maximum Hops as the origins' Max. Layer plus these, e.g. 0..6 (replaces --hops)",
  },
  ttl: { type: 'string', value: 'VALUES', help: 'Maximum TTL values in seconds (broadcast.ttlS), e.g. 60,120,300,600' },
  spacing: { type: 'string', value: 'VALUES', help: 'packet spacing values in seconds (broadcast.spacingS)' },
  param: { type: 'string', multiple: true, value: 'PATH=VALUES', help: 'values of any other scenario path' },
  replications: { type: 'string', value: 'N', help: "replications per cell; default: the scenario's, else 1" },
  workers: { type: 'string', value: 'auto|N', help: 'worker threads (auto: one per core; 0: this thread)' },
  seed: { type: 'string', value: 'S', help: "root seed; default: the scenario's" },
  out: {
    type: 'string',
    value: 'FILE',
    help: 'write one NDJSON line per (cell, replication); resumes the file ({shard}: the shard index)',
  },
  csv: { type: 'string', value: 'FILE', help: 'also write the summary as CSV to FILE' },
  json: { type: 'boolean', help: 'print the summary as JSON (one line)' },
  shard: { type: 'string', value: 'I/N', help: 'compute shard I of N (0-based)' },
  'shard-count': {
    type: 'string',
    value: 'N',
    help: "N shards, this one's index from the scheduler's environment variable",
  },
  'plan-shards': { type: 'boolean', help: 'time a few tasks and suggest a shard count; writes nothing' },
  'target-minutes': { type: 'string', value: 'M', help: 'wall time per shard --plan-shards plans for (default 60)' },
  'allow-outside-files': {
    type: 'boolean',
    help: 'read files the scenario names outside its own directory too',
  },
} as const;

/** `meshcast sweep`: a scenario over a parameter grid and replications. */
export const SWEEP: CommandSpec<typeof SWEEP_OPTIONS> = {
  name: 'sweep',
  summary: 'Runs a scenario over a parameter grid × replications and summarises each cell.',
  args: '<scenario.json>',
  positionals: { min: 1, max: 1 },
  options: SWEEP_OPTIONS,
  details: `
Values: a list (60,120,300), a range (2..40) or a stepped range (60..600:60); a value given on
the command line replaces the scenario's grid entry for the same path. Each (cell, replication)
draws from a seed derived from the root seed and the cell's parameters: results do not depend on
workers, shards or order. Sweeps resume: run the same command again and the finished lines in
--out are kept. Shards: --shard-count N reads the index from JOB_COMPLETION_INDEX (Kubernetes),
SLURM_ARRAY_TASK_ID (SLURM) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch).

Prints the summary per cell as meshcast report does (see meshcast report --help); --json:
{"sweepId", "cells", "replications", "records", "summaries"}. Progress on standard error.

Exit codes: 0 done, 1 failure, 2 bad command line (bad values, shard, unwritable file),
3 invalid scenario or results file of another sweep or shard.`,
};
