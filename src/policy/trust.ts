// A project's .sdocker.yml travels with a cloned repository, so a stranger may have written
// it. Like direnv's `allow`, the user trusts one exact content (by hash); an edit revokes it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SdockerError, EXIT_USAGE } from '../errors.js';

type TrustStore = Record<string, string>;

export function trustStorePath(env: NodeJS.ProcessEnv): string {
  const base = env['XDG_DATA_HOME'] || join(env['HOME'] ?? '/', '.local', 'share');
  return join(base, 'sdocker', 'trusted.json');
}

function readStore(env: NodeJS.ProcessEnv): TrustStore {
  const file = trustStorePath(env);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TrustStore;
  } catch {
    throw new SdockerError(`sdocker: ${file} is not valid JSON; delete it and trust your project files again`, EXIT_USAGE);
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function isTrusted(file: string, text: string, env: NodeJS.ProcessEnv): boolean {
  return readStore(env)[resolve(file)] === digest(text);
}

/** Record the current content of `file` as trusted; written atomically. */
export function trustFile(file: string, env: NodeJS.ProcessEnv): string {
  const path = resolve(file);
  if (!existsSync(path)) throw new SdockerError(`sdocker: ${path} does not exist; name the .sdocker.yml or compose file to trust`, EXIT_USAGE);
  const store = { ...readStore(env), [path]: digest(readFileSync(path, 'utf8')) };
  const target = trustStorePath(env);
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(store, null, 2)}\n`);
  renameSync(temp, target);
  return path;
}
