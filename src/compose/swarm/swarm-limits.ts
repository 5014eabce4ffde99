// Memory, CPU and process limits for a swarm (harden --target swarm). docker stack deploy reads
// limits only from deploy.resources.limits, and refuses the whole file for mem_limit,
// memswap_limit, mem_reservation, cpus or pids_limit beside the service (measured with docker
// 28.2.2: "unsupported options: mem_limit: Set resource limits using deploy.resources", and from
// its schema, cli/compose/schema/data/config_schema_v3.*.json: "Additional property pids_limit is
// not allowed"). There `cpus` is a string and
// `pids` an integer; pids is in the schema from version 3.9 on, and docker 23+ reads a file
// without `version` as the newest 3.x. docker-compose 1.29 reads limits.memory and limits.cpus
// too, but rejects limits.pids (docs/swarm.md).
import { parseBytes, parseCpus } from '../../docker/units.js';
import type { Path } from '../../yaml/index.js';
import { CFS_KEYS, LIMITS, Plan, parseCount, profileOrReservation, resources, text, type LimitNote, type LimitRule, type Parse } from '../keys/limits.js';
import type { ServiceEdit, ServiceView } from '../keys/types.js';

export interface SwarmLimitPlan {
  readonly edits: ServiceEdit[];
  /** Looser than the profile, or refused by docker stack deploy: warnings. */
  readonly notes: LimitNote[];
  /** What a swarm cannot enforce: findings that fail --check. */
  readonly unenforced: LimitNote[];
}

interface Kind {
  readonly rule: LimitRule;
  /** The key beside the service that compose reads and a stack file refuses. */
  readonly key: string;
  readonly deployKey: string;
  readonly profile: string;
  readonly parse: Parse;
  /** As the stack schema types it. */
  readonly typed: (value: unknown) => unknown;
}

const STACK_REFUSES = ['memswap_limit', 'mem_reservation'];

/** The service's limit for a swarm, in deploy.resources.limits; the value in force afterwards. */
function swarmLimit(s: ServiceView, kind: Kind, plan: Plan): unknown {
  const deploy = resources(s, 'limits')?.[kind.deployKey];
  const top = s.data[kind.key];
  const path: Path = [...LIMITS, kind.deployKey];
  if (top !== undefined) {
    plan.warn([kind.key], `docker stack deploy refuses the file for ${kind.key} beside the service; remove it: ${path.join('.')} ${text(deploy ?? top)} carries the limit`);
  }
  const given = deploy ?? top;
  if (given !== undefined) {
    plan.looser(deploy === undefined ? [kind.key] : path, given, kind.profile, kind.parse);
    if (deploy === undefined) plan.set(path, kind.typed(top));
    return given;
  }
  if (kind.profile === '' || (kind.rule === 'cpus' && CFS_KEYS.some((key) => s.data[key] !== undefined))) return undefined;
  const reservation: [Path, unknown] = [['deploy', 'resources', 'reservations', kind.deployKey], resources(s, 'reservations')?.[kind.deployKey]];
  const limit = profileOrReservation(plan, kind.profile, reservation, kind.rule === 'memory' ? 'memory' : 'CPU', kind.parse);
  plan.set(path, kind.typed(limit));
  return limit;
}

/** Whether the file's `version` lets a stack file carry deploy.resources.limits.pids (schema 3.9 on). */
export function stackTakesPids(version: unknown): boolean {
  if (version === undefined || version === null) return true;
  const match = /^3(?:\.(\d+))?$/.exec(String(version).trim());
  return match !== null && (match[1] === undefined || Number(match[1]) >= 9);
}

function pidsLimit(s: ServiceView, version: unknown, plan: Plan, unenforced: LimitNote[]): void {
  const profile = s.policy.limits.pids;
  const deploy = resources(s, 'limits')?.['pids'];
  const given = deploy ?? s.data['pids_limit'];
  if (given !== undefined && Number(given) <= 0) {
    plan.warn(deploy === undefined ? ['pids_limit'] : [...LIMITS, 'pids'], `pids limit ${text(given)} leaves the number of processes unlimited`);
    if (s.data['pids_limit'] !== undefined) plan.warn(['pids_limit'], 'docker stack deploy refuses the file for pids_limit beside the service; remove it');
    return;
  }
  if (given === undefined && profile > 0 && !stackTakesPids(version)) {
    const message = `no pids limit on a swarm: the stack schema of version ${text(version)} rejects deploy.resources.limits.pids (schema 3.9 on takes it); write version: "3.9" or later, or no version (docker 23+ reads the newest)`;
    unenforced.push({ rule: 'pids-limit', path: [], message });
    return;
  }
  if (given === undefined && profile <= 0) return;
  swarmLimit(s, { rule: 'pids-limit', key: 'pids_limit', deployKey: 'pids', profile: String(profile), parse: parseCount, typed: Number }, plan);
}

export function swarmLimits(s: ServiceView, version: unknown): SwarmLimitPlan {
  const memory = new Plan(s, 'memory');
  const cpus = new Plan(s, 'cpus');
  const pids = new Plan(s, 'pids-limit');
  const unenforced: LimitNote[] = [];
  const limit = swarmLimit(s, { rule: 'memory', key: 'mem_limit', deployKey: 'memory', profile: s.policy.limits.memory, parse: parseBytes, typed: text }, memory);
  for (const key of STACK_REFUSES.filter((k) => s.data[k] !== undefined)) {
    memory.warn([key], `docker stack deploy refuses the file for ${key}; remove it (a swarm sets no swap limit from a stack file)`);
  }
  if (limit !== undefined) {
    // Measured on engine 20.10: a task limited to 512m gets MemorySwap 1g.
    unenforced.push({ rule: 'memory', path: [...LIMITS, 'memory'], message: 'a swarm gives each task as much swap again as its memory limit (no swap limit in a stack file; engine API 1.52, Docker 29, takes one from docker service create --memory-swap only)' });
  }
  swarmLimit(s, { rule: 'cpus', key: 'cpus', deployKey: 'cpus', profile: s.policy.limits.cpus, parse: parseCpus, typed: text }, cpus);
  pidsLimit(s, version, pids, unenforced);
  return { edits: [...memory.edits, ...cpus.edits, ...pids.edits], notes: [...memory.notes, ...cpus.notes, ...pids.notes], unenforced };
}
