// Which engine instance answers on a local socket, cheaply (no request): the socket file's
// identity and the daemon process's. dockerd unlinks and recreates its socket when it starts
// (a new inode and ctime), but under systemd socket activation (docker.socket, as Debian's
// docker.io ships it) the socket outlives a `systemctl restart docker`; so the daemon's own
// identity is part of the key: the pid in the pid file it writes beside its socket (dockerd's
// --pidfile default is /var/run/docker.pid as root, $XDG_RUNTIME_DIR/docker.pid rootless, where
// the socket also is) and that process's start time (/proc/PID/stat field 22). No pid file, or
// a pid that is not running: no key, so nothing is answered from the cache.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function engineKey(socketPath: string): string | undefined {
  try {
    const socket = statSync(socketPath, { bigint: true });
    if (!socket.isSocket()) return undefined;
    const pid = readFileSync(join(dirname(socketPath), 'docker.pid'), 'utf8').trim();
    if (!/^[1-9]\d*$/.test(pid)) return undefined;
    const started = processStart(pid);
    if (started === undefined) return undefined;
    return `unix://${socketPath} socket=${socket.dev}:${socket.ino}:${socket.ctimeNs} pid=${pid}:${started}`;
  } catch {
    return undefined;
  }
}

/** A process's start time in clock ticks since boot (proc(5): field 22 of /proc/PID/stat). */
function processStart(pid: string): string | undefined {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count from its end.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = fields[19];
  return start !== undefined && /^\d+$/.test(start) ? start : undefined;
}
