// harden --target swarm: the defaults written in the form `docker stack deploy` carries to a task
// (measured with docker 28.2.2 on engine 20.10, single-node swarm; docs/swarm.md).
// - Scratch space: a stack drops `tmpfs:` without a word, and a `type: tmpfs` mount is root 0755
//   whatever `mode` says; a top-level `local` volume with driver_opts type=tmpfs mounts a tmpfs
//   with the run user's uid/gid and sdocker's options (noexec,nosuid,nodev,size) on a swarm and
//   under docker-compose 1.29 alike. One volume per service and path; the replicas of a service
//   on one node share it (a named volume is one per node), a tmpfs is gone when the last unmounts.
// - Restart: `restart:` is on docker/cli's unsupported list (types.UnsupportedProperties);
//   deploy.restart_policy is read by a swarm and by docker-compose 1.29 (measured: on-failure:5).
// - Limits: deploy.resources.limits only (swarm-limits.ts).
// Everything else is written as for compose; what a swarm drops is reported (swarm-findings.ts).
import type { InjectId } from '../../policy/rules.js';
import { append, missingScratch, set, type ComposeInject } from '../keys/inject.js';
import { swarmLimits } from './swarm-limits.js';
import type { ServiceView } from '../keys/types.js';
import { ownTmpfsEdits } from '../keys/user.js';

export interface ScratchVolume {
  readonly driver: 'local';
  readonly driver_opts: { readonly type: 'tmpfs'; readonly device: 'tmpfs'; readonly o?: string };
}

/** `sd-tmpfs-SERVICE-PATH`, the path's slashes as dashes (a stack prefixes it with the stack's name). */
export function scratchName(service: string, path: string): string {
  const slug = path.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9_.-]+/g, '-') || 'root';
  return `sd-tmpfs-${service}-${slug}`;
}

/** docker run's --restart value as a swarm restart policy (on-failure:5 -> on-failure, 5 attempts). */
export function restartPolicy(value: string): { condition: string; max_attempts?: number } | undefined {
  const [name = '', count] = value.split(':');
  if (name === 'no') return { condition: 'none' };
  if (name === 'always' || name === 'unless-stopped') return { condition: 'any' };
  if (name !== 'on-failure') return undefined;
  return count === undefined || count === '' ? { condition: 'on-failure' } : { condition: 'on-failure', max_attempts: Number(count) };
}

function mapping(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * The swarm's own injections. `volumes`: the top-level volumes the file has (names taken) and,
 * filled in here, those to add.
 */
export function swarmInjects(version: unknown, existing: Readonly<Record<string, unknown>>, volumes: Record<string, ScratchVolume>): Partial<Record<InjectId, ComposeInject>> {
  const limits = (s: ServiceView): ReturnType<typeof swarmLimits> => swarmLimits(s, version);
  return {
    tmpfs: (s, out) => {
      // Kept for compose; a swarm drops the file's own tmpfs entries (reported, not rewritten).
      ownTmpfsEdits(s, out);
      for (const { path, value } of missingScratch(s)) {
        const name = scratchName(s.name, path);
        const options = value.slice(path.length + 1);
        if (existing[name] === undefined) volumes[name] = { driver: 'local', driver_opts: { type: 'tmpfs', device: 'tmpfs', ...(options === '' ? {} : { o: options }) } };
        append(out, 'tmpfs', s, 'volumes', { type: 'volume', source: name, target: path }, `volumes: ${name} at ${path} (a local tmpfs volume: a swarm drops tmpfs:)`);
      }
    },
    memory: (s, out) => out.push(...limits(s).edits.filter((e) => e.rule === 'memory')),
    cpus: (s, out) => out.push(...limits(s).edits.filter((e) => e.rule === 'cpus')),
    'pids-limit': (s, out) => out.push(...limits(s).edits.filter((e) => e.rule === 'pids-limit')),
    restart: (s, out) => {
      if (mapping(s.data['deploy'])?.['restart_policy'] !== undefined) return;
      const policy = restartPolicy(s.policy.restart);
      if (policy === undefined) return;
      const shown = Object.entries(policy).map(([k, v]) => `${k}: ${String(v)}`).join(', ');
      set(out, 'restart', s, ['deploy', 'restart_policy'], policy, `deploy.restart_policy: {${shown}}`);
    },
  };
}
