// The side of doctor on this machine: config files and their trust, compose, the shell function.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Deps } from '../planner/deps.js';
import type { Item } from '../docker/parse.js';
import { findProjectConfig, userConfigPath, userImagesDir, type LoadedPolicy } from '../policy/load.js';
import { trustState, untrustedWords } from '../policy/trust.js';
import { shortFile } from '../policy-view/explain.js';
import { check, type Check } from './check.js';

/** The user's config and the nearest .sdocker.yml; `loaded` is undefined when loading failed (`error`). */
export function configChecks(deps: Pick<Deps, 'env' | 'cwd'>, loaded: LoadedPolicy | undefined, error: string | undefined): Check[] {
  const user = userConfigPath(deps.env);
  const project = findProjectConfig(deps.cwd);
  const checks: Check[] = [];
  if (user === undefined) checks.push(check('user config', 'ok', 'none ($HOME and $XDG_CONFIG_HOME are unset)'));
  else checks.push(check('user config', 'ok', existsSync(user) ? `${shortFile(user, deps.env)}, in effect` : `none (${shortFile(user, deps.env)} does not exist)`));
  checks.push(imageProfilesCheck(deps.env));
  if (project === undefined) checks.push(check('project config', 'ok', `none (no .sdocker.yml in ${deps.cwd} or above)`));
  else checks.push(projectCheck(project, deps.env, loaded));
  if (error !== undefined) checks.push(check('config', 'fail', `${error.replace(/^sdocker: /, '')}: every sdocker run stops on it`));
  return checks;
}

/** The image profiles of the user's own (sdocker learn writes them), read before sdocker's (policy/images.ts). */
function imageProfilesCheck(env: NodeJS.ProcessEnv): Check {
  const dir = userImagesDir(env);
  if (dir === undefined || !existsSync(dir)) return check('image profiles', 'ok', 'none learned (sdocker learn IMAGE writes one)');
  const count = readdirSync(dir).filter((name) => name.endsWith('.yml')).length;
  const where = shortFile(dir, env);
  return check('image profiles', 'ok', count === 0 ? `none learned (${where} is empty)` : `${count} learned in ${where}, in effect before sdocker's own`);
}

function projectCheck(file: string, env: NodeJS.ProcessEnv, loaded: LoadedPolicy | undefined): Check {
  const state = trustState(file, readFileSync(file, 'utf8'), env);
  if (state === 'trusted') return check('project config', 'ok', `${file}: trusted, in effect`);
  const ignored = loaded?.layers.find((l) => l.kind === 'project config')?.ignored ?? [];
  const why = untrustedWords(state);
  if (ignored.length === 0) return check('project config', 'ok', `${file}: ${why}; it only tightens, so it applies whole`);
  return check('project config', 'warn', `${file}: ${why}: ${ignored.map((k) => `'${k}'`).join(', ')} ignored (loosening); review it, then run 'sdocker trust ${file}'`);
}

/** docker compose (the plugin) and docker-compose, as sdocker compose looks for them (compose/endpoint.ts). */
export async function composeCheck(deps: Deps, globals: readonly Item[]): Promise<Check> {
  const { capture } = await import('../common/exec.js');
  const ask = (file: string, args: string[]) => capture(file, args).then((r) => (r.exitCode === 0 ? r.stdout.trim().split('\n')[0] : undefined)).catch(() => undefined);
  const [plugin, standalone] = await Promise.all([ask(deps.docker, [...globals.flatMap((i) => i.words), 'compose', 'version', '--short']), ask('docker-compose', ['version', '--short'])]);
  const found = [...(plugin === undefined ? [] : [`docker compose ${plugin}`]), ...(standalone === undefined ? [] : [`docker-compose ${standalone}`])];
  if (found.length === 0) return check('compose', 'warn', "neither 'docker compose' nor 'docker-compose' answers: sdocker compose cannot run (harden works without it); install Docker Compose");
  return check('compose', 'ok', `${found.join(', ')}; sdocker compose uses ${plugin === undefined ? 'docker-compose' : 'docker compose'}`);
}

const RC_FILES = ['.bashrc', '.bash_profile', '.profile', '.zshrc', '.config/fish/config.fish'];

/**
 * Whether `docker run` is routed through sdocker cannot be seen from here: a shell function
 * lives in the shell, not in the environment a child process gets. What can be seen is a
 * start-up file that evaluates `sdocker shell-init`; the real test is `type docker` in the shell.
 */
export function shellCheck(env: NodeJS.ProcessEnv): Check {
  const home = env['HOME'];
  // Said every time: this check reads files, not the shell the user types in.
  const how = "check in your shell: 'type docker' says 'docker is a function' when it is routed";
  const files = home === undefined ? [] : RC_FILES.map((f) => join(home, f)).filter((f) => existsSync(f) && /sdocker shell-init/.test(readFileSync(f, 'utf8')));
  if (files.length > 0) return check('shell', 'ok', `${files.map((f) => shortFile(f, env)).join(', ')} ${files.length === 1 ? 'runs' : 'run'} sdocker shell-init; ${how}`);
  return check('shell', 'warn', `no ~/.bashrc, ~/.zshrc or config.fish runs sdocker shell-init: a plain 'docker run' is not hardened (add eval "$(sdocker shell-init bash)"); ${how}`);
}
