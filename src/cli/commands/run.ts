import { formatHeadendDay, headendDayReport } from '../../report/headend.js';
import { formatScenario } from '../../report/text.js';
import { ValidationError } from '../../errors.js';
import { runHeadendScenario, runScenario, runScenarioParallel, type ScenarioResult } from '../../scenario/run.js';
import { checkInteger, checkSeed } from '../../check.js';
import { countOf, flagValue, seedOf, workersOf } from '../args.js';
import type { OptionValues, Output } from '../command.js';
import { loadFile } from '../files.js';
import type { RUN_OPTIONS } from '../options/run.js';
import { passProgress } from '../progress.js';
import { checkHeadendOutputs, checkRunOutputs, writeHeadendOutputs, writeRunOutputs } from './outputs.js';

/** `meshcast run`: runs a scenario's passes and prints its report (or its summaries as JSON). */
export async function runCommand(
  file: string,
  values: OptionValues<typeof RUN_OPTIONS>,
  { out, err }: Output,
): Promise<void> {
  const loaded = loadFile(file, values['allow-outside-files'] === true);
  if (loaded.resolved.campaign !== null) {
    throw new ValidationError(
      'campaign',
      file,
      'a scenario to run: this is a campaign (meshcast plan, meshcast campaign)',
    );
  }
  const given = seedOf(values.seed);
  const seed = given === undefined ? undefined : flagValue('--seed', () => checkSeed('--seed', given));
  const name = loaded.scenario.name ?? file;
  if (loaded.resolved.headend !== null) {
    // An operator's day on the head-end: its screens, or their data.
    for (const flag of ['passes', 'workers'] as const) {
      if (values[flag] !== undefined)
        throw new ValidationError(`--${flag}`, values[flag], 'nothing for a head-end scenario');
    }
    checkHeadendOutputs(values, file);
    const day = runHeadendScenario(loaded, seed);
    out(values.json === true ? `${JSON.stringify(headendDayReport(day, name))}\n` : `${formatHeadendDay(day, name)}\n`);
    await writeHeadendOutputs(values, day, name, err);
    return;
  }
  checkRunOutputs(values, file, loaded.mesh, loaded.resolved.radio);
  const passesFlag = values.passes;
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
  const onProgress = passProgress(err, process.stderr.isTTY === true);
  let result: ScenarioResult;
  if (values.workers === undefined) result = runScenario(scenario, seed, 0, onProgress);
  else {
    const workers = workersOf(values.workers, 1, err);
    result = await runScenarioParallel(scenario, {
      workers,
      onProgress,
      ...(seed === undefined ? {} : { seed }),
    });
  }
  if (values.json === true) {
    const groups = result.groups.map((g) => ({ origins: g.origins, passes: g.passes.map((p) => p.summary()) }));
    const concurrent = result.concurrent.map((p) => p.summary());
    out(`${JSON.stringify({ scenario: name, passes: result.passes.map((p) => p.summary()), groups, concurrent })}\n`);
  } else out(`${formatScenario(result, name)}\n`);
  await writeRunOutputs(values, result, name, err);
}
