// Which compose runs, and how it reaches the engine that docker's global flags name
// (`docker --context X compose up` through the shell function). The plugin (`docker compose`)
// reads docker's global flags itself, so they stay before `compose`. A `docker-compose` binary
// gets the same endpoint in its own words: v1 1.29 has -H, --context, --tls* (its --help), and
// reads DOCKER_CONFIG; a standalone v2 moves the same flags before `compose`
// (cmd/compatibility/convert.go). What cannot be carried is refused, never dropped.
import type { Deps } from '../../planner/deps.js';
import { parseBool, type Item, type Opt } from '../../docker/parse.js';
import { SdockerError, EXIT_USAGE } from '../../common/errors.js';
import type { Flavor } from './flags.js';

export interface ComposeCommand {
  readonly flavor: Flavor;
  readonly file: string;
  /** Words before compose's own arguments: docker's globals and `compose`, or the carried endpoint. */
  readonly prefix: readonly string[];
  /** The environment compose runs with, where it differs from sdocker's (DOCKER_CONFIG). */
  readonly env: NodeJS.ProcessEnv | undefined;
  /** How the user calls it, for messages. */
  readonly name: string;
}

/**
 * `docker [globals] compose` where the plugin answers, else docker-compose (v1 or a standalone
 * v2). SDOCKER_COMPOSE=docker-compose (shell-init's docker-compose function) asks for the latter.
 */
export async function findCompose(deps: Deps, globals: readonly Item[]): Promise<ComposeCommand> {
  const { capture } = await import('../../common/exec.js');
  const words = globals.flatMap((item) => item.words);
  const wanted = deps.env['SDOCKER_COMPOSE'];
  if (wanted !== undefined && wanted !== '' && wanted !== 'docker-compose') throw new SdockerError(`sdocker: SDOCKER_COMPOSE names the compose to run: 'docker-compose' or unset (the plugin where docker has it), not '${wanted}'`, EXIT_USAGE);
  const plugin = wanted === 'docker-compose' ? undefined : await capture(deps.docker, [...words, 'compose', 'version']).catch(() => undefined);
  if (plugin?.exitCode === 0) return { flavor: 'plugin', file: deps.docker, prefix: [...words, 'compose'], env: undefined, name: 'docker compose' };
  const standalone = await capture('docker-compose', ['version', '--short']).catch(() => undefined);
  if (standalone === undefined || standalone.exitCode !== 0) {
    throw new SdockerError("sdocker: neither 'docker compose' nor 'docker-compose' answers; install Docker Compose", 127);
  }
  const flavor: Flavor = /^v?1\./.test(standalone.stdout.trim()) ? 'v1' : 'standalone';
  const carried = carryGlobals(globals, flavor, deps.env);
  return { flavor, file: 'docker-compose', prefix: carried.args, env: carried.env, name: 'docker-compose' };
}

/** docker's -l levels (logrus ParseLevel) as v1's --log-level names them (compose/cli/main.py). */
const V1_LEVELS: Readonly<Record<string, string>> = { trace: 'DEBUG', debug: 'DEBUG', info: 'INFO', warn: 'WARNING', warning: 'WARNING', error: 'ERROR', fatal: 'CRITICAL', panic: 'CRITICAL' };

/** docker's global options as docker-compose's own: its flags, and DOCKER_CONFIG for --config. */
export function carryGlobals(globals: readonly Item[], flavor: Exclude<Flavor, 'plugin'>, env: NodeJS.ProcessEnv): { args: string[]; env: NodeJS.ProcessEnv | undefined } {
  const args: string[] = [];
  let config: string | undefined;
  const opts = globals.flatMap((item) => item.opts);
  if (opts.filter((opt) => opt.spec.long === 'host').length > 1) throw cannotCarry('-H', 'docker-compose takes one host', 'give one -H');
  for (const opt of opts) {
    const long = opt.spec.long;
    if (long === 'host' || long === 'context' || long === 'tlscacert' || long === 'tlscert' || long === 'tlskey') args.push(long === 'host' ? '-H' : `--${long}`, opt.value);
    else if (long === 'config') config = opt.value;
    else if (long === 'tls' || long === 'tlsverify') args.push(...carryBool(opt, `--${long}`, env));
    else if (long === 'debug') args.push(...carryBool(opt, flavor === 'v1' ? '--verbose' : '--debug', env));
    else if (long === 'log-level') args.push('--log-level', flavor === 'v1' ? v1Level(opt.value) : opt.value);
    // --help and --version never reach compose: docker prints and exits (docker/invocation.ts).
    else if (long !== 'help' && long !== 'version') throw cannotCarry(`--${long}`, 'docker-compose has no such option', 'drop it');
  }
  return { args, env: config === undefined ? undefined : { ...env, DOCKER_CONFIG: config } };
}

function carryBool(opt: Opt, flag: string, env: NodeJS.ProcessEnv): string[] {
  const on = parseBool(opt.value);
  if (on === undefined) throw new SdockerError(`sdocker: invalid value "${opt.value}" for --${opt.spec.long}: a bool is true or false`, EXIT_USAGE);
  // docker's --tlsverify=false overrides DOCKER_TLS_VERIFY; docker-compose has no false form.
  if (!on && opt.spec.long === 'tlsverify' && env['DOCKER_TLS_VERIFY']) throw cannotCarry('--tlsverify=false', 'docker-compose would still verify (DOCKER_TLS_VERIFY is set)', 'unset DOCKER_TLS_VERIFY');
  return on ? [flag] : [];
}

function v1Level(level: string): string {
  const name = V1_LEVELS[level.toLowerCase()];
  if (name === undefined) throw new SdockerError(`sdocker: invalid log level "${level}": use debug, info, warn, error or fatal`, EXIT_USAGE);
  return name;
}

function cannotCarry(flag: string, why: string, fix: string): SdockerError {
  return new SdockerError(`sdocker: cannot carry docker's ${flag} to docker-compose: ${why}; ${fix}`);
}

/** Options that choose the engine (docker's globals and compose's own). */
const ENDPOINT_OPTS = new Set(['host', 'context', 'tls', 'tlsverify', 'tlscacert', 'tlscert', 'tlskey']);
/** The environment's choice of engine: the judging socket's -H replaces it. */
const ENDPOINT_ENV = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'];

/** The same compose, talking to `host` (sdocker's judging socket, src/judge/) instead of the engine the globals name. */
export function composeOn(compose: ComposeCommand, globals: readonly Item[], host: string, env: NodeJS.ProcessEnv): ComposeCommand {
  const kept = globals.map((item) => ({ words: [], opts: item.opts.filter((opt) => !ENDPOINT_OPTS.has(opt.spec.long)) }));
  const clean = Object.fromEntries(Object.entries(compose.env ?? env).filter(([key]) => !ENDPOINT_ENV.includes(key)));
  if (compose.flavor === 'plugin') {
    const words = kept.flatMap((item) => item.opts.map((opt) => `--${opt.spec.long}=${opt.value}`));
    return { ...compose, prefix: [...words, '-H', host, 'compose'], env: clean };
  }
  const carried = carryGlobals(kept, compose.flavor, clean);
  return { ...compose, prefix: [...carried.args, '-H', host], env: carried.env ?? clean };
}
