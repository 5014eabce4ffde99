// The docker CLI's own files, read without starting docker: the config folder, config.json's
// currentContext, and a context's docker endpoint in the context store
// (cli/config/config.go Dir; cli/context/store/metadatastore.go; cli/context/docker/load.go).
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { foldsTo, goString, isObject, parseGoJson, type GoJson } from '../docker/go-json.js';

/** What a context's meta.json says about its docker endpoint, or why docker cannot use it. */
export type StoredHost = { readonly host: string } | { readonly failing: string };

/** `--config DIR` (the last one; an empty one counts as not given), else DOCKER_CONFIG, else ~/.docker. */
export function configDir(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  if (flag !== undefined && flag !== '') return resolve(cwd, flag);
  const fromEnv = env['DOCKER_CONFIG'];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(cwd, fromEnv);
  // os.UserHomeDir reads $HOME; config.getHomeDir falls back to the user database.
  const home = env['HOME'] || userInfo().homedir;
  return join(home, '.docker');
}

/**
 * config.json's currentContext. docker loads the file with json.Decoder (a value after the
 * first is ignored) and only warns when it is unreadable or malformed, keeping what it decoded.
 */
export function currentContext(dir: string): string | undefined {
  let top: GoJson;
  try {
    top = parseGoJson(readFileSync(join(dir, 'config.json'), 'utf8'), false);
  } catch {
    return undefined;
  }
  return isObject(top) ? goString(top, 'currentContext') : undefined;
}

/** The stored docker endpoint host of context `name` (not `default`, which is not stored). */
export function storedHost(dir: string, name: string): StoredHost {
  // The folder is named by the sha256 of the name (metadatastore.go contextdirOf).
  // Loaded here, not imported: node:crypto costs every run a few ms at start (bench/run.mjs).
  const file = join(dir, 'contexts', 'meta', process.getBuiltinModule('node:crypto').createHash('sha256').update(name).digest('hex'), 'meta.json');
  let top: GoJson;
  try {
    top = parseGoJson(readFileSync(file, 'utf8'), true);
  } catch (error) {
    // docker fails on each: a missing file, an unreadable one, one json.Unmarshal rejects.
    const code = (error as NodeJS.ErrnoException).code;
    return { failing: code === 'ENOENT' ? `context "${name}" not found` : `context "${name}": ${file}: ${error instanceof SyntaxError ? 'not JSON' : (code ?? 'unreadable')}` };
  }
  const docker = isObject(top) ? endpoints(top).get('docker') : undefined;
  // EndpointFromContext: no docker endpoint, or one that is not an object, is an error.
  if (!isObject(docker)) return { failing: `context "${name}" has no docker endpoint` };
  // An empty Host leaves the API client on its default socket (measured: DOCKER_HOST is not read).
  return { host: goString(docker, 'Host') ?? '' };
}

/**
 * The Endpoints map as Go fills it: every key folding to `endpoints` adds to the same map; a
 * null one empties it. A value that is not an object is a type error docker fails on, so
 * skipping it errs only where docker stops anyway.
 */
function endpoints(top: { readonly entries: readonly (readonly [string, GoJson])[] }): Map<string, GoJson> {
  const map = new Map<string, GoJson>();
  for (const [key, value] of top.entries) {
    if (!foldsTo(key, 'endpoints')) continue;
    if (value === null) map.clear();
    else if (isObject(value)) for (const [name, endpoint] of value.entries) map.set(name, endpoint);
  }
  return map;
}
