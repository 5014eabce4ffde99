// Reads the engine host's files the §1/§2/§3 checks judge, once, so the checks stay pure
// functions of the snapshot. Only for a local engine (rootful; rootless gets its daemon.json and
// command line only): a remote or Docker Desktop engine's files are not on this host.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseDockerdArgs } from './checks/daemon-config.js';
import { engineKind } from './checks/engine-facts.js';
import { pathsToStat } from './checks/host.js';
import type { EngineSnapshot, HostFiles, HostStat } from './types.js';

export function gatherHostFiles(engine: EngineSnapshot): HostFiles | undefined {
  const kind = engineKind(engine);
  if (kind !== 'local' && kind !== 'rootless') return undefined;
  const uid = kind === 'rootless' ? (process.getuid?.() ?? 0) : 0;
  const dockerdArgs = findDockerd(uid);
  const path = configPath(dockerdArgs, kind);
  const base: HostFiles = { stats: {}, daemonJson: readText(path), dockerdArgs, auditRules: kind === 'local' ? auditRules() : null, dockerGroup: dockerGroup() };
  if (kind !== 'local') return base;
  const paths = pathsToStat({ ...engine, hostFiles: base });
  const stats: Record<string, HostStat | null> = {};
  for (const p of [...paths, ...listFiles('/etc/docker/certs.d')]) stats[p] = statOf(p);
  return { ...base, stats };
}

/** dockerd's argv from /proc: the one process named dockerd that `uid` owns, else null. */
function findDockerd(uid: number): string[] | null {
  const found: string[][] = [];
  for (const pid of safe(() => readdirSync('/proc'), [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const comm = safe(() => readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), '');
    if (comm !== 'dockerd' || safe(() => statSync(`/proc/${pid}`).uid, -1) !== uid) continue;
    const argv = safe(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((w) => w !== ''), [] as string[]);
    if (argv.length > 0) found.push(argv);
  }
  // Two daemons (a dind, a second data-root) cannot be told apart from here: say unknown.
  return found.length === 1 ? found[0]! : null;
}

/** dockerd's --config-file, else its default (moby cmd/dockerd: rootless reads $XDG_CONFIG_HOME/docker). */
function configPath(args: readonly string[] | null, kind: 'local' | 'rootless'): string {
  const given = args ? parseDockerdArgs(args).get('config-file')?.value : undefined;
  if (typeof given === 'string') return given;
  if (kind === 'local') return '/etc/docker/daemon.json';
  return join(process.env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'docker', 'daemon.json');
}

function readText(path: string): HostFiles['daemonJson'] {
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { path, text: null } : { path, text: null, error: `${code ?? 'unreadable'}; run the audit as root to read it` };
  }
}

function statOf(path: string): HostStat | null {
  try {
    const s = statSync(path);
    const kind = s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSocket() ? 'socket' : 'other';
    return { uid: s.uid, gid: s.gid, mode: s.mode & 0o7777, kind };
  } catch {
    return null;
  }
}

function listFiles(dir: string): string[] {
  const entries = safe(() => readdirSync(dir, { withFileTypes: true, recursive: true }), []);
  return entries.filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
}

/** The rules auditd loads at boot (augenrules writes audit.rules from rules.d), or null when none. */
function auditRules(): string[] | null {
  const files = ['/etc/audit/audit.rules', ...listFiles('/etc/audit/rules.d').filter((f) => f.endsWith('.rules'))];
  const texts = files.map((f) => safe(() => readFileSync(f, 'utf8'), null)).filter((t): t is string => t !== null);
  return texts.length > 0 ? texts.flatMap((t) => t.split('\n')) : null;
}

function dockerGroup(): HostFiles['dockerGroup'] {
  const line = safe(() => readFileSync('/etc/group', 'utf8'), '').split('\n').find((l) => l.startsWith('docker:'));
  if (!line) return null;
  const [, , gid, members] = line.split(':');
  return { gid: Number(gid), members: (members ?? '').split(',').filter((m) => m !== '') };
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}
