// Which engine a command talks to, decided as the docker CLI decides it (cli/context/docker,
// cli/command/cli.go resolveContextName): -H/--context/--tls* flags, then DOCKER_HOST, then
// DOCKER_CONTEXT, then the config file's currentContext, then the default socket.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Item } from '../docker/parse.js';
import { SocketEngine } from './api.js';
import { CliEngine } from './cli.js';
import type { Engine } from './engine.js';

const DEFAULT_SOCKET = '/var/run/docker.sock';
const ENDPOINT_FLAGS = new Set(['host', 'context', 'config', 'tls', 'tlsverify', 'tlscacert', 'tlscert', 'tlskey']);

export function chooseEngine(globals: readonly Item[], env: NodeJS.ProcessEnv, docker: string): Engine {
  const words = globals.flatMap((item) => item.words);
  const viaCli = (): Engine => new CliEngine(docker, words);
  if (globals.some((item) => item.opts.some((opt) => ENDPOINT_FLAGS.has(opt.spec.long)))) return viaCli();
  const host = env['DOCKER_HOST'];
  if (host !== undefined && host !== '') return host.startsWith('unix://') ? new SocketEngine(host.slice('unix://'.length)) : viaCli();
  if (env['DOCKER_TLS_VERIFY'] || (env['DOCKER_CONTEXT'] && env['DOCKER_CONTEXT'] !== 'default')) return viaCli();
  const current = currentContext(env);
  if (current !== undefined && current !== 'default') return viaCli();
  return new SocketEngine(DEFAULT_SOCKET);
}

function currentContext(env: NodeJS.ProcessEnv): string | undefined {
  const file = join(env['DOCKER_CONFIG'] || join(env['HOME'] ?? '/', '.docker'), 'config.json');
  if (!existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { currentContext?: string }).currentContext;
  } catch {
    return undefined;
  }
}
