// CIS §1.1 (audit rules, the docker group) and §3 (ownership and permissions of the daemon's
// files) on the engine's own host. They need this host to be the engine's: on a remote, rootless
// or Docker Desktop engine they are "n/a" (the files judged would not be the engine's). The list
// follows docker-bench-security ff26d67 tests/1_host_configuration.sh and
// tests/3_docker_daemon_configuration_files.sh; permissions are judged as bit masks ("644 or more
// restrictive" = no bit outside 0644), not as docker-bench's decimal `-le 644` (which passes 0466).
import type { EngineSnapshot, Finding, HostFiles, HostStat } from '../types.js';
import { daemonConfig } from './daemon-config.js';
import { engineKind, type findingFor, str } from './engine-facts.js';

type Make = ReturnType<typeof findingFor>;

/** A file the checks judge: where it may be, first existing wins (systemd's own search order). */
interface HostPath { readonly label: string; readonly paths: readonly string[] }

const SERVICE = (unit: string): HostPath => ({ label: unit, paths: [`/etc/systemd/system/${unit}`, `/lib/systemd/system/${unit}`, `/usr/lib/systemd/system/${unit}`] });
// dockerd starts a containerd of its own (at /var/run/docker/containerd) when none runs on the host.
const CONTAINERD_SOCK: HostPath = { label: 'the containerd socket', paths: ['/run/containerd/containerd.sock', '/var/run/docker/containerd/containerd.sock'] };

interface FileRule { readonly own: string; readonly perm: string; readonly at: HostPath; readonly owner: 'root:root' | 'root:docker'; readonly most: number }

const FILE_RULES: readonly FileRule[] = [
  { own: '3.1', perm: '3.2', at: SERVICE('docker.service'), owner: 'root:root', most: 0o644 },
  { own: '3.3', perm: '3.4', at: SERVICE('docker.socket'), owner: 'root:root', most: 0o644 },
  { own: '3.5', perm: '3.6', at: { label: '/etc/docker', paths: ['/etc/docker'] }, owner: 'root:root', most: 0o755 },
  { own: '3.17', perm: '3.18', at: { label: 'daemon.json', paths: ['/etc/docker/daemon.json'] }, owner: 'root:root', most: 0o644 },
  { own: '3.19', perm: '3.20', at: { label: '/etc/default/docker', paths: ['/etc/default/docker'] }, owner: 'root:root', most: 0o644 },
  { own: '3.22', perm: '3.21', at: { label: '/etc/sysconfig/docker', paths: ['/etc/sysconfig/docker'] }, owner: 'root:root', most: 0o644 },
  { own: '3.23', perm: '3.24', at: CONTAINERD_SOCK, owner: 'root:root', most: 0o660 },
];

// §1.1.3–1.1.18: what auditd should watch. /var/lib/docker is read live (info.DockerRootDir).
const AUDITED: readonly [string, HostPath][] = [
  ['1.1.3', { label: 'dockerd', paths: ['/usr/bin/dockerd', '/usr/sbin/dockerd'] }], ['1.1.4', { label: '/run/containerd', paths: ['/run/containerd'] }],
  ['1.1.6', { label: '/etc/docker', paths: ['/etc/docker'] }], ['1.1.7', SERVICE('docker.service')], ['1.1.8', CONTAINERD_SOCK],
  ['1.1.9', SERVICE('docker.socket')], ['1.1.10', { label: '/etc/default/docker', paths: ['/etc/default/docker'] }],
  ['1.1.11', { label: 'daemon.json', paths: ['/etc/docker/daemon.json'] }], ['1.1.12', { label: '/etc/containerd/config.toml', paths: ['/etc/containerd/config.toml'] }],
  ['1.1.13', { label: '/etc/sysconfig/docker', paths: ['/etc/sysconfig/docker'] }], ['1.1.14', { label: 'containerd', paths: ['/usr/bin/containerd'] }],
  ['1.1.15', { label: 'containerd-shim', paths: ['/usr/bin/containerd-shim'] }], ['1.1.16', { label: 'containerd-shim-runc-v1', paths: ['/usr/bin/containerd-shim-runc-v1'] }],
  ['1.1.17', { label: 'containerd-shim-runc-v2', paths: ['/usr/bin/containerd-shim-runc-v2'] }], ['1.1.18', { label: 'runc', paths: ['/usr/bin/runc', '/usr/sbin/runc'] }],
];

