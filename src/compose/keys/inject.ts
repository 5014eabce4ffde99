// The run engine's defaults, as compose keys. A key the service sets is kept; only what is
// missing is added. Every value works on compose v1 (1.29) and v2: short-syntax ports,
// tmpfs options in the short syntax, seccomp by its copy in the project for harden (portable.ts:
// v1 reads a relative path from the working directory, v2 from the project directory) and by
// absolute path for sdocker compose's private model, limits where both composes read them (limits.ts).
import { basename } from 'node:path';
import { parsePort, parseSecurityOpt } from '../../docker/values.js';
import { bindAddress, grantedCaps, tmpfsOwner, tmpfsPath, tmpfsValue } from '../../policy/defaults.js';
import { normalizeCap } from '../../policy/refusals.js';
import type { InjectId } from '../../policy/rules.js';
import { cpuLimits, memoryLimits, pidsLimits } from './limits.js';
import { list, strings, type ServiceEdit, type ServiceView } from './types.js';
import { ownTmpfsEdits, serviceUser } from './user.js';

export type ComposeInject = (service: ServiceView, out: ServiceEdit[]) => void;

export function set(out: ServiceEdit[], rule: InjectId, service: ServiceView, path: (string | number)[], value: unknown, note: string): void {
  out.push({ rule, service: service.name, edit: { kind: 'set', path, value }, note });
}

export function append(out: ServiceEdit[], rule: InjectId, service: ServiceView, key: string, value: unknown, note: string): void {
  out.push({ rule, service: service.name, edit: { kind: 'append', key, value }, note });
}

function securityKeys(service: ServiceView): Set<string> {
  return new Set(strings(service.data['security_opt']).map((opt) => parseSecurityOpt(opt).key));
}

/** The policy's scratch paths a read-only service has nothing mounted at, each with its tmpfs value (owned by the run user). */
export function missingScratch(s: ServiceView): { path: string; value: string }[] {
  if (!readOnlyRoot(s)) return [];
  const taken = new Set([...strings(s.data['tmpfs']).map((t) => t.split(':')[0]), ...list(s.data['volumes']).map(volumeTarget)]);
  const owner = tmpfsOwner(serviceUser(s).user) ?? [];
  return s.policy.tmpfs.paths.filter((entry) => !taken.has(tmpfsPath(entry))).map((entry) => ({ path: tmpfsPath(entry), value: tmpfsValue(s.policy, entry, owner) }));
}

export function readOnlyRoot(service: ServiceView): boolean {
  const own = service.data['read_only'];
  return own === undefined ? service.policy.readOnly : own === true || own === 'true';
}

const INJECT: Readonly<Record<InjectId, ComposeInject>> = {
  'cap-drop': (s, out) => {
    if (!strings(s.data['cap_drop']).map(normalizeCap).includes('ALL')) append(out, 'cap-drop', s, 'cap_drop', 'ALL', 'cap_drop: ALL');
    const added = new Set(strings(s.data['cap_add']).map(normalizeCap));
    for (const cap of grantedCaps(s.policy, serviceUser(s).user)) if (!added.has(cap)) append(out, 'cap-drop', s, 'cap_add', cap, `cap_add: ${cap}`);
  },
  'no-new-privileges': (s, out) => {
    if (s.policy.noNewPrivileges && !securityKeys(s).has('no-new-privileges')) append(out, 'no-new-privileges', s, 'security_opt', 'no-new-privileges:true', 'security_opt: no-new-privileges:true');
  },
  seccomp: (s, out) => {
    movedToProject(s, out);
    const named = s.seccompRef ?? s.seccompFile;
    if (named !== '' && !securityKeys(s).has('seccomp')) append(out, 'seccomp', s, 'security_opt', `seccomp:${named}`, `security_opt: seccomp:${named}`);
  },
  // Whether the engine has AppArmor is known only when the file runs (sdocker compose).
  apparmor: () => undefined,
  // docker-compose 1.29 has no key for it (its schema rejects `cgroup`): sdocker compose asks for
  // a private one in each container creation it passes on (src/judge/compose.ts).
  cgroupns: () => undefined,
  'read-only': (s, out) => {
    if (s.data['read_only'] === undefined && s.policy.readOnly) set(out, 'read-only', s, ['read_only'], true, 'read_only: true');
  },
  tmpfs: (s, out) => {
    ownTmpfsEdits(s, out);
    for (const { path, value } of missingScratch(s)) append(out, 'tmpfs', s, 'tmpfs', value, `tmpfs: ${path}`);
  },
  memory: (s, out) => out.push(...memoryLimits(s).edits),
  cpus: (s, out) => out.push(...cpuLimits(s).edits),
  'pids-limit': (s, out) => out.push(...pidsLimits(s).edits),
  'ulimit-nofile': (s, out) => {
    const [soft = '', hard = soft] = s.policy.limits.nofile.split(':');
    const ulimits = s.data['ulimits'] as Record<string, unknown> | undefined;
    if (soft !== '' && ulimits?.['nofile'] === undefined) set(out, 'ulimit-nofile', s, ['ulimits', 'nofile'], { soft: Number(soft), hard: Number(hard) }, `ulimits.nofile: ${soft}:${hard}`);
  },
  user: (s, out) => {
    if (serviceUser(s).from === 'profile') set(out, 'user', s, ['user'], s.policy.user, `user: ${s.policy.user}`);
  },
  restart: (s, out) => {
    if (s.data['restart'] === undefined && s.policy.restart !== '') set(out, 'restart', s, ['restart'], s.policy.restart, `restart: ${s.policy.restart}`);
  },
  'log-limits': (s, out) => {
    const logging = s.data['logging'] as { driver?: string; options?: Record<string, unknown> } | undefined;
    if (logging?.driver !== undefined && !['json-file', 'local'].includes(logging.driver)) return;
    const { maxSize, maxFile } = s.policy.logging;
    if (maxSize !== '' && logging?.options?.['max-size'] === undefined) set(out, 'log-limits', s, ['logging', 'options', 'max-size'], maxSize, `logging.options.max-size: ${maxSize}`);
    if (maxFile > 0 && logging?.options?.['max-file'] === undefined) set(out, 'log-limits', s, ['logging', 'options', 'max-file'], String(maxFile), `logging.options.max-file: ${maxFile}`);
  },
  // compose gives each project a network of its own: docker0 is not used.
  network: () => undefined,
  'loopback-ports': (s, out) => {
    if (s.policy.ports.bindAddress === '') return;
    // Rebound where the file writes them: an `extends` base merges its ports by value, so a
    // rebound copy would be added beside the original (v1 merge_ports), not replace it.
    list((s.written ?? s.data)['ports']).forEach((port, i) => {
      const bound = bindPort(port, bindAddress(s.policy));
      if (bound !== undefined) out.push({ rule: 'loopback-ports', service: s.name, edit: { kind: 'replace', path: ['ports', i], value: bound }, note: `ports: ${bound}` });
    });
  },
};

