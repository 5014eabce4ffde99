// A service joins the host's network namespace without `network_mode: host` when one of its
// networks is named `host`: `networks: [hn]` with `hn: {external: true, name: host}`, or the
// implicit `default` network named so. Measured (docker 28.2 client, engine 20.10): docker stack
// deploy starts such a task with NetworkMode host (docker/cli cli/command/stack/swarm/
// deploy_composefile.go validateExternalNetworks skips names that are not user-defined, so
// `host` is attached as is); docker-compose 1.29 creates the container with NetworkMode host.
import type { Place, Setting } from './setting.js';
import type { ComposeProject, Written } from './project.js';
import { Unresolved } from './interpolate.js';

/** The engine's name of a top-level network: `name`, v3's `external: {name}`, else the key when external. */
function engineName(key: string, definition: unknown): unknown {
  const def = (definition !== null && typeof definition === 'object' ? definition : {}) as { name?: unknown; external?: unknown };
  const external = def.external;
  if (external !== null && typeof external === 'object' && (external as { name?: unknown }).name !== undefined) return (external as { name?: unknown }).name;
  if (def.name !== undefined) return def.name;
  return external !== undefined && external !== false && external !== 'false' ? key : undefined;
}

/** The network keys a `networks:` value names (a list of names, or a mapping keyed by them). */
function keysOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return Object.keys(value);
  return [];
}

/** `--network host` for each network of the service that is the host's, placed where the file names it. */
export function hostNetworkSettings(project: ComposeProject, name: string, networks: readonly Written[], hasMode: boolean, place: (w: Written) => Place): Setting[] {
  const isHost = (key: string): boolean => {
    const engine = engineName(key, project.networks[key]);
    return !(engine instanceof Unresolved) && engine === 'host';
  };
  const settings: Setting[] = networks.flatMap((w) =>
    keysOf(w.value)
      .filter(isHost)
      .map((key) => ({ ...place(w), flag: 'network', value: 'host', shown: `networks: ${key} (network ${key} is named host)` })),
  );
  // No networks and no network_mode: compose and stack deploy attach the service to `default`.
  if (networks.length === 0 && !hasMode && isHost('default')) {
    settings.push({ path: ['services', name], origin: undefined, flag: 'network', value: 'host', shown: 'networks: default (network default is named host)' });
  }
  return settings;
}
