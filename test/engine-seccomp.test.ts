// sdocker's seccomp profile on a real engine: every removed call is refused by seccomp (the
// same call, arguments and capabilities get another answer without a filter), while ordinary
// work goes on. test/fixtures/sysprobe.c makes the calls.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { runCli } from './helpers/cli.js';
import { IMAGE, engineProblem } from './helpers/engine.js';

const PROBE = 'sdocker-test/probe:1';

test.before(() => {
  const problem = engineProblem();
  if (problem !== undefined) throw new Error(problem);
});

// Capabilities that let each call get past the kernel's own permission check, so only seccomp
// can be the one refusing it. None of the probes changes anything (see sysprobe.c).
const CAPS = ['SYS_ADMIN', 'SYS_BOOT', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'SYS_TIME', 'SYS_PACCT', 'SYS_NICE', 'SYSLOG', 'DAC_READ_SEARCH', 'NET_RAW', 'SYS_TTY_CONFIG'].flatMap((cap) => ['--cap-add', cap]);

const REFUSED = [
  'ptrace', 'process_vm_readv', 'process_vm_writev', 'add_key', 'keyctl', 'request_key', 'kexec_load', 'kexec_file_load',
  'bpf', 'perf_event_open', 'userfaultfd', 'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'open_by_handle_at',
  'name_to_handle_at', 'mount', 'umount2', 'unshare', 'setns', 'pivot_root', 'chroot', 'reboot', 'init_module',
  'finit_module', 'delete_module', 'acct', 'kcmp', 'pidfd_getfd', 'process_madvise', 'iopl', 'ioperm', 'clock_settime',
  'settimeofday', 'get_mempolicy', 'set_mempolicy', 'mbind', 'fanotify_init', 'fsopen', 'fsconfig', 'fsmount', 'fspick',
  'move_mount', 'open_tree', 'mount_setattr', 'quotactl', 'sethostname', 'setdomainname', 'syslog', 'vhangup',
  'clone-newuts', 'personality-uname26', 'socket-packet', 'socket-alg', 'clone3',
];
const KEPT = ['fork', 'personality-plain', 'socket-unix', 'socket-inet', 'socket-netlink'];

function answers(stdout: string): Map<string, string> {
  return new Map(stdout.trim().split('\n').map((line) => line.split(' ') as [string, string]));
}

test('every removed call is refused by seccomp, even with the capability it needs', async (t) => {
  const names = [...REFUSED, ...KEPT];
  const control = spawnSync('docker', ['run', '--rm', '--user', '0', ...CAPS, '--security-opt', 'seccomp=unconfined', PROBE, 'sysprobe', ...names], { encoding: 'utf8' });
  t.is(control.status, 0, control.stderr);
  const hardened = await runCli(['run', '--rm', '--user', '0', '--sd-allow', 'dangerous-cap', ...CAPS, PROBE, 'sysprobe', ...names]);
  t.is(hardened.code, 0, hardened.stderr);
  const without = answers(control.stdout);
  const withSdocker = answers(hardened.stdout);
  for (const name of REFUSED) {
    t.not(without.get(name), 'EPERM', `${name}: without a filter the kernel itself must not answer EPERM`);
    t.is(withSdocker.get(name), name === 'clone3' ? 'ENOSYS' : 'EPERM', name);
  }
  for (const name of KEPT) t.is(withSdocker.get(name), 'ok', name);
});

test('a shell, file work, loopback networking and a web server keep working under the profile', async (t) => {
  const script = [
    'cd /tmp',
    'echo data >a && cp a b && mv b c && ln -s c d && cat d',
    'tar cf t.tar a c && tar tf t.tar | wc -l',
    'sha256sum a | cut -c1-8',
    'httpd -p 127.0.0.1:8080 -h /www && wget -q -O - http://127.0.0.1:8080/index.html',
    'echo ping | nc -l -p 9000 >got & sleep 0.2; echo ping | nc 127.0.0.1 9000; sleep 0.2; cat got',
    'sh -c "exit 4" || echo "child exit $?"',
  ].join('\n');
  const result = await runCli(['run', '--rm', IMAGE, 'sh', '-ec', script]);
  t.is(result.code, 0, result.stderr);
  // nc: the client prints what the listener sent, then the listener's file what the client sent.
  t.is(result.stdout, 'data\n2\n6667b2d1\nhello from sdocker\nping\nping\nchild exit 4\n');
});
