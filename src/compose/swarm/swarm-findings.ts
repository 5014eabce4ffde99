// What a swarm does not enforce of a service's hardening, said rather than dropped in silence
// (harden --target swarm). Each names the version that adds it, from moby api/docs/CHANGELOG.md
// and docker/cli (checked to v29.7.2):
// - security_opt: docker stack deploy drops it ("Ignoring unsupported options: security_opt",
//   cli/compose/types UnsupportedProperties; convert/service.go sets only CredentialSpec in
//   Privileges). Engine API 1.44 (Docker 25) takes Privileges.Seccomp and .NoNewPrivileges for a
//   service, but no docker CLI sends them. Measured: NoNewPrivs 0, the runtime's seccomp filter.
// - tmpfs: dropped without a word (measured); published ports: a swarm's PortConfig has no host
//   address, the CLI says "ignoring IP-address" and the port listens on every interface.
// - restart: unsupported; deploy.restart_policy is what a swarm reads.
import { parseSecurityOpt } from '../../docker/values.js';
import type { RuleId } from '../../policy/rules.js';
import type { Path } from '../../yaml/index.js';
import { restartPolicy } from './swarm.js';
import { swarmLimits } from './swarm-limits.js';
import { list, strings, type Finding, type ServiceView } from '../keys/types.js';

export interface SwarmNote {
  readonly rule: RuleId;
  /** Under the service. */
  readonly path: Path;
  readonly level: Finding['level'];
  readonly message: string;
}

const NO_CLI = 'no docker CLI sends it to a service (docker/cli to v29.7: stack deploy drops security_opt, service create has no flag)';

function securityNotes(s: ServiceView): SwarmNote[] {
  const opts = strings(s.data['security_opt']).map(parseSecurityOpt);
  const notes: SwarmNote[] = [];
  const nnp = opts.find((o) => o.key === 'no-new-privileges');
  if (s.policy.noNewPrivileges || (nnp !== undefined && nnp.value !== 'false')) {
    notes.push({ rule: 'no-new-privileges', path: ['security_opt'], level: 'unenforced', message: `a swarm does not apply no-new-privileges: engine API 1.44 (Docker 25) takes it for services, but ${NO_CLI}` });
  }
  const seccomp = opts.find((o) => o.key === 'seccomp');
  if ((s.seccompFile !== '' && seccomp === undefined) || (seccomp !== undefined && seccomp.value !== 'unconfined')) {
    notes.push({ rule: 'seccomp', path: ['security_opt'], level: 'unenforced', message: `a swarm runs the task under the engine's default seccomp profile, not this one: engine API 1.44 (Docker 25) takes a custom profile for services, but ${NO_CLI}` });
  }
  return notes;
}

function portNotes(s: ServiceView): SwarmNote[] {
  if (s.policy.ports.bindAddress === '') return [];
  return list((s.written ?? s.data)['ports']).map((port, i) => ({
    rule: 'loopback-ports',
    path: ['ports', i],
    level: 'unenforced',
    message: `a swarm publishes ${typeof port === 'object' ? JSON.stringify(port) : String(port)} on every interface of every node (docker stack deploy ignores a host address; no engine version binds a service port to one); leave it unpublished and reach it over the stack's network, or firewall it`,
  }));
}

function tmpfsNotes(s: ServiceView): SwarmNote[] {
  const value = (s.written ?? s.data)['tmpfs'];
  return strings(value).map((entry, i) => ({
    rule: 'tmpfs',
    path: Array.isArray(value) ? ['tmpfs', i] : ['tmpfs'],
    level: 'unenforced',
    message: `a swarm drops tmpfs ${entry} without a word (no docker CLI sends it; a stack's type: tmpfs mount is root 0755): mount a local volume with driver_opts type: tmpfs there instead, as sdocker does for its own paths`,
  }));
}

function restartNotes(s: ServiceView): SwarmNote[] {
  const notes: SwarmNote[] = [];
  if (s.data['restart'] !== undefined) notes.push({ rule: 'restart', path: ['restart'], level: 'note', message: 'a swarm ignores restart: (docker stack deploy: unsupported option); deploy.restart_policy is what it reads' });
  const own = (s.data['deploy'] as { restart_policy?: Record<string, unknown> } | undefined)?.restart_policy;
  if (own === undefined || own === null) return notes;
  const path = ['deploy', 'restart_policy'];
  const condition = String(own['condition'] ?? 'any');
  const attempts = own['max_attempts'] === undefined ? 0 : Number(own['max_attempts']);
  const bound = restartPolicy(s.policy.restart)?.max_attempts;
  if (condition !== 'none' && attempts === 0) notes.push({ rule: 'restart', path, level: 'warning', message: `restart_policy condition ${condition} without max_attempts restarts a failing task forever` });
  else if (bound !== undefined && attempts > bound) notes.push({ rule: 'restart', path, level: 'warning', message: `restart_policy max_attempts ${attempts} is above the profile's ${bound}` });
  return notes;
}

/** Networks the service joins that a swarm cannot attach a service to (measured: the stack creates the bridge network, then fails to create the service). */
function networkNotes(s: ServiceView, networks: Readonly<Record<string, unknown>>): SwarmNote[] {
  const joined = Array.isArray(s.data['networks']) ? s.data['networks'].map(String) : Object.keys((s.data['networks'] ?? {}) as object);
  return joined
    .filter((name) => ['bridge', 'host', 'macvlan', 'ipvlan'].includes(String((networks[name] as { driver?: unknown } | null)?.driver)) && (networks[name] as { external?: unknown }).external === undefined)
    .map((name) => ({ rule: 'network', path: ['networks'], level: 'warning', message: `network ${name} has a local driver: docker stack deploy creates it, then cannot attach the service (only swarm-scoped networks, such as overlay); leave driver out (a stack's default is overlay)` }));
}

/** Everything a swarm changes or drops of this service's hardening. */
export function swarmNotes(s: ServiceView, top: Readonly<Record<string, unknown>>): SwarmNote[] {
  const limits = swarmLimits(s, top['version']);
  return [
    ...securityNotes(s),
    ...portNotes(s),
    ...tmpfsNotes(s),
    ...restartNotes(s),
    ...networkNotes(s, (top['networks'] ?? {}) as Record<string, unknown>),
    ...limits.notes.map((n) => ({ ...n, level: 'warning' as const })),
    ...limits.unenforced.map((n) => ({ ...n, level: 'unenforced' as const })),
  ];
}
