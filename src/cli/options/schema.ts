import type { CommandSpec } from '../command.js';

/** `meshcast schema`: it has no options. */
export const SCHEMA_OPTIONS = {} as const;

/** `meshcast schema`: the scenario file's JSON Schema. */
export const SCHEMA: CommandSpec<typeof SCHEMA_OPTIONS> = {
  name: 'schema',
  summary: 'Prints the JSON Schema of scenario files (for editors: "$schema" in a scenario).',
  args: '',
  positionals: { min: 0, max: 0 },
  options: SCHEMA_OPTIONS,
  details: `
Prints the schema (JSON, draft 2020-12) on standard output; the package ships it as
docs/scenario.schema.json.

Exit codes: 0 done, 2 bad command line.`,
};