/**
 * A file hardened before profiles were named portably holds the absolute path of an sdocker
 * install (this one's, or `.../sdocker/seccomp/NAME` of another machine's): that is sdocker's own
 * output, not the user's choice, and it breaks on any other machine; it becomes the project's copy.
 */
function movedToProject(s: ServiceView, out: ServiceEdit[]): void {
  const ref = s.seccompRef;
  if (ref === undefined || s.seccompFile === '') return;
  const installed = (path: string): boolean => path === s.seccompFile || path.endsWith(`/sdocker/seccomp/${basename(s.seccompFile)}`);
  list((s.written ?? s.data)['security_opt']).forEach((opt, i) => {
    if (typeof opt !== 'string') return;
    const { key, value = '' } = parseSecurityOpt(opt);
    if (key !== 'seccomp' || !installed(value)) return;
    const moved = `${opt.slice(0, opt.length - value.length)}${ref}`;
    out.push({ rule: 'seccomp', service: s.name, edit: { kind: 'replace', path: ['security_opt', i], value: moved }, note: `security_opt: ${moved} (the project's copy, instead of this machine's install path)` });
  });
}

/** A port without a host address, bound to `bind`; long syntax becomes short (compose v1 rejects host_ip). */
function bindPort(port: unknown, bind: string): string | undefined {
  if (typeof port === 'object' && port !== null) {
    const p = port as Record<string, unknown>;
    if (p['host_ip'] !== undefined) return undefined;
    const published = p['published'] === undefined ? '' : String(p['published']);
    return `${bind}:${published}:${String(p['target'])}${p['protocol'] === undefined ? '' : `/${String(p['protocol'])}`}`;
  }
  const text = String(port);
  // Split as docker does (parsePort), with ${VAR:-8080}'s own colon masked; an empty host
  // address (":8080:80") means every interface, as for sdocker run.
  const spec = parsePort(text.replace(/\$\{[^}]*\}/g, 'VAR'));
  if (spec.ip !== undefined && spec.ip !== '') return undefined;
  if (spec.ip === '') return `${bind}${text}`;
  return text.includes(':') ? `${bind}:${text}` : `${bind}::${text}`;
}

export function volumeTarget(volume: unknown): string | undefined {
  if (typeof volume === 'string') return volume.split(':')[1] ?? volume;
  return (volume as { target?: string } | null)?.target;
}

/** `instead`: a target's own way of writing some defaults (swarm.ts), in the same order. */
export function serviceEdits(service: ServiceView, instead: Partial<Record<InjectId, ComposeInject>> = {}): ServiceEdit[] {
  const out: ServiceEdit[] = [];
  for (const [id, inject] of Object.entries(INJECT) as [InjectId, ComposeInject][]) (instead[id] ?? inject)(service, out);
  return out;
}
