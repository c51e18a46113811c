import type { Scenario } from '../../scenario/scenario.js';
import { planSweep } from '../../sweep/plan.js';
import { loadFile } from '../files.js';

/**
 * `meshcast validate`: checks a scenario, builds its network, binds its broadcasts to it and,
 * when it has a sweep section, checks every cell of its grid.
 */
export function validateCommand(file: string, flags: Map<string, string | true>, out: (s: string) => void): void {
  const loaded = loadFile(file, flags.has('--allow-outside-files'));
  if (loaded.resolved.sweep !== null) planSweep(loaded.scenario as Scenario, undefined, { workers: 0 });
  out(`${file}: valid (${loaded.mesh.n} devices, ${loaded.mesh.collectors.length} collectors)\n`);
}
