import { checkInteger, checkObject, checkPositive, checkString, isPlainObject, join, reroot } from '../check.js';
import { ValidationError } from '../errors.js';
import type { BroadcastCommandInput } from '../headend/commands.js';
import {
  HEADEND_FIELDS,
  HeadEnd,
  type GroupSelector,
  type HeadEndOptions,
  type UnicastCommandInput,
} from '../headend/headend.js';
import type { BroadcastOutcome, UnicastOutcome } from '../headend/outcomes.js';
import type { CompiledMesh } from '../network/mesh.js';
import type { Seed } from '../random/stream.js';
import type { RunOptions } from '../broadcast/options.js';

/**
 * One step of an operator's day in a head-end scenario: exactly one of its fields.
 * - `broadcast`: build a broadcast command and run it (`repeat` times, each a new command).
 * - `group` / `pointToPoint`: a group or point-to-point command, run.
 * - `defineGroup`: define a command group from listed endpoints or from what the records show.
 * - `waitS`: let time pass (images activate, reports arrive).
 */
export interface ScenarioHeadendStep {
  /** A broadcast command. */
  readonly broadcast?: BroadcastCommandInput;
  /** Times to run the broadcast (each a new command of the same fields). @defaultValue 1 */
  readonly repeat?: number;
  /** A group command. */
  readonly group?: UnicastCommandInput;
  /** A point-to-point command. */
  readonly pointToPoint?: UnicastCommandInput;
  /** Defines a named group of endpoints. */
  readonly defineGroup?: { readonly name: string } & GroupSelector;
  /** Waits this many seconds. */
  readonly waitS?: number;
}

/** A scenario's head-end section: the head-end's set-up and the operator's commands, in order. */
export interface ScenarioHeadend extends Omit<HeadEndOptions, 'catalogue'> {
  /** Packages imported (a list, or `{ packages }`). */
  readonly catalogue?: HeadEndOptions['catalogue'];
  /** The operator's steps, in order (none in a campaign scenario, whose campaign runs the commands). */
  readonly commands?: readonly ScenarioHeadendStep[];
  /** Endpoints whose per-endpoint screens the report shows. @defaultValue the first targets of the last broadcast */
  readonly show?: readonly string[];
}

/** A head-end section checked for shape (commands are checked against the network when bound). */
export interface ResolvedHeadendSection {
  /** The head-end's options, as given. */
  readonly options: HeadEndOptions;
  /** The steps. */
  readonly steps: readonly ScenarioHeadendStep[];
  /** Endpoints to show, or null. */
  readonly show: readonly string[] | null;
}

const STEP_KINDS = ['broadcast', 'group', 'pointToPoint', 'defineGroup', 'waitS'] as const;

/** Most steps a scenario's day may hold. */
const MAX_STEPS = 1000;

/**
 * Checks the shape of a head-end section: its options' fields and its steps (each exactly one
 * kind). What needs the network — models, versions, collectors, the head-end's rules — is
 * checked when the scenario is bound to its network ({@link checkHeadendDay}).
 */
export function checkHeadendSection(v: unknown, campaign = false): ResolvedHeadendSection {
  const o = checkObject('headend', v, [...HEADEND_FIELDS, 'commands', 'show'], 'a head-end section');
  // A campaign scenario's head-end is its set-up: the campaign runs the commands.
  const commands = campaign ? (o['commands'] ?? []) : o['commands'];
  if (campaign && Array.isArray(commands) && commands.length > 0) {
    throw new ValidationError(
      'headend.commands',
      commands,
      'nothing in a campaign scenario: the campaign runs the commands',
    );
  }
  if (!campaign && (!Array.isArray(commands) || commands.length === 0 || commands.length > MAX_STEPS)) {
    throw new ValidationError('headend.commands', commands, `a list of 1 to ${MAX_STEPS} steps`);
  }
  (commands as unknown[]).forEach((step: unknown, i) => {
    const at = `headend.commands[${i}]`;
    const s = checkObject(
      at,
      step,
      [...STEP_KINDS, 'repeat'],
      'a step: one of broadcast, group, pointToPoint, defineGroup, waitS',
    );
    const kinds = STEP_KINDS.filter((k) => s[k] !== undefined);
    if (kinds.length !== 1) {
      throw new ValidationError(at, step, `exactly one of ${STEP_KINDS.join(', ')} (this step has ${kinds.length})`);
    }
    if (s['repeat'] !== undefined) {
      if (kinds[0] !== 'broadcast')
        throw new ValidationError(join(at, 'repeat'), s['repeat'], 'nothing: only a broadcast repeats');
      checkInteger(join(at, 'repeat'), s['repeat'], 1, 100);
    }
    if (s['waitS'] !== undefined) checkPositive(join(at, 'waitS'), s['waitS'], true);
    if (s['defineGroup'] !== undefined) {
      const d = s['defineGroup'];
      if (!isPlainObject(d)) throw new ValidationError(join(at, 'defineGroup'), d, 'a group name and selector');
      checkString(join(join(at, 'defineGroup'), 'name'), d['name'], 'a group name');
    }
  });
  const show = o['show'];
  if (show !== undefined && (!Array.isArray(show) || show.some((x) => typeof x !== 'string') || show.length > 100)) {
    throw new ValidationError('headend.show', show, 'a list of at most 100 endpoint ids');
  }
  const { commands: _c, show: _s, ...options } = o;
  return {
    options,
    steps: commands as ScenarioHeadendStep[],
    show: (show as string[] | undefined) ?? null,
  };
}

