import { planSweep } from '../../sweep/plan.js';
import type { OptionValues, Output } from '../command.js';
import { loadFile } from '../files.js';
import type { VALIDATE_OPTIONS } from '../options/validate.js';

/**
 * `meshcast validate`: checks a scenario (every error, up to a limit), builds its network,
 * binds its broadcasts to it and, when it has a sweep section, checks every cell of its grid.
 */
export function validateCommand(file: string, values: OptionValues<typeof VALIDATE_OPTIONS>, { out }: Output): void {
  const loaded = loadFile(file, values['allow-outside-files'] === true);
  if (loaded.resolved.sweep !== null) planSweep(loaded.scenario, undefined, { workers: 0 });
  const { n, collectors } = loaded.mesh;
  out(`${file}: valid (${n} devices, ${collectors.length} collector${collectors.length === 1 ? '' : 's'})\n`);
}
