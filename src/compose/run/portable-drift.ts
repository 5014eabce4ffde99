// `sdocker compose` runs a file hardened to travel with the seccomp profile copy the project
// carries (.sdocker/seccomp/, portable.ts). That copy is the repository's, written by whoever
// committed it: one weakened without being allow-all (defaultAction still SCMP_ACT_ERRNO, but
// mount, unshare or ptrace allowed) passes the seccomp refusal, which judges the default action
// only (policy/seccomp-file.ts). Measured (docker-compose 1.29): with `unshare` added to the
// copy, `unshare -U` works in the container; with the policy's profile it is EPERM. A project may
// mean a profile of its own, so it still runs; a copy that differs from the policy's is said.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseYamlData } from '../../yaml/index.js';
import { portableRef, seccompPaths } from '../edit/portable.js';

/**
 * One warning when a service of `model` (its seccomp paths absolute, portable.ts absoluteSeccomp)
 * names the project's copy of `policyProfile` and that copy differs from it.
 */
export function copyDrift(model: string, projectDir: string, policyProfile: string, shownFile: string): string | undefined {
  if (policyProfile === '') return undefined;
  const ref = portableRef(policyProfile);
  const copy = resolve(projectDir, ref);
  const services = ((parseYamlData(model, 'compose config') as { services?: unknown } | null)?.services ?? {}) as Record<string, { security_opt?: unknown } | null>;
  const named = Object.values(services).some((service) => seccompPaths(service?.security_opt).some((path) => resolve(projectDir, path) === copy));
  if (!named || !existsSync(copy) || readFileSync(copy).equals(readFileSync(policyProfile))) return undefined;
  return `sdocker: the seccomp profile ${ref} differs from the policy's profile: the containers run under the project's copy; review it, or restore the policy's: sdocker harden --write ${shownFile}`;
}
