#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MeshcastError, ValidationError, ValidationErrors } from '../errors.js';
import { SCENARIO_SCHEMA } from '../scenario/schema.js';
import { VERSION } from '../version.js';
import { UsageError } from './args.js';
import { campaignCommand, planCommand } from './commands/campaign.js';
import { formatHelp, parseCommand, wantsHelp, type CommandSpec, type Output } from './command.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { sweepCommand } from './commands/sweep.js';
import { validateCommand } from './commands/validate.js';
import { MAX_ERRORS } from './files.js';
import { CAMPAIGN } from './options/campaign.js';
import { PLAN } from './options/plan.js';
import { REPORT } from './options/report.js';
import { RUN } from './options/run.js';
import { SCHEMA } from './options/schema.js';
import { SWEEP } from './options/sweep.js';
import { VALIDATE } from './options/validate.js';

/** Exit codes of the meshcast command (documented in the README). */
export const EXIT = { ok: 0, failure: 1, usage: 2, invalid: 3, incomplete: 4 } as const;

/** A subcommand: its spec (options, help) and what it does, resolving to the exit code. */
interface Command {
  readonly spec: CommandSpec;
  readonly run: (args: readonly string[], io: Output) => Promise<number> | number;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  run: {
    spec: RUN,
    run: async (args, io) => {
      const { values, positionals } = parseCommand(RUN, args);
      await runCommand(positionals[0]!, values, io);
      return EXIT.ok;
    },
  },
  sweep: {
    spec: SWEEP,
    run: async (args, io) => {
      const { values, positionals } = parseCommand(SWEEP, args);
      await sweepCommand(positionals[0]!, values, io);
      return EXIT.ok;
    },
  },
  report: {
    spec: REPORT,
    run: async (args, io) => {
      const { values, positionals } = parseCommand(REPORT, args);
      if (values.csv === true && values.json === true) throw new UsageError('report: --csv or --json, not both');
      return (await reportCommand(positionals, values, io)) ? EXIT.ok : EXIT.incomplete;
    },
  },
  plan: {
    spec: PLAN,
    run: (args, io) => {
      const { values, positionals } = parseCommand(PLAN, args);
      return planCommand(positionals[0]!, values, io) ? EXIT.ok : EXIT.invalid;
    },
  },
  campaign: {
    spec: CAMPAIGN,
    run: async (args, io) => {
      const { values, positionals } = parseCommand(CAMPAIGN, args);
      await campaignCommand(positionals[0]!, values, io);
      return EXIT.ok;
    },
  },
  validate: {
    spec: VALIDATE,
    run: (args, io) => {
      const { values, positionals } = parseCommand(VALIDATE, args);
      validateCommand(positionals[0]!, values, io);
      return EXIT.ok;
    },
  },
  schema: {
    spec: SCHEMA,
    run: (args, io) => {
      parseCommand(SCHEMA, args);
      io.out(`${JSON.stringify(SCENARIO_SCHEMA, null, 2)}\n`);
      return EXIT.ok;
    },
  },
};

const USAGE = `meshcast ${VERSION}: simulate firmware broadcast campaigns over a utility RF mesh

Usage: meshcast <command> [arguments] [options]

Commands:
${Object.values(COMMANDS)
  .map(({ spec }) => `  ${`${spec.name} ${spec.args}`.padEnd(30)}${spec.summary}`)
  .join('\n')}

  meshcast <command> --help    the command's options and what it prints
  meshcast --version           the version

Exit codes: 0 done, 1 failure, 2 bad command line, 3 invalid scenario or results (plan: problems found),
4 report: results incomplete (the missing shards and tasks are named).`;

/** Runs the command line; resolves to the exit code. Exported for tests. */
export async function main(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  const first = argv[0];
  if (first === undefined) {
    err(`${USAGE}\n`);
    return EXIT.usage;
  }
  if (first === '-h' || first === '--help' || (first === 'help' && argv.length === 1)) {
    out(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (first === '-v' || first === '--version') {
    if (argv.length > 1) {
      err(`meshcast: ${first} takes no arguments\n`);
      return EXIT.usage;
    }
    out(`${VERSION}\n`);
    return EXIT.ok;
  }
  // `meshcast help run` is `meshcast run --help`.
  const name = first === 'help' ? argv[1]! : first;
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    err(`meshcast: unknown command ${name}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const args = argv.slice(first === 'help' ? 2 : 1);
  if (first === 'help' || wantsHelp(args)) {
    out(formatHelp(command.spec));
    return EXIT.ok;
  }
  try {
    return await command.run(args, { out, err });
  } catch (e) {
    if (e instanceof UsageError) {
      err(`meshcast: ${e.message}\nRun 'meshcast ${name} --help' for its arguments and options.\n`);
      return EXIT.usage;
    }
    if (e instanceof ValidationError) {
      const what = name === 'report' ? 'results' : 'scenario';
      const errors = e instanceof ValidationErrors ? e.errors : [e];
      if (errors.length === 1) err(`meshcast: invalid ${what}: ${e.message}\n`);
      else {
        const shown = errors.slice(0, MAX_ERRORS);
        const more = e instanceof ValidationErrors && e.truncated ? ' (the first ones; fix them and check again)' : '';
        err(
          `meshcast: invalid ${what}: ${errors.length} errors${more}\n${shown.map((x) => `  ${x.message}\n`).join('')}`,
        );
      }
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
