import { formatHeadendDay, headendDayReport } from '../../report/headend.js';
import { formatScenario } from '../../report/text.js';
import { ValidationError } from '../../errors.js';
import { runHeadendScenario, runScenario, runScenarioParallel, type ScenarioResult } from '../../scenario/run.js';
import { countOf, flagValue, seedOf, workersOf } from '../args.js';
import { loadFile } from '../files.js';
import { passProgress } from '../progress.js';
import { checkHeadendOutputs, checkRunOutputs, writeHeadendOutputs, writeRunOutputs } from './outputs.js';
import { checkInteger, checkSeed } from '../../check.js';

/** `meshcast run`: runs a scenario's passes and prints its report (or its summaries as JSON). */
export async function runCommand(
  file: string,
  flags: Map<string, string | true>,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<void> {
  const loaded = loadFile(file, flags.has('--allow-outside-files'));
  if (loaded.resolved.campaign !== null) {
    throw new ValidationError(
      'campaign',
      file,
      'a scenario to run: this is a campaign (meshcast plan, meshcast campaign)',
    );
  }
  if (loaded.resolved.headend !== null) {
    // An operator's day on the head-end: its screens, or their data.
    for (const flag of ['--passes', '--workers']) {
      if (flags.has(flag)) throw new ValidationError(flag, flags.get(flag), 'nothing for a head-end scenario');
    }
    checkHeadendOutputs(flags, file);
    const given = seedOf(flags);
    const day = runHeadendScenario(
      loaded,
      given === undefined ? undefined : flagValue('--seed', () => checkSeed('--seed', given)),
    );
    const name = loaded.scenario.name ?? file;
    out(flags.has('--json') ? `${JSON.stringify(headendDayReport(day, name))}\n` : `${formatHeadendDay(day, name)}\n`);
    await writeHeadendOutputs(flags, day, name, err);
    return;
  }
  checkRunOutputs(flags, file, loaded.mesh, loaded.resolved.radio);
  const passesFlag = flags.get('--passes');
  const scenario =
    passesFlag === undefined
      ? loaded
      : {
          ...loaded,
          resolved: {
            ...loaded.resolved,
            passes: flagValue('--passes', () => checkInteger('--passes', countOf(passesFlag), 1, 100)),
          },
        };
  const given = seedOf(flags);
  const seed = given === undefined ? undefined : flagValue('--seed', () => checkSeed('--seed', given));
  const workersFlag = flags.get('--workers');
  let result: ScenarioResult;
  if (workersFlag === undefined)
    result = runScenario(
      scenario,
      seed === undefined ? undefined : flagValue('--seed', () => checkSeed('--seed', seed)),
    );
  else {
    const workers = workersOf(workersFlag, 1, err);
    result = await runScenarioParallel(scenario, {
      workers,
      onProgress: passProgress(err),
      ...(seed === undefined ? {} : { seed }),
    });
  }
  const name = loaded.scenario.name ?? file;
  if (flags.has('--json')) {
    const groups = result.groups.map((g) => ({ origins: g.origins, passes: g.passes.map((p) => p.summary()) }));
    out(`${JSON.stringify({ scenario: name, passes: result.passes.map((p) => p.summary()), groups })}\n`);
  } else out(`${formatScenario(result, name)}\n`);
  await writeRunOutputs(flags, result, name, err);
}
