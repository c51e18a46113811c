import { accessSync, constants as fsConstants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseJsonText } from '../json-text.js';
import { fileReader, readRegularFile } from '../scenario/files.js';
import { CheckContext } from '../check.js';
import { bindScenario, type LoadedScenario } from '../scenario/load.js';
import { buildMesh, type ReadText } from '../scenario/network.js';
import { checkScenario } from '../scenario/scenario.js';
import { UsageError } from './args.js';

/** Refuses a file path whose directory does not exist or cannot be written (or that names a directory). */
export function writablePath(flag: string, path: string): void {
  const dir = dirname(resolve(path));
  try {
    accessSync(dir, fsConstants.W_OK);
  } catch {
    throw new UsageError(
      `${flag}: cannot write ${path}: ${existsSync(dir) ? 'its directory is not writable' : `no directory ${dir}`}`,
    );
  }
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`${flag}: ${path} is a directory`);
}

/** Reads and parses a scenario file: a regular file of bounded size, JSON errors by line and column. */
export function readJson(path: string): unknown {
  let text: string;
  try {
    text = readRegularFile(path);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return parseJsonText(text, path);
}

/**
 * Reads the files a scenario names: relative to the scenario's directory, regular files only,
 * and inside that directory unless `outside`.
 */
export function readerFor(scenarioPath: string, outside = false): ReadText {
  return fileReader(dirname(resolve(scenarioPath)), { outside });
}

/** Most errors a scenario's check reports before it stops (`meshcast validate`, `run`, `sweep`). */
export const MAX_ERRORS = 20;

/**
 * Loads a scenario file and builds its network. The scenario's check reports every error it
 * finds, up to {@link MAX_ERRORS} (a `ValidationErrors` when several).
 */
export function loadFile(path: string, outside = false): LoadedScenario {
  const data = readJson(path);
  const resolved = checkScenario(data, new CheckContext(MAX_ERRORS));
  const readText = readerFor(path, outside);
  return bindScenario(resolved, buildMesh(resolved.network, readText), readText);
}
