import type { CommandSpec } from '../command.js';

/** `meshcast plan`: its options. */
export const PLAN_OPTIONS = {
  json: { type: 'boolean', help: 'print the plan and its problems as JSON (one line)' },
  'allow-outside-files': {
    type: 'boolean',
    help: 'read files the scenario names outside its own directory too',
  },
} as const;

/** `meshcast plan`: a campaign scenario's plan, checked against the guide's rules. */
export const PLAN: CommandSpec<typeof PLAN_OPTIONS> = {
  name: 'plan',
  summary: "Plans a campaign scenario's upgrade and checks the plan against the guide's rules.",
  args: '<campaign.json>',
  positionals: { min: 1, max: 1 },
  options: PLAN_OPTIONS,
  details: `
Prints the plan's steps in order and every problem the guide's rules find in it (the rule, the
endpoints it concerns and the fix). --json prints {"scenario", "plan", "problems"}.

Exit codes: 0 a plan without problems, 2 bad command line or unreadable file, 3 invalid scenario
or problems found.`,
};
