// What a container's own words say went wrong under the hardening: a write refused by the
// read-only root (EROFS), a file it may not open (EACCES), a privileged operation refused
// (EPERM: no capability, or seccomp). Each symptom keeps the log line that shows it.
import { posix } from 'node:path';

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
  // Named calls and the phrases servers use for them; a bare "user" or "group" is not one
  // (MariaDB: "the user of the process is not a member of sysctl kernel.io_uring_group").
  ['setgid', /setgid|setegid|setgroups|initgroups|setresgid|supplementary groups|\bset gid\b/i],
  ['setuid', /setuid|seteuid|setresuid|drop(?:ping)? privileges|switch(?:ing)? to user|change (?:to )?user|identity of user|\bset uid\b/i],
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

const PATH = /(?:^|[\s"'`(=:[<{])(\/+(?:[\w.@+-]+\/?)*[\w.@+-]*)/g;
/** A relative path of at least two parts (`pid/master.pid`), as a program names what it opens in its own folder. */
const RELATIVE = /(?:^|[\s"'`(=[<{])((?:\.\/)?[\w@+-][\w.@+-]*(?:\/[\w.@+-]+)+)/g;

export interface SymptomContext {
  /** An absolute path for a relative one the line names (the program's folder, or a path it wrote), if known. */
  readonly resolve?: (relative: string) => string | undefined;
}

/**
 * The symptoms of a log. A line naming no path takes one from the line after it when that line
 * holds only a path (servers that print the path on its own line), else a relative path the
 * context can resolve.
 */
export function findSymptoms(lines: readonly string[], context: SymptomContext = {}): Symptom[] {
  const seen = new Set<string>();
  const symptoms: Symptom[] = [];
  lines.forEach((raw, index) => {
    const line = raw.replace(/\s+$/, '');
    const kind = KINDS.find(([, pattern]) => pattern.test(line))?.[0];
    if (kind === undefined || seen.has(line)) return;
    seen.add(line);
    const operation = kind === 'not-permitted' ? (OPERATIONS.find(([, pattern]) => pattern.test(line))?.[0] ?? 'other') : undefined;
    const path = firstPath(line) ?? pathOnlyLine(lines[index + 1]) ?? relativePath(line, context);
    symptoms.push({ kind, line, path, operation, folder: /mkdir|director|makedirs/i.test(line) });
  });
  return symptoms;
}

/** The path of a line that holds nothing else (after an optional quote or bracket). */
function pathOnlyLine(next: string | undefined): string | undefined {
  if (next === undefined || !/^\s*["'`(\[]?\/[^\s]*["'`)\]:.]*\s*$/.test(next)) return undefined;
  return firstPath(next.trim());
}

function relativePath(line: string, context: SymptomContext): string | undefined {
  if (context.resolve === undefined) return undefined;
  for (const match of line.matchAll(RELATIVE)) {
    const resolved = context.resolve((match[1] ?? '').replace(/^\.\//, '').replace(/[.:]+$/, ''));
    if (resolved !== undefined) return resolved;
  }
  return undefined;
}

/** The first absolute path in a line, without a trailing slash; `/` alone and /proc/self fds are not paths of interest. */
export function firstPath(line: string): string | undefined {
  for (const match of line.matchAll(PATH)) {
    // `/etc/haproxy/haproxy.cfg:4` cites a line of a configuration file, not what failed.
    if (/^:\d/.test(line.slice((match.index ?? 0) + match[0].length))) continue;
    // `//run/named/named.pid` (BIND joins its folder and a name) is /run/named/named.pid.
    const path = posix.normalize(match[1] ?? '').replace(/\/+$/, '').replace(/[.]+$/, '');
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

/**
 * Accounts a log line names as an account ("user www-data", "getpwnam(\"redis\")", "identity of
 * user memcache", "'mysql'@'localhost'"), root and nobody left out. A name that is only a word of
 * the sentence is not one: "see man 2 io_uring_setup" does not name the account man.
 */
export function namedAccounts(lines: readonly string[], accounts: readonly Account[]): Account[] {
  return accounts.filter((a) => a.uid !== 0 && a.uid !== 65534 && lines.some((line) => namesAccount(line, a.name)));
}

/** Words after which a name is an account's. */
const ACCOUNT_WORDS = /(?:\buser(?:name)?|\baccount|\bowner|\bgetpwnam|\bidentity of|\brun(?:ning)? as|\bswitch(?:ing)? to|(?:^|\s)-u)\s*[("'`:=]*\s*$/i;

function namesAccount(line: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const match of line.matchAll(new RegExp(`(?<![\\w.-])${escaped}(?![\\w-])`, 'g'))) {
    const before = line.slice(0, match.index);
    const quoted = /["'`]$/.test(before) && /^["'`]/.test(line.slice((match.index ?? 0) + name.length));
    if (quoted || ACCOUNT_WORDS.test(before)) return true;
  }
  return false;
}
