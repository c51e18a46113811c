import type { CommandSpec } from '../command.js';

/** `meshcast validate`: its options. */
export const VALIDATE_OPTIONS = {
  'allow-outside-files': {
    type: 'boolean',
    help: 'read files the scenario names outside its own directory too',
  },
} as const;

/** `meshcast validate`: checks a scenario without running it. */
export const VALIDATE: CommandSpec<typeof VALIDATE_OPTIONS> = {
  name: 'validate',
  summary: 'Checks a scenario file: its fields, its network and, with a sweep section, every cell of its grid.',
  args: '<scenario.json>',
  positionals: { min: 1, max: 1 },
  options: VALIDATE_OPTIONS,
  details: `
Prints "<file>: valid (D devices, C collectors)", or on standard error every error found (up to
20), each with the field's path, the value given and what is allowed; a JSON syntax error gives
its line and column. Fields that depend on a wrong one are checked once it is fixed.

Exit codes: 0 valid, 2 bad command line or unreadable file, 3 invalid scenario.`,
};
