// A project's .sdocker.yml travels with a cloned repository, so a stranger may have written
// it. Like direnv's `allow`, the user trusts one exact content (by hash); an edit revokes it.
// The store maps each trusted path to the sha256 of the content trusted; it is rewritten
// atomically (temp file, then rename), so a crash leaves the old store or the new one.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SdockerError, EXIT_USAGE } from '../common/errors.js';

type TrustStore = Record<string, string>;

/** trusted: this content; changed: the path was trusted with another content; untrusted: never trusted. */
export type TrustState = 'trusted' | 'changed' | 'untrusted';

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

function writeStore(store: TrustStore, env: NodeJS.ProcessEnv): void {
  const target = trustStorePath(env);
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(store, null, 2)}\n`);
  renameSync(temp, target);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function trustState(file: string, text: string, env: NodeJS.ProcessEnv): TrustState {
  const known = readStore(env)[resolve(file)];
  return known === undefined ? 'untrusted' : known === digest(text) ? 'trusted' : 'changed';
}

export function isTrusted(file: string, text: string, env: NodeJS.ProcessEnv): boolean {
  return trustState(file, text, env) === 'trusted';
}

/** How a file that is not trusted is said: an edit after trusting is not the same as never trusted. */
export function untrustedWords(state: TrustState): string {
  return state === 'changed' ? 'changed since you trusted it' : 'not trusted';
}

/** Record the current content of `file` as trusted; written atomically. */
export function trustFile(file: string, env: NodeJS.ProcessEnv): string {
  const path = resolve(file);
  if (!existsSync(path)) throw new SdockerError(`sdocker: ${path} does not exist; name the .sdocker.yml or compose file to trust`, EXIT_USAGE);
  writeStore({ ...readStore(env), [path]: digest(readFileSync(path, 'utf8')) }, env);
  return path;
}

/** Every path in the store, with what it is now: trusted, changed since trusted, or missing. */
export function listTrusted(env: NodeJS.ProcessEnv): { path: string; state: 'trusted' | 'changed' | 'missing' }[] {
  return Object.entries(readStore(env))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, hash]) => ({ path, state: !existsSync(path) ? 'missing' : digest(readFileSync(path, 'utf8')) === hash ? 'trusted' : 'changed' }));
}

/** Drop paths from the store, all or none: a path that is not in it is an error and nothing is written. */
export function forgetFiles(files: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const store = readStore(env);
  const paths = files.map((file) => resolve(file));
  const unknown = paths.filter((path) => !Object.hasOwn(store, path));
  if (unknown.length > 0) {
    throw new SdockerError(`sdocker: not trusted, nothing to forget: ${unknown.join(', ')}; 'sdocker trust --list' shows the trusted files`, EXIT_USAGE);
  }
  for (const path of paths) delete store[path];
  writeStore(store, env);
  return paths;
}
