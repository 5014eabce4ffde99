// How the settle window reads containers while it waits: through the engine's socket when it is
// on this host (a poll costs ~1 ms there), else through the docker CLI with the user's global
// flags (a remote or TLS endpoint: one process a question, so it is asked less often).
import { SocketEngine } from '../engine/api.js';
import { isEngineClient } from '../engine/choose.js';
import type { Engine } from '../engine/engine.js';
import type { RawInspect } from '../engine/containers.js';

export interface Inspector {
  /** The engine's socket on this host, when the streaming API can be used. */
  readonly socketPath: string | undefined;
  /** Milliseconds between two looks at the same containers. */
  readonly pollMs: number;
  inspect(ref: string): Promise<RawInspect | undefined>;
  /** Ids of the containers (stopped ones too) carrying every `key=value` label given. */
  list(labels: readonly string[]): Promise<string[]>;
}

/** undefined for an engine sdocker does not reach itself (a stand-in of the tests' argument-building fakes): nothing is watched. */
export function inspectorFor(engine: Engine, docker: string, globals: readonly string[]): Inspector | undefined {
  if (!isEngineClient(engine)) return undefined;
  return engine instanceof SocketEngine ? socketInspector(engine) : cliInspector(docker, globals);
}

function socketInspector(engine: SocketEngine): Inspector {
  return {
    socketPath: engine.socketPath,
    pollMs: 200,
    inspect: (ref) => engine.getJson<RawInspect>(`/containers/${encodeURIComponent(ref)}/json`),
    list: async (labels) => {
      const filters = encodeURIComponent(JSON.stringify({ label: labels }));
      return ((await engine.getJson<{ Id: string }[]>(`/containers/json?all=1&filters=${filters}`)) ?? []).map((c) => c.Id);
    },
  };
}

function cliInspector(docker: string, globals: readonly string[]): Inspector {
  const call = async (...args: string[]) => (await import('../common/exec.js')).capture(docker, [...globals, ...args]);
  return {
    socketPath: undefined,
    pollMs: 1000,
    inspect: async (ref) => {
      const result = await call('container', 'inspect', ref);
      return result.exitCode === 0 ? (JSON.parse(result.stdout) as RawInspect[])[0] : undefined;
    },
    list: async (labels) => {
      const result = await call('ps', '-a', '--no-trunc', '--quiet', ...labels.flatMap((label) => ['--filter', `label=${label}`]));
      return result.exitCode === 0 ? result.stdout.split('\n').filter((id) => id !== '') : [];
    },
  };
}
