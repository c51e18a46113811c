#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MeshcastError, ValidationError } from '../errors.js';
import { SCENARIO_SCHEMA } from '../scenario/schema.js';
import { VERSION } from '../version.js';
import { parse, UsageError } from './args.js';
import { campaignCommand, planCommand } from './commands/campaign.js';
import { CAMPAIGN_OUTPUT_FLAGS, REPORT_OUTPUT_FLAGS, RUN_OUTPUT_FLAGS } from './commands/outputs.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { sweepCommand } from './commands/sweep.js';
import { validateCommand } from './commands/validate.js';

/** Exit codes of the meshcast command (documented in the README). */
export const EXIT = { ok: 0, failure: 1, usage: 2, invalid: 3, incomplete: 4 } as const;

const USAGE = `meshcast ${VERSION}: simulate firmware broadcast campaigns over a utility RF mesh

Usage:
  meshcast run <scenario.json> [--seed S] [--passes N] [--workers auto|N] [--json]
               [--html report.html] [--svg-dir DIR] [--endpoints FILE.csv|FILE.geojson]
               [--failed failed.csv] [--trace trace.ndjson]
  meshcast sweep <scenario.json> [--hops 2..40 | --hops-over-layer 0..6] [--ttl 60,120,300,600]
                 [--spacing 35,70]
                 [--param PATH=V1,V2,...] [--replications N] [--workers auto|N] [--seed S]
                 [--out results.ndjson] [--shard I/N | --shard-count N] [--csv FILE] [--json]
                 [--plan-shards [--target-minutes M]]
  meshcast report <results.ndjson>... [--csv] [--json] [--html report.html] [--svg-dir DIR]
                  [--records csv|parquet [--out-records FILE]]
  meshcast plan <campaign.json> [--json]
  meshcast campaign <campaign.json> [--seed S] [--out checkpoint.json] [--quiet] [--json]
                    [--html campaign.html] [--svg-dir DIR]
  meshcast validate <scenario.json> [--allow-outside-files]
  meshcast schema
  meshcast --version | --help

Files a scenario names are read from its own directory; --allow-outside-files reads others too.
Values: a list (60,120,300), a range (2..40) or a stepped range (60..600:60).
Sweeps resume: run the same command again and finished lines in --out are skipped.
Campaigns resume too: with --out, a checkpoint after each step; the same command continues it.
--html writes a self-contained report page (map, charts); --svg-dir each chart as .svg and
.vl.json; --records one row per cell and replication (csv to standard output, or parquet
into --out-records); --trace every copy of every packet (networks of at most 2,000 devices).
Shards: --shard-count N takes the index from JOB_COMPLETION_INDEX (Kubernetes),
SLURM_ARRAY_TASK_ID (SLURM) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch); {shard} in --out
becomes the index. --plan-shards times a few tasks and suggests a shard count for
--target-minutes (default 60); nothing is written.

Exit codes: 0 done, 1 failure, 2 bad command line, 3 invalid scenario or results (plan: problems found),
4 report: results incomplete (the missing shards and tasks are named).`;

/** Runs the command line; resolves to the exit code. Exported for tests. */
export async function main(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  try {
    const { command, positional, flags, params } = parse(argv);
    if (flags.has('--version')) {
      out(`${VERSION}\n`);
      return EXIT.ok;
    }
    if (flags.has('--help') || command === undefined || command === 'help') {
      out(`${USAGE}\n`);
      return command === undefined && !flags.has('--help') ? EXIT.usage : EXIT.ok;
    }
    const allowed: Record<string, readonly string[]> = {
      run: ['--seed', '--passes', '--workers', '--json', '--allow-outside-files', ...RUN_OUTPUT_FLAGS],
      validate: ['--allow-outside-files'],
      plan: ['--json', '--allow-outside-files'],
      campaign: ['--seed', '--out', '--quiet', '--json', '--allow-outside-files', ...CAMPAIGN_OUTPUT_FLAGS],
      schema: [],
      report: ['--csv', '--json', ...REPORT_OUTPUT_FLAGS],
      sweep: [
        '--hops',
        '--hops-over-layer',
        '--ttl',
        '--spacing',
        '--replications',
        '--workers',
        '--out',
        '--shard',
        '--shard-count',
        '--csv',
        '--json',
        '--seed',
        '--allow-outside-files',
        '--plan-shards',
        '--target-minutes',
      ],
    };
    const known = allowed[command];
    if (known === undefined) throw new UsageError(`unknown command ${command}`);
    for (const f of flags.keys()) if (!known.includes(f)) throw new UsageError(`unknown option ${f} for ${command}`);
    if (params.length > 0 && command !== 'sweep') throw new UsageError(`--param is for sweep`);
    if (command === 'schema') {
      out(`${JSON.stringify(SCENARIO_SCHEMA, null, 2)}\n`);
      return EXIT.ok;
    }
    if (command === 'report') {
      if (positional.length === 0) throw new UsageError('report needs one or more results files');
      return (await reportCommand(positional, flags, out, err)) ? EXIT.ok : EXIT.incomplete;
    }
    const file = positional[0];
    if (file === undefined) throw new UsageError(`${command} needs a scenario file`);
    if (command === 'plan') return planCommand(file, flags, out) ? EXIT.ok : EXIT.invalid;
    if (command === 'campaign') await campaignCommand(file, flags, out, err);
    else if (command === 'sweep') await sweepCommand(file, flags, params, out, err);
    else if (command === 'validate') validateCommand(file, flags, out);
    else await runCommand(file, flags, out, err);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`meshcast: ${e.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (e instanceof ValidationError) {
      err(`meshcast: invalid ${argv[0] === 'report' ? 'results' : 'scenario'}: ${e.message}\n`);
      return EXIT.invalid;
    }
    if (e instanceof MeshcastError) {
      err(`meshcast: ${e.message}\n`);
      return EXIT.failure;
    }
    // The system refused a file operation (ENOSPC, EACCES, …): say so, without a stack.
    if (
      e instanceof Error &&
      typeof (e as NodeJS.ErrnoException).code === 'string' &&
      typeof (e as NodeJS.ErrnoException).syscall === 'string'
    ) {
      err(`meshcast: ${e.message}\n`);
      return EXIT.failure;
    }
    throw e;
  }
}

// Run when this file is the program (directly, or through npm's bin symlink), not when imported.
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
if (isEntryPoint()) {
  // Standard output that cannot be written (a full disk, a closed pipe) is one line and exit 1,
  // not an unhandled 'error' event: the results are in --out, or the command can be run again.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') process.stderr.write(`meshcast: cannot write standard output (${e.code ?? e.message})\n`);
    process.exit(EXIT.failure);
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`meshcast: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