/** The socket dockerd serves this client on (unix:// endpoint), else docker's default. */
export function socketPath(e: EngineSnapshot): string {
  return e.endpoint.startsWith('unix://') ? e.endpoint.slice('unix://'.length) : '/var/run/docker.sock';
}

/** The TLS files daemon.json or the command line names (§3.9–3.14). */
function tlsPaths(e: EngineSnapshot): [string, string, string, number][] {
  const c = daemonConfig(e);
  const out: [string, string, string, number][] = [];
  for (const [key, own, perm, most] of [['tlscacert', '3.9', '3.10', 0o444], ['tlscert', '3.11', '3.12', 0o444], ['tlskey', '3.13', '3.14', 0o400]] as const) {
    const v = c?.get(key)?.value;
    if (typeof v === 'string' && v !== '') out.push([v, own, perm, most]);
  }
  return out;
}

/** Every path the gatherer must stat for these checks (host-files.ts). */
export function pathsToStat(e: EngineSnapshot): string[] {
  const all = [...FILE_RULES.map((r) => r.at), ...AUDITED.map(([, p]) => p)].flatMap((p) => p.paths);
  return [...new Set([...all, socketPath(e), str(e.info['DockerRootDir'] ?? '/var/lib/docker'), ...tlsPaths(e).map(([p]) => p)])];
}

export function hostChecks(e: EngineSnapshot, make: Make): Finding[] {
  const kind = engineKind(e);
  const files = e.hostFiles;
  if (kind !== 'local' || !files) {
    const why = `the ${kind} engine's host files are not this host's`;
    return [make('host-audit-rules', '1.1', 'n/a', `audit rules and the docker group: ${why}`, `endpoint=${e.endpoint}`),
      make('host-file-owner', '3', 'n/a', `ownership and permissions of the daemon's files: ${why}`, `endpoint=${e.endpoint}`)];
  }
  const found = (p: HostPath): [string, HostStat] | undefined => {
    for (const path of p.paths) { const s = files.stats[path]; if (s) return [path, s]; }
    return undefined;
  };
  const out: Finding[] = [dockerGroup(files, make)];
  const root = str(e.info['DockerRootDir'] ?? '/var/lib/docker');
  for (const [cis, at] of [...AUDITED, ['1.1.5', { label: root, paths: [root] }] as [string, HostPath]]) out.push(audited(cis, at.label, found(at), files.auditRules, make));
  for (const r of FILE_RULES) out.push(...fileFindings(r.own, r.perm, r.at.label, found(r.at), r.owner, r.most, files, make));
  const sock = socketPath(e);
  out.push(...fileFindings('3.15', '3.16', 'the Docker socket', stated(sock, files), 'root:docker', 0o660, files, make));
  for (const [path, own, perm, most] of tlsPaths(e)) out.push(...fileFindings(own, perm, path, stated(path, files), 'root:root', most, files, make));
  out.push(...certFindings(files, make));
  return out;
}

function stated(path: string, files: HostFiles): [string, HostStat] | undefined {
  const s = files.stats[path];
  return s ? [path, s] : undefined;
}

function dockerGroup(files: HostFiles, make: Make): Finding {
  const g = files.dockerGroup;
  const members = g?.members ?? [];
  // Membership of the docker group is root on the host; CIS 1.1.2 asks for a human review.
  return make('host-docker-group', '1.1.2', members.length > 0 ? 'info' : 'pass',
    members.length > 0 ? `these users control the engine (root-equivalent): ${members.join(', ')}` : 'the docker group has no members',
    g ? `/etc/group docker:${g.gid}:${members.join(',')}` : '/etc/group: no docker group');
}

