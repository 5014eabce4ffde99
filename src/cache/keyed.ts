// A folder of gzipped JSON files by name, for facts that never change for their name (an image
// layer's, by its content digest). Like the other caches (store.ts) it only saves time and is
// read only when ours and writable by nobody else, since what it holds decides findings. The
// folder is named by the version of what produced the files: a new version starts empty and
// removes the older folders. At most `keep` files stay; the least recently used go first (a
// hit touches its file).
import { readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { cacheDir, readOwn, writeBytes } from './store.js';

export interface KeyedCache {
  /** The parsed value, or undefined when missing, unreadable, corrupt or not ours. */
  get(name: string): unknown;
  put(name: string, value: unknown): void;
}

/** Names are digests or ids: nothing that could climb out of the folder. */
const NAME = /^[0-9a-z][0-9a-z._-]{0,127}$/;

export function keyedCache(env: NodeJS.ProcessEnv, folder: string, version: string, keep: number): KeyedCache | undefined {
  const root = cacheDir(env);
  if (root === undefined) return undefined;
  const dir = join(root, `${folder}-${version}`);
  const fileOf = (name: string): string | undefined => (NAME.test(name) ? join(dir, `${name}.json.gz`) : undefined);
  let tidied = false;
  return {
    get(name) {
      const file = fileOf(name);
      const bytes = file === undefined ? undefined : readOwn(file);
      if (file === undefined || bytes === undefined) return undefined;
      try {
        const value = JSON.parse(gunzipSync(bytes).toString('utf8')) as unknown;
        touch(file);
        return value;
      } catch {
        return undefined;
      }
    },
    put(name, value) {
      const file = fileOf(name);
      if (file === undefined || !writeBytes(file, dir, gzipSync(JSON.stringify(value)))) return;
      if (!tidied) removeOlderVersions(root, folder, dir);
      tidied = true;
      prune(dir, keep);
    },
  };
}

function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // A read-only cache still answers.
  }
}

function removeOlderVersions(root: string, folder: string, current: string): void {
  for (const name of safeList(root)) {
    const path = join(root, name);
    if (name.startsWith(`${folder}-`) && path !== current) rmSync(path, { recursive: true, force: true });
  }
}

function prune(dir: string, keep: number): void {
  const files = safeList(dir).filter((name) => name.endsWith('.json.gz'));
  if (files.length <= keep) return;
  const aged = files.map((name) => ({ path: join(dir, name), at: mtime(join(dir, name)) })).sort((a, b) => a.at - b.at);
  for (const { path } of aged.slice(0, files.length - keep)) rmSync(path, { force: true });
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
