/**
 * What a subcommand of `meshcast` is: its options table, the arguments it takes and the text
 * of its help; and the one parser every subcommand's command line goes through (`node:util`
 * `parseArgs`, strict). Each subcommand's table lives in a module of its own under
 * `src/cli/options/`, so adding a flag to one command touches that file only.
 * @module
 */
import { parseArgs } from 'node:util';
import { UsageError } from './args.js';

/** Where a command writes: standard output and standard error. */
export interface Output {
  /** Standard output. */
  readonly out: (s: string) => void;
  /** Standard error. */
  readonly err: (s: string) => void;
}

/** One option of a subcommand. */
export interface OptionSpec {
  /** `'boolean'`: a switch that takes no value; `'string'`: takes one value (`--out FILE` or `--out=FILE`). */
  readonly type: 'boolean' | 'string';
  /** A one-letter alias (`-h`). */
  readonly short?: string;
  /** May be given several times (each value kept, in order). @defaultValue false */
  readonly multiple?: boolean;
  /** The value's name in the help (`FILE`, `N`). */
  readonly value?: string;
  /** One line of help. */
  readonly help: string;
}

/** A subcommand's options, by long name without the dashes (`'out'` is `--out`). */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** The values parsed for a table: a string (or strings) for value options, true for switches given. */
export type OptionValues<T extends OptionTable> = {
  -readonly [K in keyof T]?: T[K]['type'] extends 'boolean'
    ? boolean
    : T[K]['multiple'] extends true
      ? string[]
      : string;
};

/** A subcommand: its options and positional arguments, and what its help says. */
export interface CommandSpec<T extends OptionTable = OptionTable> {
  /** The subcommand (`run`). */
  readonly name: string;
  /** One line: what it does. */
  readonly summary: string;
  /** Its positional arguments as the usage line shows them (`<scenario.json>`); '' for none. */
  readonly args: string;
  /** Fewest and most positional arguments (Infinity: any number). */
  readonly positionals: { readonly min: number; readonly max: number };
  /** Its options (`--help` is added to every command). */
  readonly options: T;
  /** Paragraphs of help after the options: what it prints, its exit codes, notes. */
  readonly details: string;
}

/** `--help` / `-h`, which every subcommand takes. */
export const HELP_OPTION = { type: 'boolean', short: 'h', help: 'print this help and exit' } as const;

/** Whether a command line asks for help (`-h` or `--help` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '-h' || a === '--help') return true;
  }
  return false;
}

/**
 * Parses a subcommand's arguments against its table: unknown options, a value option without
 * its value (or followed by another option: `--out --json` is refused, not read as `--out=--json`),
 * a value given to a switch, an option given twice and positional arguments the command does not
 * take are all {@link UsageError}s (exit 2). A value that starts with a dash is given as
 * `--seed=-5`.
 * @param spec - the subcommand
 * @param args - its arguments (after the subcommand's name)
 */
export function parseCommand<T extends OptionTable>(
  spec: CommandSpec<T>,
  args: readonly string[],
): { values: OptionValues<T>; positionals: string[] } {
  const options: Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries<OptionSpec>({ ...spec.options, help: HELP_OPTION })) {
    options[name] = {
      type: o.type,
      ...(o.short === undefined ? {} : { short: o.short }),
      ...(o.multiple === true ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true, tokens: true });
  } catch (e) {
    throw new UsageError(`${spec.name}: ${parseArgsMessage(e)}`);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (spec.options[token.name]?.multiple !== true && seen.has(token.name))
      throw new UsageError(`${spec.name}: --${token.name} is given twice`);
    seen.add(token.name);
  }
  const positionals = parsed.positionals;
  const { min, max } = spec.positionals;
  if (positionals.length > max) {
    const extra = positionals[max]!;
    throw new UsageError(
      max === 0
        ? `${spec.name} takes no arguments (got ${extra})`
        : `${spec.name}: unexpected argument ${extra} (it takes ${spec.args})`,
    );
  }
  if (positionals.length < min) throw new UsageError(`${spec.name} needs ${spec.args}`);
  return { values: parsed.values as OptionValues<T>, positionals };
}

/** parseArgs's message on one line (it names the option and, for an ambiguous value, the `--flag=-value` form). */
function parseArgsMessage(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
}

/**
 * The help of a subcommand: usage, summary, options (value names and help aligned) and details.
 * @param spec - the subcommand
 */
export function formatHelp(spec: CommandSpec): string {
  const rows = Object.entries({ ...spec.options, help: HELP_OPTION }).map(([name, o]: [string, OptionSpec]) => {
    const short = o.short === undefined ? '    ' : `-${o.short}, `;
    const flag = `${short}--${name}${o.value === undefined ? '' : ` ${o.value}`}`;
    return [flag, o.help + (o.multiple === true ? ' (may be repeated)' : '')] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  const options = rows.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`).join('\n');
  const args = spec.args === '' ? '' : ` ${spec.args}`;
  return (
    `Usage: meshcast ${spec.name}${args} [options]\n\n${spec.summary}\n\nOptions:\n${options}\n\n` +
    `${spec.details.trim()}\n`
  );
}