function audited(cis: string, label: string, at: [string, HostStat] | undefined, rules: readonly string[] | null, make: Make): Finding {
  if (!at) return make('host-audit-rules', cis, 'n/a', `${label} does not exist on this host`, `${label}: absent`);
  const [path] = at;
  // A rule names the path after -w or -F path= (auditctl(8)); comments do not count.
  const rule = (rules ?? []).find((l) => !/^\s*[#;]/.test(l) && new RegExp(`(-w|path=)\\s*${escape(path)}(\\s|$)`).test(l));
  if (rule) return make('host-audit-rules', cis, 'pass', `auditd watches ${path}`, rule.trim());
  return make('host-audit-rules', cis, 'warn', `auditd does not watch ${path}: add "-w ${path} -k docker" to /etc/audit/rules.d/docker.rules`,
    rules === null ? 'no audit rules: /etc/audit/audit.rules and rules.d absent' : `no rule names ${path}`);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function fileFindings(own: string, perm: string, label: string, at: [string, HostStat] | undefined, owner: 'root:root' | 'root:docker', most: number,
  files: HostFiles, make: Make): Finding[] {
  if (!at) return [make('host-file-owner', own, 'n/a', `${label} does not exist on this host`, `${label}: absent`),
    make('host-file-mode', perm, 'n/a', `${label} does not exist on this host`, `${label}: absent`)];
  const [path, s] = at;
  const gid = owner === 'root:docker' ? files.dockerGroup?.gid : 0;
  const ownOk = s.uid === 0 && s.gid === gid;
  const extra = s.mode & ~most & 0o7777;
  const octal = (n: number): string => n.toString(8).padStart(4, '0');
  return [
    make('host-file-owner', own, ownOk ? 'pass' : 'warn', ownOk ? `${path} is owned by ${owner}` : `${path} should be owned by ${owner}: chown ${owner} ${path}`, `${path} uid=${s.uid} gid=${s.gid}`),
    make('host-file-mode', perm, extra === 0 ? 'pass' : 'warn', extra === 0 ? `${path} is ${octal(s.mode)}, within ${octal(most)}` : `${path} is ${octal(s.mode)}, wider than ${octal(most)}: chmod ${octal(s.mode & most)} ${path}`, `${path} mode=${octal(s.mode)}`),
  ];
}

/** §3.7/3.8: the registry certificates under /etc/docker/certs.d. */
function certFindings(files: HostFiles, make: Make): Finding[] {
  const certs = Object.entries(files.stats).filter(([p, s]) => p.startsWith('/etc/docker/certs.d/') && p.endsWith('.crt') && s?.kind === 'file') as [string, HostStat][];
  if (certs.length === 0) return [make('host-file-owner', '3.7', 'n/a', 'no registry certificates in /etc/docker/certs.d', '/etc/docker/certs.d: no files'),
    make('host-file-mode', '3.8', 'n/a', 'no registry certificates in /etc/docker/certs.d', '/etc/docker/certs.d: no files')];
  const badOwner = certs.filter(([, s]) => s.uid !== 0 || s.gid !== 0).map(([p]) => p);
  const badMode = certs.filter(([, s]) => (s.mode & ~0o444) !== 0).map(([p]) => p);
  return [
    make('host-file-owner', '3.7', badOwner.length ? 'warn' : 'pass', badOwner.length ? `registry certificates not owned by root:root: ${badOwner.join(', ')}` : 'registry certificates are owned by root:root', `${certs.length} files under /etc/docker/certs.d`),
    make('host-file-mode', '3.8', badMode.length ? 'warn' : 'pass', badMode.length ? `registry certificates wider than 0444: ${badMode.join(', ')}` : 'registry certificates are 0444 or stricter', `${certs.length} files under /etc/docker/certs.d`),
  ];
}
