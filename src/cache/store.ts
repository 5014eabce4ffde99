// A small JSON cache under $XDG_CACHE_HOME/sdocker (else ~/.cache/sdocker). It only ever saves
// time: a missing, unreadable or corrupt file reads as empty, a failed write is ignored, and a
// write goes to a temporary file renamed over the old one (rename(2) is atomic within a file
// system), so two sdockers at once never leave half a file for a third to read.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/** The cache folder; undefined when there is no usable home (nothing is cached then). */
export function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  // XDG Base Directory spec: a relative $XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'sdocker');
  const home = env['HOME'] || homedir();
  return home === '' ? undefined : join(home, '.cache', 'sdocker');
}

/** Ours, and writable by nobody else: what the cache says decides refusals (engine-info.ts's rootDir). */
function ours(stats: { uid: number; mode: number }): boolean {
  return process.getuid !== undefined && stats.uid === process.getuid() && (stats.mode & 0o022) === 0;
}

/**
 * The file's bytes, or undefined when it is missing or not ours: a folder or file another user
 * can write (a shared $XDG_CACHE_HOME, `sudo -E` keeping the user's) is not read. The file is
 * judged by its open descriptor, so it cannot be swapped between check and read.
 */
export function readOwn(file: string): Buffer | undefined {
  try {
    if (!ours(statSync(dirname(file)))) return undefined;
    const fd = openSync(file, 'r');
    try {
      return ours(fstatSync(fd)) ? readFileSync(fd) : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** The parsed file, or undefined when it is missing, not JSON, or not ours (readOwn). */
export function readCache(file: string): unknown {
  const bytes = readOwn(file);
  try {
    return bytes === undefined ? undefined : (JSON.parse(bytes.toString('utf8')) as unknown);
  } catch {
    return undefined;
  }
}

/** Write `value` as JSON to `file` atomically; false when it could not be written. */
export function writeCache(file: string, dir: string, value: unknown): boolean {
  return writeBytes(file, dir, `${JSON.stringify(value)}\n`);
}

/** Write `bytes` to `file` atomically (a temporary file renamed into place), in a folder only we may write. */
export function writeBytes(file: string, dir: string, bytes: string | Uint8Array): boolean {
  const temporary = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(temporary, bytes, { mode: 0o600 });
    renameSync(temporary, file);
    return true;
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // The folder itself is unusable (a file where it should be): nothing was written.
    }
    return false;
  }
}
