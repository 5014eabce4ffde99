// What a container's own words say went wrong under the hardening: a write refused by the
// read-only root (EROFS), a file it may not open (EACCES), a privileged operation refused
// (EPERM: no capability, or seccomp). Each symptom keeps the log line that shows it.

export type SymptomKind = 'read-only' | 'permission' | 'not-permitted' | 'cannot-write';

/** A privileged operation named in an EPERM line, and the capability Linux checks for it. */
export type Operation = 'chown' | 'setuid' | 'setgid' | 'chroot' | 'chmod' | 'kill' | 'bind' | 'mount' | 'other';

export interface Symptom {
  readonly kind: SymptomKind;
  readonly line: string;
  /** The first absolute path the line names. */
  readonly path: string | undefined;
  /** EPERM lines: what was refused. */
  readonly operation: Operation | undefined;
  /** The line speaks of making a folder (mkdir, "create directory"). */
  readonly folder: boolean;
}

const KINDS: readonly [SymptomKind, RegExp][] = [
  ['read-only', /read-only file ?system|\bEROFS\b|\(30: /i],
  ['permission', /permission denied|\bEACCES\b|\(13: |errno 13\b/i],
  ['not-permitted', /operation not permitted|\bEPERM\b|\(1: /i],
  // Servers that name no errno (mosquitto: "Unable to open log file X for writing").
  ['cannot-write', /(?:unable to|cannot|can't|could not|failed to) (?:write|create|mkdir|make directory)\b|(?:unable to|cannot|can't|could not|failed to) open\b.*\bfor writing/i],
];

const OPERATIONS: readonly [Operation, RegExp][] = [
  ['chroot', /chroot/i],
  ['chown', /chown/i],
  ['setgid', /setgid|setgroups|initgroups|setresgid|group/i],
  ['setuid', /setuid|setresuid|dropping privileges|switch(?:ing)? to user|change (?:to )?user|\buser\b/i],
  ['chmod', /chmod/i],
  ['kill', /\bkill\b/i],
  ['bind', /\bbind\b/i],
  ['mount', /\bmount\b/i],
];

/** Capabilities a refused operation needs when the process runs as root. */
export const OPERATION_CAPS: Readonly<Record<Operation, readonly string[]>> = {
  chown: ['CHOWN'],
  setuid: ['SETUID', 'SETGID'],
  setgid: ['SETGID', 'SETUID'],
  chroot: ['SYS_CHROOT'],
  chmod: ['FOWNER'],
  kill: ['KILL'],
  bind: ['NET_BIND_SERVICE'],
  mount: ['SYS_ADMIN'],
  other: [],
};

const PATH = /(?:^|[\s"'`(=:[<{])(\/(?:[\w.@+-]+\/?)*[\w.@+-]*)/g;

export function findSymptoms(lines: readonly string[]): Symptom[] {
  const seen = new Set<string>();
  const symptoms: Symptom[] = [];
  for (const raw of lines) {
    const line = raw.replace(/\s+$/, '');
    const kind = KINDS.find(([, pattern]) => pattern.test(line))?.[0];
    if (kind === undefined || seen.has(line)) continue;
    seen.add(line);
    const operation = kind === 'not-permitted' ? (OPERATIONS.find(([, pattern]) => pattern.test(line))?.[0] ?? 'other') : undefined;
    symptoms.push({ kind, line, path: firstPath(line), operation, folder: /mkdir|director|makedirs/i.test(line) });
  }
  return symptoms;
}

/** The first absolute path in a line, without a trailing slash; `/` alone and /proc/self fds are not paths of interest. */
export function firstPath(line: string): string | undefined {
  for (const match of line.matchAll(PATH)) {
    // `/etc/haproxy/haproxy.cfg:4` cites a line of a configuration file, not what failed.
    if (/^:\d/.test(line.slice((match.index ?? 0) + match[0].length))) continue;
    const path = (match[1] ?? '').replace(/\/+$/, '').replace(/[.]+$/, '');
    if (path !== '' && !path.startsWith('/proc/self/fd') && !path.startsWith('/dev/std')) return path;
  }
  return undefined;
}

/** Accounts of /etc/passwd: name, uid, gid. */
export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export function parsePasswd(text: string): Account[] {
  return text.split('\n').flatMap((line) => {
    const [name = '', , uid = '', gid = ''] = line.split(':');
    return name !== '' && /^\d+$/.test(uid) && /^\d+$/.test(gid) ? [{ name, uid: Number(uid), gid: Number(gid) }] : [];
  });
}

/** Accounts a log line names ("user www-data", "getpwnam(\"redis\")"), root and nobody left out. */
export function namedAccounts(lines: readonly string[], accounts: readonly Account[]): Account[] {
  const words = new Set(lines.flatMap((line) => line.split(/[^\w.-]+/)));
  return accounts.filter((a) => a.uid !== 0 && a.uid !== 65534 && words.has(a.name));
}
