// What doctor asks the engine: its version, its security options, and sdocker's network, the
// way sdocker's other commands reach it (engine/choose.ts): the API over a local unix socket,
// else the docker CLI with docker's global flags (remote, TLS, contexts).
import type { Deps } from '../planner/deps.js';
import { reasonOf } from '../common/errors.js';
import type { Item } from '../docker/parse.js';
import { SocketEngine } from '../engine/api.js';
import { chooseEngine } from '../engine/choose.js';

export interface EngineVersion {
  readonly Version?: string;
  readonly ApiVersion?: string;
  readonly MinAPIVersion?: string;
}

export interface RawNetwork {
  readonly Labels?: Record<string, string> | null;
  readonly Options?: Record<string, string> | null;
}

export interface EngineProbe {
  readonly endpoint: string;
  /** The engine's socket is on this host: its kernel is the one apparmor.ts reads. */
  readonly local: boolean;
  /** Why the engine did not answer; the rest is then absent. */
  readonly error?: string;
  readonly version?: EngineVersion;
  readonly securityOptions?: readonly string[];
  /** sdocker's network: null when it does not exist. */
  readonly network?: RawNetwork | null;
}

export async function probeEngine(deps: Deps, globals: readonly Item[], networkName: string): Promise<EngineProbe> {
  const engine = chooseEngine(globals, deps.env, deps.docker, deps.cwd);
  const base = { endpoint: engine.endpoint, local: engine.socketPath !== undefined };
  try {
    const ask = engine instanceof SocketEngine ? socketAsk(engine) : await cliAsk(deps.docker, globals.flatMap((item) => item.words));
    const version = await ask.version();
    const [info, network] = await Promise.all([ask.info(), networkName === '' ? Promise.resolve(null) : ask.network(networkName)]);
    return { ...base, version, securityOptions: info.SecurityOptions ?? [], network };
  } catch (error) {
    return { ...base, error: reasonOf(error) };
  }
}

interface Ask {
  version(): Promise<EngineVersion>;
  info(): Promise<{ SecurityOptions?: string[] | null }>;
  network(name: string): Promise<RawNetwork | null>;
}

function socketAsk(engine: SocketEngine): Ask {
  return {
    version: async () => (await engine.getJson<EngineVersion>('/version')) ?? {},
    info: async () => (await engine.getJson<{ SecurityOptions?: string[] | null }>('/info')) ?? {},
    network: async (name) => {
      const body = await engine.getJson<RawNetwork & { Name?: string }>(`/networks/${encodeURIComponent(name)}`);
      // The API also answers for a network whose ID starts with the name: only the exact name counts.
      return body === undefined || body.Name !== name ? null : body;
    },
  };
}

async function cliAsk(docker: string, globals: readonly string[]): Promise<Ask> {
  const { capture } = await import('../common/exec.js');
  const json = async <T>(args: readonly string[], missing?: RegExp): Promise<T | null> => {
    const result = await capture(docker, [...globals, ...args]);
    if (result.exitCode === 0) return JSON.parse(result.stdout) as T;
    if (missing?.test(result.stderr) === true) return null;
    throw new Error(result.stderr.split('\n')[0] || `docker ${args[0] ?? ''} exited with ${result.exitCode}`);
  };
  return {
    version: async () => (await json<EngineVersion>(['version', '--format', '{{json .Server}}'])) ?? {},
    info: async () => (await json<{ SecurityOptions?: string[] | null }>(['system', 'info', '--format', '{"SecurityOptions":{{json .SecurityOptions}}}'])) ?? {},
    network: (name) => json<RawNetwork>(['network', 'inspect', '--format', '{"Labels":{{json .Labels}},"Options":{{json .Options}}}', name], /not found|no such network/i),
  };
}