/** What a head-end scenario did: the head-end as the day left it, and each command's outcome. */
export interface HeadendDay {
  /** The head-end, its clock at the end of the day. */
  readonly headEnd: HeadEnd;
  /** Outcomes of the commands run, in order. */
  readonly outcomes: readonly (BroadcastOutcome | UnicastOutcome)[];
  /** Endpoints whose per-endpoint screens to show. */
  readonly show: readonly string[];
}

/** A new head-end of a section on a mesh, option errors rooted at `headend`. */
export function newHeadEnd(section: ResolvedHeadendSection, mesh: CompiledMesh): HeadEnd {
  return reroot('headend', /^options/, () => new HeadEnd(mesh, section.options));
}

/**
 * Checks a head-end scenario's day against its network before anything runs: the head-end's
 * options, every group defined and every command built in order (as the records stand at the
 * start), so a command the head-end would refuse is found before the first one runs.
 */
export function checkHeadendDay(section: ResolvedHeadendSection, mesh: CompiledMesh): void {
  const he = newHeadEnd(section, mesh);
  section.steps.forEach((step, i) => buildStep(he, step, `headend.commands[${i}]`));
  section.show?.forEach((id, i) => {
    if (mesh.index(id) < 0) throw new ValidationError(`headend.show[${i}]`, id, 'the id of a device in the network');
  });
}

/** Builds (and, for defineGroup, applies) one step; returns the command to run, if any. */
function buildStep(he: HeadEnd, step: ScenarioHeadendStep, at: string) {
  if (step.broadcast !== undefined) return he.broadcast(step.broadcast, join(at, 'broadcast'));
  if (step.group !== undefined) return he.group(step.group, join(at, 'group'));
  if (step.pointToPoint !== undefined) return he.pointToPoint(step.pointToPoint, join(at, 'pointToPoint'));
  if (step.defineGroup !== undefined) {
    const { name, ...selector } = step.defineGroup;
    he.defineGroup(name, selector, join(at, 'defineGroup'));
  }
  return null;
}

/**
 * Runs a head-end scenario's day: a head-end on the scenario's network, then each step in order,
 * every command with the scenario's radio, traffic and hand-off.
 * @param seed - the root seed (each command draws from streams of its own under it)
 * @param models - the scenario's radio, traffic and hand-off sections
 */
export function runHeadendDay(
  section: ResolvedHeadendSection,
  mesh: CompiledMesh,
  seed: Seed,
  models: Pick<RunOptions, 'radio' | 'traffic' | 'handoff'>,
): HeadendDay {
  const he = newHeadEnd(section, mesh);
  const outcomes: (BroadcastOutcome | UnicastOutcome)[] = [];
  const options = { ...models, seed };
  section.steps.forEach((step, i) => {
    const at = `headend.commands[${i}]`;
    if (step.waitS !== undefined) {
      he.advance(he.now + step.waitS);
      return;
    }
    for (let r = 0; r < (step.repeat ?? 1); r++) {
      const command = buildStep(he, step, at);
      if (command === null) return;
      outcomes.push(command.delivery === 'broadcast' ? he.run(command, options) : he.run(command, options));
    }
  });
  const last = [...outcomes].reverse().find((o): o is BroadcastOutcome => o.delivery === 'broadcast');
  const show = section.show ?? (last === undefined ? [] : last.result.targetIds().slice(0, 3));
  return { headEnd: he, outcomes, show };
}
