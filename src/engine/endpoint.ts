// Which engine `docker [globals] …` talks to, decided as docker 28's CLI decides it, without
// starting docker: the context name (cli/command/cli.go resolveContextName: --context, then -H,
// DOCKER_HOST, DOCKER_CONTEXT, config.json's currentContext, else `default`), then that
// context's host (the `default` context: -H or DOCKER_HOST through opts/hosts.go ParseHost;
// another: the context store). A unix socket is on this host, so sdocker can look at the
// host's files as the engine will; tcp://, ssh://, npipe:// and fd:// engines are elsewhere.
import { resolve } from 'node:path';
import type { Item } from '../docker/parse.js';
import { parseBool } from '../docker/parse.js';
import { configDir, currentContext, storedHost } from './context-store.js';

export type Endpoint =
  /** An engine on this host. `tls`: TLS is on for it (docker ignores TLS on a socket, but loads its files first). */
  | { readonly kind: 'socket'; readonly path: string; readonly tls: boolean }
  /** An engine elsewhere: this host's files are not the ones it mounts. */
  | { readonly kind: 'remote'; readonly host: string }
  /** docker stops before talking to any engine: why. */
  | { readonly kind: 'failing'; readonly reason: string };

const DEFAULT_HOST = 'unix:///var/run/docker.sock';
/** ParseHost's default when TLS is on and no host is given (opts/hosts.go defaultTLSHost). */
const DEFAULT_TLS_HOST = 'tcp://localhost:2376';
/** Go's unicode.IsSpace, which strings.TrimSpace trims (JS trim also trims U+FEFF, but not U+0085). */
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const GO_TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g');

export function resolveEndpoint(globals: readonly Item[], env: NodeJS.ProcessEnv, cwd: string): Endpoint {
  const opts = globals.flatMap((item) => item.opts);
  const values = (long: string): string[] => opts.filter((opt) => opt.spec.long === long).map((opt) => opt.value);
  const hosts = values('host');
  const context = values('context').at(-1) ?? '';
  if (context !== '' && hosts.length > 0) return failing('conflicting options: cannot specify both --host and --context');
  const dir = configDir(values('config').at(-1), env, cwd);
  const name = contextName(context, hosts, env, dir);
  if (name !== 'default') {
    const stored = storedHost(dir, name);
    return 'failing' in stored ? failing(stored.failing) : storedEndpoint(stored.host, cwd);
  }
  if (hosts.length > 1) return failing('specify only one -H');
  const tls = tlsOn(values, env);
  const written = hosts[0] ?? env['DOCKER_HOST'] ?? '';
  const host = parseHost(tls, written);
  return host === undefined ? failing(`invalid bind address format: ${written}`) : classify(host, tls, cwd);
}

function contextName(context: string, hosts: readonly string[], env: NodeJS.ProcessEnv, dir: string): string {
  if (context !== '') return context;
  if (hosts.length > 0 || (env['DOCKER_HOST'] ?? '') !== '') return 'default';
  const fromEnv = env['DOCKER_CONTEXT'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return currentContext(dir) || 'default';
}

/** cli/flags/options.go SetDefaultOptions: --tlsverify given with any value, DOCKER_TLS_VERIFY, or --tls (default: DOCKER_TLS). */
function tlsOn(values: (long: string) => string[], env: NodeJS.ProcessEnv): boolean {
  if (values('tlsverify').length > 0 || (env['DOCKER_TLS_VERIFY'] ?? '') !== '') return true;
  const tls = values('tls').at(-1);
  return tls === undefined ? (env['DOCKER_TLS'] ?? '') !== '' : parseBool(tls) === true;
}

/** opts/hosts.go ParseHost for the default context; undefined where docker rejects the address. */
function parseHost(tls: boolean, value: string): string | undefined {
  const host = value.replace(GO_TRIM, '');
  if (host === '') return tls ? DEFAULT_TLS_HOST : DEFAULT_HOST;
  const cut = host.indexOf('://');
  // No scheme is TCP: `-H /var/run/docker.sock` dials tcp://localhost:2375/var/run/docker.sock (measured).
  if (cut === -1) return `tcp://${host}`;
  const proto = host.slice(0, cut);
  if (proto === 'unix') {
    // parseSimpleProtoAddr trims one more `unix://` and falls back to the default socket.
    const path = host.slice(cut + 3).replace(/^unix:\/\//, '');
    if (path.includes('://')) return undefined;
    return path === '' ? DEFAULT_HOST : `unix://${path}`;
  }
  return ['tcp', 'npipe', 'fd', 'ssh'].includes(proto) ? host : undefined;
}

/** A stored context's host goes to the API client as is (client.ParseHostURL); empty: the client's default socket. */
function storedEndpoint(host: string, cwd: string): Endpoint {
  if (host === '') return classify(DEFAULT_HOST, false, cwd);
  const cut = host.indexOf('://');
  if (cut === -1 || cut + 3 === host.length) return failing(`unable to parse docker host ${JSON.stringify(host)}`);
  return classify(host, false, cwd);
}

function classify(host: string, tls: boolean, cwd: string): Endpoint {
  // The API client dials a unix host's path as written; a relative one from docker's working folder.
  if (host.startsWith('unix://')) return { kind: 'socket', path: resolve(cwd, host.slice('unix://'.length)), tls };
  return { kind: 'remote', host };
}

function failing(reason: string): Endpoint {
  return { kind: 'failing', reason };
}
