// What a container started by a plain `sdocker run` of a learned image must show in docker
// inspect: the hardening kept, only harmless capabilities added, and the user learn proved.
import type { ExecutionContext } from 'ava';
import type { Inspect } from './engine.js';

const HARMLESS = new Set(['CHOWN', 'SETUID', 'SETGID', 'DAC_OVERRIDE', 'FOWNER', 'SYS_CHROOT', 'KILL', 'NET_BIND_SERVICE']);

/** `root`: learn proved it needs root (it chroots or switches users); `detail`: shown when the user is wrong (learn's output). */
export function assertLearnedHardened(t: ExecutionContext, info: Inspect, root: boolean, detail = ''): void {
  const host = info.HostConfig;
  t.true(host.ReadonlyRootfs, 'read-only root');
  t.deepEqual(host.CapDrop, ['ALL']);
  t.true((host.CapAdd ?? []).every((cap) => HARMLESS.has(cap.replace(/^CAP_/, ''))), `harmless capabilities only: ${String(host.CapAdd)}`);
  t.true((host.SecurityOpt ?? []).includes('no-new-privileges'));
  t.true((host.SecurityOpt ?? []).some((opt) => opt.startsWith('seccomp=')), 'sdocker seccomp');
  t.true(host.Memory > 0 && (host.PidsLimit ?? 0) > 0, 'memory and pids limits');
  const user = info.Config.User;
  if (root) t.regex(user, /^0(:|$)/, detail);
  else t.true(user !== '' && !/^(0|root)(:|$)/.test(user), `runs as a non-root user: '${user}'\n${detail}`);
}
