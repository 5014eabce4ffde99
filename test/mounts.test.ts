// Bind mounts of host paths (CIS 5.6) in every spelling docker accepts: below a system folder,
// read-only runs with a note; a system folder itself, a folder above one, a secret path, a
// writable mount below one, or a path that resolves to any of these is refused (exit 125).
// The host paths used exist on any Debian host (ca-certificates, tzdata, base-files).
import test from 'ava';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostFacts, PathKind } from '../src/policy/context.js';
import { loadPolicy } from '../src/policy/load.js';
import { judgeBind } from '../src/policy/mounts.js';
import { runMain } from './helpers/fakes.js';

const PASSWD = 'type=bind,source=/etc/passwd,target=/etc/passwd';

const READ_ONLY: [flags: string[], folder: string][] = [
  [['-v', '/etc/ssl/certs:/etc/ssl/certs:ro'], '/etc'],
  [['-v', '/etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro'], '/etc'],
  [['-v', '/etc/passwd:/etc/passwd:ro'], '/etc'],
  [['-v', '/etc/passwd:/etc/passwd:ro,z'], '/etc'],
  [['-v', '/etc/passwd:/etc/passwd:z,ro'], '/etc'],
  [['--volume=/etc/hosts:/etc/hosts:ro'], '/etc'],
  [['-v', '/etc/localtime:/etc/localtime:ro'], '/etc'],
  [['-v', '/etc/timezone:/etc/timezone:ro'], '/etc'],
  [['-v', '/usr/share/zoneinfo:/usr/share/zoneinfo:ro'], '/usr'],
  [['--mount', `${PASSWD},readonly`], '/etc'],
  [['--mount', `${PASSWD},ro`], '/etc'],
  [['--mount', `${PASSWD},readonly=1`], '/etc'],
  [['--mount', `${PASSWD},readonly=t`], '/etc'],
  [['--mount', `${PASSWD},ro=TRUE`], '/etc'],
  [['--mount', `${PASSWD},READONLY`], '/etc'],
  [['--mount', `${PASSWD},Ro=True`], '/etc'],
  [['--mount', `${PASSWD},readonly=0,readonly`], '/etc'],
  [['--mount', 'type=BIND,src=/etc/passwd,dst=/x,readonly'], '/etc'],
  [['--mount', '"type=bind","source=/etc/ssl/certs",target=/x,readonly'], '/etc'],
  [['--mount', 'type=volume,target=/x,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/etc/ssl/certs,readonly'], '/etc'],
];

for (const [flags, folder] of READ_ONLY) {
  test(`runs read-only, with a note: ${flags.join(' ')}`, async (t) => {
    const result = await runMain(['run', ...flags, 'alpine', 'true']);
    t.is(result.code, 0, result.stderr);
    t.true(result.runs[0]?.args.includes(flags.at(-1) as string), 'the mount reaches docker as written');
    t.is(result.stderr, '', 'quiet on a run that works');
    const dry = await runMain(['run', '--sd-dry-run', ...flags, 'alpine', 'true']);
    t.regex(dry.stdout, new RegExp(`sdocker: .+: allowed read-only below the system folder ${folder} \\(rule sensitive-mount, CIS 5\\.6\\)`, 'm'));
  });
}

