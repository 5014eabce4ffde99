// Images (by id) that sdocker has seen running hardened through a settle window: `run -d` of one
// of them does not wait again. Kept in sdocker's cache folder, read only when it and its folder
// are ours and writable by no one else (cache/store.ts): another user must not be able to turn
// the watch off for us. Losing the file costs one more wait per image, nothing else.
import { join } from 'node:path';
import { cacheDir, readCache, writeCache } from '../cache/store.js';

const FILE = 'settled-images.json';
/** Ids kept, newest first: enough for a machine's images without growing forever. */
const KEEP = 512;

function read(file: string): string[] {
  const value = readCache(file);
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string' && /^sha256:[0-9a-f]{64}$/.test(id)) : [];
}

export function seenRunning(imageId: string, env: NodeJS.ProcessEnv): boolean {
  const dir = cacheDir(env);
  return dir !== undefined && read(join(dir, FILE)).includes(imageId);
}

export function rememberRunning(imageId: string, env: NodeJS.ProcessEnv): void {
  const dir = cacheDir(env);
  if (dir === undefined || !/^sha256:[0-9a-f]{64}$/.test(imageId)) return;
  const file = join(dir, FILE);
  const ids = read(file);
  if (ids[0] === imageId) return;
  writeCache(file, dir, [imageId, ...ids.filter((id) => id !== imageId)].slice(0, KEEP));
}
