// A small JSON cache under $XDG_CACHE_HOME/sdocker (else ~/.cache/sdocker). It only ever saves
// time: a missing, unreadable or corrupt file reads as empty, a failed write is ignored, and a
// write goes to a temporary file renamed over the old one (rename(2) is atomic within a file
// system), so two sdockers at once never leave half a file for a third to read.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** The cache folder; undefined when there is no usable home (nothing is cached then). */
export function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  // XDG Base Directory spec: a relative $XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'sdocker');
  const home = env['HOME'] || homedir();
  return home === '' ? undefined : join(home, '.cache', 'sdocker');
}

/** The parsed file, or undefined when it is missing or not JSON. */
export function readCache(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Write `value` as JSON to `file` atomically; false when it could not be written. */
export function writeCache(file: string, dir: string, value: unknown): boolean {
  const temporary = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(temporary, `${JSON.stringify(value)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
    return true;
  } catch {
    return false;
  }
}