const REFUSED: [flags: string[], detail: string, reason: string][] = [
  [['-v', '/etc/shadow:/x:ro'], '/etc/shadow', 'is in secretPaths'],
  [['-v', '/etc/shadow-:/x:ro'], '/etc/shadow-', 'is in secretPaths'],
  [['-v', '/etc/gshadow:/x:ro'], '/etc/gshadow', 'is in secretPaths'],
  [['-v', '/etc/sudoers:/x:ro'], '/etc/sudoers', 'is in secretPaths'],
  [['-v', '/etc/sudoers.d:/x:ro'], '/etc/sudoers.d', 'is in secretPaths'],
  [['-v', '/etc/ssh/ssh_host_ed25519_key:/k:ro'], '/etc/ssh/ssh_host_ed25519_key', 'is below /etc/ssh'],
  [['-v', '/etc/ssl/private:/k:ro'], '/etc/ssl/private', 'is in secretPaths'],
  [['-v', '/etc/security/opasswd:/x:ro'], '/etc/security/opasswd', 'is in secretPaths'],
  [['-v', '/etc/docker:/x:ro'], '/etc/docker', 'is in secretPaths'],
  [['-v', '/etc/kubernetes/admin.conf:/x:ro'], '/etc/kubernetes/admin.conf', 'is below /etc/kubernetes'],
  [['-v', '/root:/r:ro'], '/root', 'is in secretPaths'],
  [['-v', '/var/lib/docker:/d:ro'], '/var/lib/docker', 'is in secretPaths'],
  [['-v', '/var/lib/containerd:/d:ro'], '/var/lib/containerd', 'is in secretPaths'],
  [['-v', '/var/lib/kubelet/pki:/d:ro'], '/var/lib/kubelet/pki', 'is below /var/lib/kubelet'],
  [['-v', '/run/containerd:/r:ro'], '/run/containerd', 'is below /run'],
  [['-v', '/proc/cpuinfo:/c:ro'], '/proc/cpuinfo', 'is below /proc'],
  [['-v', '/sys/fs/cgroup:/c:ro'], '/sys/fs/cgroup', 'is below /sys'],
  [['-v', '/dev/null:/n:ro'], '/dev/null', 'is below /dev'],
  [['-v', '/boot:/b:ro'], '/boot', 'is in secretPaths'],
  [['--mount', 'type=bind,source=/etc/shadow,target=/x,readonly'], '/etc/shadow', 'is in secretPaths'],
  [['-v', '/etc:/x:ro'], '/etc', 'is a system folder'],
  [['-v', '/usr:/u:ro'], '/usr', 'is a system folder'],
  [['-v', '/:/host:ro'], '/', 'is a system folder'],
  [['--mount', 'type=bind,src=/etc,dst=/x,readonly'], '/etc', 'is a system folder'],
  [['-v', '/var:/v:ro'], '/var', 'holds /var/'],
  [['-v', '/var/lib:/v:ro'], '/var/lib', 'holds /var/lib/'],
  [['-v', '/etc/ssl:/s:ro'], '/etc/ssl', 'holds /etc/ssl/private'],
  [['-v', '/etc/ssl/certs:/x'], '/etc/ssl/certs', 'only read-only'],
  [['-v', '/etc/passwd:/etc/passwd:rw'], '/etc/passwd', 'only read-only'],
  [['-v', '/etc/passwd:/etc/passwd:RO'], '/etc/passwd', 'only read-only'],
  [['-v', '/etc/passwd:/etc/passwd:ro:z'], '/etc/passwd', 'only read-only'],
  [['-v', '/usr/bin:/usr/bin'], '/usr/bin', 'only read-only'],
  [['--mount', `${PASSWD}`], '/etc/passwd', 'only read-only'],
  [['--mount', `${PASSWD},readonly=false`], '/etc/passwd', 'only read-only'],
  [['--mount', `${PASSWD},readonly,readonly=0`], '/etc/passwd', 'only read-only'],
  [['--mount', `${PASSWD},readonly=yes`], '/etc/passwd', 'only read-only'],
  [['--mount', 'type=bind,source=/etc/ssl/certs,target=/x,readonly,bind-recursive=writable'], '/etc/ssl/certs', 'only read-only'],
  [['-v', '/etc/sdocker-no-such-file:/x:ro'], '/etc/sdocker-no-such-file', 'does not exist'],
];

for (const [flags, detail, reason] of REFUSED) {
  test(`refuses ${flags.join(' ')}`, async (t) => {
    const result = await runMain(['run', ...flags, 'alpine', 'true']);
    t.is(result.code, 125);
    t.deepEqual(result.runs, [], 'docker was not run');
    const lines = result.stderr.trimEnd().split('\n');
    // `/` holds the engine's socket too: its second line is the docker-socket refusal.
    t.is(lines.length, flags[1]?.startsWith('/:') === true ? 2 : 1, result.stderr);
    t.true(lines[0]?.includes(reason), lines[0]);
    t.true(lines[0]?.endsWith(`--sd-allow sensitive-mount:${detail}`), lines[0]);
  });
}

