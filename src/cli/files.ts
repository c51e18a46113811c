import { accessSync, constants as fsConstants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ValidationError } from '../errors.js';
import { loadScenario, type LoadedScenario } from '../scenario/load.js';
import type { ReadText } from '../scenario/network.js';
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

/** Reads and parses a scenario file. */
export function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValidationError('scenario', path, `valid JSON (${(e as Error).message})`);
  }
}

/** Reads the files a scenario names, relative to the scenario's directory. */
export function readerFor(scenarioPath: string): ReadText {
  const base = dirname(resolve(scenarioPath));
  return (p) => readFileSync(resolve(base, p), 'utf8');
}

/** Loads a scenario file and builds its network. */
export function loadFile(path: string): LoadedScenario {
  return loadScenario(readJson(path), readerFor(path));
}
