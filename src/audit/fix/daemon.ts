// The engine's fix: its daemon.json with only the changes the warned §2 checks need added (every
// existing key kept), and per change the restart it needs and its caveat. Changes with a large
// blast radius (userns-remap hides every existing image and volume) or that need the user's own
// values (a log server, a plugin, certificates) are suggestions beside it, never merged silently.
import { daemonConfig } from '../checks/daemon-config.js';
import { engineKind } from '../checks/engine-facts.js';
import type { EngineSnapshot, Finding } from '../types.js';

export interface DaemonChange {
  readonly check: string;
  readonly cis: string | null;
  readonly key: string;
  readonly value: unknown;
  readonly restart: string;
  readonly caveat: string;
}

export interface DaemonFix {
  /** The merged file, or null when no change is needed (or the file cannot be merged). */
  readonly daemonJson: Readonly<Record<string, unknown>> | null;
  readonly path: string;
  readonly changes: readonly DaemonChange[];
  readonly suggestions: readonly DaemonChange[];
  /** One line per change, suggestion and obstacle: AuditReport.daemonJsonNotes. */
  readonly notes: readonly string[];
}

const RESTART = 'restart dockerd (systemctl restart docker): running containers stop unless live-restore is already on';
// moby daemon/reload.go: live-restore is among the settings a SIGHUP reloads.
const RELOAD = 'reload dockerd (systemctl reload docker, or SIGHUP): no restart';

type Spec = Omit<DaemonChange, 'check' | 'cis'>;

const MERGED: Readonly<Record<string, Spec>> = {
  'daemon-icc': { key: 'icc', value: false, restart: RESTART, caveat: 'containers on the default bridge can no longer reach each other (--link breaks): give them a network of their own' },
  'daemon-log-level': { key: 'log-level', value: 'info', restart: RESTART, caveat: 'none' },
  'daemon-live-restore': { key: 'live-restore', value: true, restart: RELOAD, caveat: 'incompatible with swarm mode' },
  'daemon-userland-proxy': { key: 'userland-proxy', value: false, restart: RESTART, caveat: "published ports are reached through iptables NAT alone; on old kernels a container may no longer reach another's port through the host's address (hairpin NAT)" },
  'daemon-no-new-privileges': { key: 'no-new-privileges', value: true, restart: RESTART, caveat: 'applies to containers created afterwards; setuid user switching inside them (su, sudo) stops working' },
  'daemon-iptables': { key: 'iptables', value: true, restart: RESTART, caveat: 'dockerd adds its NAT and filter rules again: review host firewall rules written for iptables=false' },
  'daemon-experimental': { key: 'experimental', value: false, restart: RESTART, caveat: 'features that need experimental mode stop working' },
};

const SUGGESTED: Readonly<Record<string, Spec>> = {
  'daemon-userns': { key: 'userns-remap', value: 'default', restart: RESTART, caveat: 'the engine starts with a new, empty image, container and volume store (its root moves under a remapped subfolder): existing images and volumes are hidden until the setting is removed; --privileged, --pid host and --network host need --userns host per container' },
  'daemon-remote-logging': { key: 'log-driver', value: 'syslog', restart: RESTART, caveat: 'needs "log-opts": {"syslog-address": "tcp://YOUR-LOG-HOST:514"}; applies to containers created afterwards; `docker logs` then works only for drivers with a local cache' },
  'daemon-authorization': { key: 'authorization-plugins', value: ['YOUR-PLUGIN'], restart: RESTART, caveat: 'install and configure an authorization plugin first: dockerd refuses every request the plugin cannot answer' },
  'daemon-tls': { key: 'tlsverify', value: true, restart: RESTART, caveat: 'needs "tlscacert", "tlscert" and "tlskey", and client certificates for every client' },
  'daemon-insecure-registries': { key: 'insecure-registries', value: [], restart: RELOAD, caveat: 'pulls from those registries fail until they serve TLS with a trusted certificate' },
  'daemon-seccomp': { key: 'seccomp-profile', value: '(remove the key)', restart: RESTART, caveat: "containers created afterwards get Docker's default profile" },
  'daemon-cgroup-parent': { key: 'cgroup-parent', value: '(remove the key if not meant)', restart: RESTART, caveat: 'none' },
};

export function daemonFix(findings: readonly Finding[], engine: EngineSnapshot): DaemonFix {
  const config = daemonConfig(engine);
  const path = engine.hostFiles?.daemonJson.path ?? '/etc/docker/daemon.json';
  const warned = findings.filter((f) => f.target.kind === 'engine' && f.result === 'warn');
  const changes: DaemonChange[] = [];
  const suggestions: DaemonChange[] = [];
  const notes: string[] = [];
  for (const f of warned) {
    const merged = MERGED[f.check];
    const suggested = SUGGESTED[f.check];
    // dockerd refuses to start when a directive is both a flag and a daemon.json key.
    if (merged && f.evidence.startsWith('dockerd ')) notes.push(`${f.check} (CIS ${f.cis}): set on dockerd's command line (${f.evidence.split(';')[0]}); change it there, not in daemon.json`);
    else if (merged) changes.push({ check: f.check, cis: f.cis, ...merged });
    // "debug": true raises the level whatever "log-level" says (moby cmd/dockerd config).
    if (f.check === 'daemon-log-level' && config?.get('debug')?.source.startsWith(path)) changes.push({ check: f.check, cis: f.cis, key: 'debug', value: false, restart: RESTART, caveat: 'none' });
    else if (suggested) suggestions.push({ check: f.check, cis: f.cis, ...suggested });
  }
  for (const c of changes) notes.push(`"${c.key}": ${JSON.stringify(c.value)} — ${c.check} (CIS ${c.cis}); ${c.restart}; caveat: ${c.caveat}`);
  for (const s of suggestions) notes.push(`suggested, not merged: "${s.key}": ${JSON.stringify(s.value)} — ${s.check} (CIS ${s.cis}); ${s.restart}; caveat: ${s.caveat}`);
  if (changes.length === 0) return { daemonJson: null, path, changes, suggestions, notes };
  if (changes.some((c) => c.key === 'live-restore') && changes.some((c) => c.restart === RESTART)) {
    notes.unshift('order: write the file with "live-restore" first and reload, then restart dockerd: running containers then survive the restart');
  }
  const where = whereNote(engine, path, config?.file === null ? config.fileProblem : undefined);
  if (where) notes.unshift(where);
  if (config && config.file === null) return { daemonJson: null, path, changes, suggestions, notes };
  const existing = config?.file ?? {};
  const daemonJson: Record<string, unknown> = { ...existing };
  for (const c of changes) daemonJson[c.key] = c.value;
  return { daemonJson, path, changes, suggestions, notes };
}

function whereNote(engine: EngineSnapshot, path: string, problem: string | undefined): string | undefined {
  if (problem) return `${problem}: fix it, then add the keys below yourself`;
  const kind = engineKind(engine);
  if (kind === 'desktop') return 'Docker Desktop: paste the keys below in Settings → Docker Engine, then Apply & restart';
  if (kind === 'remote') return `the engine at ${engine.endpoint} is remote: its daemon.json was not read; merge these keys into it on its host`;
  return `write to ${path} (existing keys kept)`;
}

/** The fix as text: the file, then one line per change and suggestion. */
export function renderDaemonFix(fix: DaemonFix): string {
  if (fix.daemonJson === null && fix.notes.length === 0) return '';
  const body = fix.daemonJson ? `${fix.path}:\n${JSON.stringify(fix.daemonJson, null, 2)}\n` : '';
  return `${body}${fix.notes.map((n) => `  - ${n}`).join('\n')}\n`;
}
