// Which engine a command talks to: the endpoint docker itself would use (endpoint.ts). An
// engine on a unix socket of this host is asked through that socket, and its socket path tells
// the host checks (facts.ts hostFacts) that the host's files are the engine's: symlinks are
// resolved and path kinds looked at, whatever flag or context named the socket. Its /info
// answer is cached per engine instance (cache/engine-info.ts); remote engines are always asked.
import type { Item } from '../docker/parse.js';
import { cacheEngineInfo } from './engine-info-cache.js';
import { SocketEngine } from './api.js';
import { CliEngine } from './cli.js';
import { resolveEndpoint } from './endpoint.js';
import type { Engine } from './engine.js';

export function chooseEngine(globals: readonly Item[], env: NodeJS.ProcessEnv, docker: string, cwd: string = process.cwd()): Engine {
  const endpoint = resolveEndpoint(globals, env, cwd);
  // docker skips TLS on a socket, but fails first when TLS is on and its files are missing: ask docker then.
  if (endpoint.kind === 'socket' && !endpoint.tls) return cacheEngineInfo(new SocketEngine(endpoint.path), endpoint.path, env);
  // Remote, or a setting docker rejects (its own error message then comes from the first question).
  return new CliEngine(docker, globals.flatMap((item) => item.words), endpoint.kind === 'socket' ? endpoint.path : undefined);
}

/** One of sdocker's own engine clients (not a stand-in the argument-building tests pass): what runs on it can be watched and prepared. */
export function isEngineClient(engine: Engine): engine is SocketEngine | CliEngine {
  return engine instanceof SocketEngine || engine instanceof CliEngine;
}
