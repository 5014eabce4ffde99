// What the container checks need besides the snapshot: the policy's path and capability lists
// (the same ones `sdocker run` refuses with) and a view of the engine's host files. A local
// engine's bind sources can be stat'ed and resolved; a remote engine's name another host's
// files, so they are only normalised and judged by name (as `run` does for -H tcp://).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { socketHostFacts } from '../../planner/facts.js';
import type { HostFacts } from '../../policy/context.js';
import { loadPolicy, type LoadRequest } from '../../policy/load.js';
import { mergeLayers } from '../../policy/merge.js';
import { validateLayer, type Policy } from '../../policy/schema.js';
import { PROFILES_DIR } from '../../common/paths.js';
import { parseYamlData } from '../../yaml/index.js';
import type { Snapshot } from '../types.js';

export type AuditLists = Pick<Policy, 'secretPaths' | 'sensitivePaths'> & { readonly dangerousCaps: readonly string[] };

export interface ContainerAuditEnv {
  readonly lists: AuditLists;
  readonly host: HostFacts;
  /**
   * Judge what the container asks for, not what this host makes of it (sdocker's judge of a
   * container it just made, src/judge/): apparmor=unconfined, label=disable and --userns host
   * warn also where the engine has no AppArmor, SELinux or remapping (sdocker run refuses them
   * as written), and the host's cgroup namespace warns wherever the engine could have given a
   * private one (`cgroupnsPrivate`: API >= 1.41).
   */
  readonly asAsked?: { readonly cgroupnsPrivate: boolean };
}

/** The env from the user's policy (user config and trusted project file merged, as `run` reads it). */
export async function loadContainerEnv(s: Snapshot, request: Pick<LoadRequest, 'env' | 'cwd'>): Promise<ContainerAuditEnv> {
  const { policy } = await loadPolicy({ profile: 'default', env: request.env, cwd: request.cwd, cliAllow: [] });
  return { lists: listsOf(policy, s), host: auditHost(s) };
}

/** The env from sdocker's built-in default profile alone, read synchronously. */
export function defaultContainerEnv(s: Snapshot): ContainerAuditEnv {
  const file = join(PROFILES_DIR, 'default.yml');
  const policy = mergeLayers([validateLayer(parseYamlData(readFileSync(file, 'utf8'), file), file)]) as unknown as Policy;
  return { lists: listsOf(policy, s), host: auditHost(s) };
}

/** The engine's data root is secret wherever it is (docker info DockerRootDir), as refusals.ts adds it. */
function listsOf(policy: Policy, s: Snapshot): AuditLists {
  const root = s.engine.info['DockerRootDir'];
  const secretPaths = typeof root === 'string' && root !== '' ? [...new Set([...policy.secretPaths, root])] : policy.secretPaths;
  return { secretPaths, sensitivePaths: policy.sensitivePaths, dangerousCaps: policy.capabilities.dangerous };
}

export function auditHost(s: Snapshot): HostFacts {
  if (!s.engine.local) return socketHostFacts(undefined);
  return socketHostFacts(s.engine.endpoint.startsWith('unix://') ? s.engine.endpoint.slice('unix://'.length) : '/var/run/docker.sock');
}