test('a symlink is judged by what it leads to as well as by its own path', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-'));
  symlinkSync('/etc/shadow', join(dir, 'notes'));
  symlinkSync('/etc/ssl/certs', join(dir, 'certs'));
  const secret = await runMain(['run', '-v', `${dir}/notes:/x:ro`, 'alpine']);
  t.is(secret.code, 125);
  t.regex(secret.stderr, /\(resolves to \/etc\/shadow; \/etc\/shadow is in secretPaths: refused in any mode\).*--sd-allow sensitive-mount:\/etc\/shadow$/m);
  const certs = await runMain(['run', '--sd-dry-run', '-v', './certs:/x:ro', 'alpine'], { cwd: dir });
  t.is(certs.code, 0, certs.stderr);
  t.regex(certs.stdout, /-v \.\/certs:\/x:ro: allowed read-only below the system folder \/etc/);
  const writable = await runMain(['run', '-v', './certs:/x', 'alpine'], { cwd: dir });
  t.is(writable.code, 125);
  t.regex(writable.stderr, /--sd-allow sensitive-mount:\/etc\/ssl\/certs$/m);
});

test('the dry run says why a read-only mount was let through; --sd-allow lifts one path', async (t) => {
  const dry = await runMain(['run', '--sd-dry-run', '-v', '/etc/ssl/certs:/etc/ssl/certs:ro', 'alpine']);
  t.is(dry.code, 0, dry.stderr);
  t.regex(dry.stdout, /^notes:\n(?: {2}.*\n)*? {2}sdocker: -v \/etc\/ssl\/certs:\/etc\/ssl\/certs:ro: allowed read-only below the system folder \/etc \(rule sensitive-mount, CIS 5\.6\): not secret/m);
  const allowed = await runMain(['run', '--sd-allow', 'sensitive-mount:/etc/ssl/certs', '-v', '/etc/ssl/certs:/x', 'alpine']);
  t.is(allowed.code, 0, allowed.stderr);
  const other = await runMain(['run', '--sd-allow', 'sensitive-mount:/etc/ssl/certs', '-v', '/etc/shadow:/x:ro', 'alpine']);
  t.is(other.code, 125);
});

/** A host whose symlinks and file kinds are data. */
function fakeHost(links: Record<string, string>, kinds: Record<string, PathKind | undefined> = {}): HostFacts {
  return { realpath: (p) => links[p] ?? p, kind: (p) => (p in kinds ? kinds[p] : 'file'), engineSocket: undefined };
}

test('judged on a fake host: a link under a system folder to a secret, a socket, a remote engine', async (t) => {
  const { policy } = await loadPolicy({ profile: 'default', env: {}, cwd: '/', cliAllow: [] });
  const bind = { source: '/etc/ssl/certs/foo', target: '/x', readOnly: true };
  t.like(judgeBind(bind, fakeHost({ '/etc/ssl/certs/foo': '/etc/shadow' }), policy), { kind: 'refused', path: '/etc/shadow' });
  t.like(judgeBind(bind, fakeHost({ '/etc/ssl/certs/foo': '/usr/share/ca-certificates/foo.crt' }), policy), { kind: 'read-only', folder: '/etc' });
  t.like(judgeBind(bind, fakeHost({}, { '/etc/ssl/certs/foo': 'other' }), policy), { kind: 'refused', path: '/etc/ssl/certs/foo' });
  t.like(judgeBind(bind, fakeHost({}, { '/etc/ssl/certs/foo': undefined }), policy), { kind: 'read-only' }, 'a remote engine: nothing to look at');
  t.like(judgeBind({ ...bind, source: '/home/me/etc-link' }, fakeHost({ '/home/me/etc-link': '/etc' }), policy), { kind: 'refused', path: '/etc' });
  t.like(judgeBind({ ...bind, source: '/home/me/data', readOnly: false }, fakeHost({}), policy), { kind: 'free' });
});

test('a folder that holds the engine socket is the socket (dockerd -H unix:///srv/d/docker.sock)', async (t) => {
  const { policy } = await loadPolicy({ profile: 'default', env: {}, cwd: '/', cliAllow: [] });
  const host: HostFacts = { ...fakeHost({ '/home/me/link': '/srv/d' }), engineSocket: '/srv/d/docker.sock' };
  const judge = (source: string, readOnly = false) => judgeBind({ source, target: '/x', readOnly }, host, policy).kind;
  t.is(judge('/srv/d'), 'engine-socket');
  t.is(judge('/srv', true), 'engine-socket');
  t.is(judge('/home/me/link'), 'engine-socket');
  t.is(judge('/srv/d/docker.sock'), 'engine-socket');
  t.is(judge('/srv/e'), 'free');
  t.is(judge('/srv/d/data'), 'free');
  t.is(judge('/srv/dd'), 'free');
});
