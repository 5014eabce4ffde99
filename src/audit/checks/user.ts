// CIS 4.1 as it shows on a container: does it run as root? For a running container the
// engine's process table (/containers/ID/top, read on the host) is the fact: an entrypoint
// that starts as root and switches user leaves no root process, and a `--user 1000` image
// whose binary is setuid root does. A container that is not running is judged by Config.User,
// which holds the image's USER unless --user replaced it (moby daemon/create.go merges them).
import { containerTarget } from '../targets.js';
import type { ContainerSnapshot, Finding } from '../types.js';
import type { Check } from './check.js';
import { isRootUser } from '../../policy/defaults.js';

const CHECK = 'running-as-root';
const CIS = '4.1';

export const runningAsRoot: Check = (_snapshot, targets) => targets.containers.map(judge);

/** `""`, `0`, `root`, `0:G`, `root:G` are root; a name other than root is taken as not (its uid is in the image's passwd). */
export { isRootUser };

function judge(c: ContainerSnapshot): Finding {
  const target = containerTarget(c);
  const user = c.raw.Config.User;
  const config = `Config.User=${JSON.stringify(user)}`;
  const processes = c.processes;
  if (processes !== undefined && processes.length > 0) {
    const root = processes.filter((p) => p['UID'] === '0');
    if (root.length === 0) return { target, check: CHECK, cis: CIS, result: 'pass', message: `none of its ${processes.length} processes runs as root`, evidence: `${config}; top: no UID 0` };
    const first = root[0] ?? {};
    const evidence = `${config}; top: UID=0 PID=${first['PID'] ?? '?'} COMMAND=${first['COMMAND'] ?? '?'}`;
    return { target, check: CHECK, cis: CIS, result: 'warn', message: `${root.length} of its ${processes.length} processes run as root; run it with --user, or an image with a non-root USER`, evidence };
  }
  if (isRootUser(user)) return { target, check: CHECK, cis: CIS, result: 'warn', message: 'it starts as root (no --user, and no USER in the image); run it with --user, or an image with a non-root USER', evidence: config };
  return { target, check: CHECK, cis: CIS, result: 'pass', message: `it starts as ${user}`, evidence: config };
}
