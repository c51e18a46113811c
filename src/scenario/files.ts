import { readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { MeshcastError } from '../errors.js';
import type { ReadText } from './network.js';

/** Largest file meshcast reads whole (a scenario, a network JSON or CSV file): 256 MiB. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Reads a regular file of at most `maxBytes` as UTF-8. Devices (`/dev/zero`), FIFOs, sockets
 * and directories are refused before anything is read — a FIFO would block, a device never end.
 * @throws MeshcastError naming the file and what is wrong with it (never its contents)
 */
export function readRegularFile(path: string, maxBytes = MAX_FILE_BYTES): string {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new MeshcastError(`${path} is not a regular file (${kindOf(st)})`);
    size = st.size;
  } catch (e) {
    if (e instanceof MeshcastError) throw e;
    throw new MeshcastError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > maxBytes) {
    throw new MeshcastError(
      `${path} has ${size.toLocaleString('en-US')} bytes; files of at most ${maxBytes.toLocaleString('en-US')} ` +
        `are read`,
    );
  }
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new MeshcastError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/** How a scenario's files may be read. */
export interface FileAccess {
  /**
   * Read files outside the scenario's own directory too (`../net.json`, `/data/net.csv`). Off
   * by default: a scenario from elsewhere must not read the machine's other files.
   * @defaultValue false
   */
  readonly outside?: boolean;
  /** Largest file read, in bytes. @defaultValue {@link MAX_FILE_BYTES} */
  readonly maxBytes?: number;
}

/**
 * A {@link ReadText} for the files a scenario names: paths relative to `baseDir` (the
 * scenario's directory), only regular files of bounded size, and — unless `access.outside` —
 * only files inside `baseDir` (after following links).
 * @param baseDir - the scenario's directory
 */
export function fileReader(baseDir: string, access: FileAccess = {}): ReadText {
  const root = resolve(baseDir);
  return (p) => {
    const path = resolve(root, p);
    if (access.outside !== true) {
      let real: string;
      let realRoot: string;
      try {
        real = realpathSync(path);
        realRoot = realpathSync(root);
      } catch (e) {
        throw new MeshcastError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const rel = relative(realRoot, real);
      if (rel.startsWith('..') || isAbsolute(rel)) {
        throw new MeshcastError(
          `${p} is outside the scenario's directory (${root}); scenarios read only their own files ` +
            '(allow others with --allow-outside-files, or { outside: true } in the library)',
        );
      }
    }
    return readRegularFile(path, access.maxBytes ?? MAX_FILE_BYTES);
  };
}
