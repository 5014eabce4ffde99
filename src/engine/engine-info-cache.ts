// The engine's /info answer is the slowest question of a run (~5 ms of ~6 here: dockerd counts
// containers and images and asks its plugins for it) and what sdocker reads from it (AppArmor
// in SecurityOptions, the default logging driver, DockerRootDir) is fixed for the daemon's
// lifetime: none of them is reloaded by SIGHUP (moby daemon/reload.go). So it is cached per
// engine instance (engine-key.ts); a restarted or different engine has another key and is asked.
import { join } from 'node:path';
import type { Engine, EngineInfo } from './engine.js';
import { engineKey } from '../cache/engine-key.js';
import { cacheDir, readCache, writeCache } from '../cache/store.js';

const FILE = 'engine-info.json';
/** Entries kept: a few engines (contexts, rootless and root) without growing forever. */
const KEEP = 8;

interface Entry {
  readonly key: string;
  readonly info: EngineInfo;
}

/** The engine, with info() answered from the cache when this engine instance was asked before. */
export function cacheEngineInfo<E extends Engine>(engine: E, socketPath: string, env: NodeJS.ProcessEnv, keyOf: (socket: string) => string | undefined = engineKey): E {
  const dir = cacheDir(env);
  if (dir === undefined) return engine;
  const ask = engine.info.bind(engine);
  engine.info = async () => {
    const key = keyOf(socketPath);
    if (key === undefined) return ask();
    const file = join(dir, FILE);
    const entries = readEntries(file);
    const hit = entries.find((entry) => entry.key === key);
    if (hit !== undefined) return hit.info;
    const info = await ask();
    writeCache(file, dir, [{ key, info }, ...entries.filter((entry) => entry.key !== key)].slice(0, KEEP));
    return info;
  };
  return engine;
}

/** The file's entries; anything not of the expected shape is dropped. */
export function readEntries(file: string): Entry[] {
  const value = readCache(file);
  return Array.isArray(value) ? value.flatMap((item) => toEntry(item) ?? []) : [];
}

/** Only the fields sdocker reads, each of its type. */
function toEntry(value: unknown): Entry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { key, info } = value as { key?: unknown; info?: unknown };
  if (typeof key !== 'string' || typeof info !== 'object' || info === null) return undefined;
  const { apparmor, loggingDriver, rootDir, apiVersion, cgroupVersion } = info as Record<string, unknown>;
  // An entry without the API version was written before sdocker read it (cgroupns needs it): asked again.
  if (typeof apparmor !== 'boolean' || typeof loggingDriver !== 'string' || typeof apiVersion !== 'string' || ![rootDir, cgroupVersion].every((v) => v === undefined || typeof v === 'string')) return undefined;
  const optional = { rootDir, apiVersion, cgroupVersion } as Record<string, string | undefined>;
  return { key, info: { apparmor, loggingDriver, ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) } };
}
