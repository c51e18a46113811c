import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { checkSeed } from '../../check.js';
import { ValidationError } from '../../errors.js';
import { parseJsonText } from '../../json-text.js';
import { campaignReport, formatCampaignResult, formatUpgradePlan } from '../../report/campaign.js';
import { planCampaignScenario, runCampaignScenario } from '../../scenario/run.js';
import type { CampaignCheckpoint, CampaignCheckpointStore } from '../../workflow/campaign.js';
import { flagValue, seedOf, workersOf } from '../args.js';
import type { OptionValues, Output } from '../command.js';
import { loadFile, writablePath } from '../files.js';
import type { CAMPAIGN_OPTIONS } from '../options/campaign.js';
import type { PLAN_OPTIONS } from '../options/plan.js';
import { checkCampaignOutputs, writeCampaignOutputs } from './outputs.js';

/** `meshcast plan`: plans a campaign scenario and checks the plan; false when the guide's rules find problems. */
export function planCommand(file: string, values: OptionValues<typeof PLAN_OPTIONS>, { out }: Output): boolean {
  const loaded = loadFile(file, values['allow-outside-files'] === true);
  const planned = planCampaignScenario(loaded);
  const name = loaded.scenario.name ?? file;
  out(
    values.json === true
      ? `${JSON.stringify({ scenario: name, plan: planned.plan, problems: planned.problems })}\n`
      : `${formatUpgradePlan(planned.plan, planned.problems, name)}\n`,
  );
  return planned.problems.length === 0;
}

/**
 * A checkpoint file: read if it is there, replaced whole by each write (a new file renamed over
 * it, so a kill mid-write leaves the last checkpoint).
 */
export function fileCheckpoint(path: string): CampaignCheckpointStore {
  return {
    read(): CampaignCheckpoint | null {
      if (!existsSync(path)) return null;
      const data = parseJsonText(readFileSync(path, 'utf8'), path) as CampaignCheckpoint;
      if (typeof data !== 'object' || data === null || data.format !== 'meshcast-campaign-checkpoint') {
        throw new ValidationError('--out', path, 'a campaign checkpoint written by meshcast campaign (or no file)');
      }
      return data;
    },
    write(checkpoint: CampaignCheckpoint): void {
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(checkpoint));
      renameSync(tmp, path);
    },
  };
}

/**
 * `meshcast campaign`: plans and runs a campaign scenario, progress on standard error; with
 * `--out` a checkpoint after each step, from which the same command resumes.
 */
export async function campaignCommand(
  file: string,
  values: OptionValues<typeof CAMPAIGN_OPTIONS>,
  { out, err }: Output,
): Promise<void> {
  const loaded = loadFile(file, values['allow-outside-files'] === true);
  const outFlag = values.out;
  if (outFlag !== undefined) writablePath('--out', outFlag);
  checkCampaignOutputs(values, outFlag === undefined ? [file] : [file, outFlag]);
  const given = seedOf(values.seed);
  const workersFlag = values.workers;
  // 'auto' is the library's: one thread per core, capped, none on a single core.
  const workers =
    workersFlag === undefined ? undefined : workersFlag === 'auto' ? 'auto' : workersOf(workersFlag, 0, err);
  // No SIGINT / SIGTERM handler: the campaign runs synchronously, so a handler would only run once
  // it had ended and Ctrl-C would be ignored until then. The default action stops the process at
  // once; the checkpoint, replaced whole after each step, keeps every step finished.
  const run = runCampaignScenario(loaded, {
    ...(given === undefined ? {} : { seed: flagValue('--seed', () => checkSeed('--seed', given)) }),
    ...(outFlag === undefined ? {} : { checkpoint: fileCheckpoint(outFlag) }),
    ...(values.quiet === true ? {} : { onProgress: (p) => err(`[${p.step}/${p.steps}] ${p.id}: ${p.message}\n`) }),
    ...(workers === undefined ? {} : { workers }),
  });
  const name = loaded.scenario.name ?? file;
  out(
    values.json === true
      ? `${JSON.stringify(campaignReport(run, run.result, name))}\n`
      : `${formatCampaignResult(run.result, name)}\n`,
  );
  await writeCampaignOutputs(values, run.result, name, err);
}
