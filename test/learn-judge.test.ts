// The pure parts of learn's judging: log lines compared with the reference's, the shape of what a
// server answered, per-folder tmpfs options, and which tag a learned profile applies to.
import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shape } from '../src/learn/exchange.js';
import { profileEntry } from '../src/learn/learn.js';
import { compareLogs, normalizeLine } from '../src/learn/loglines.js';
import { tmpfsValue } from '../src/policy/defaults.js';
import { imageVersion } from '../src/policy/images.js';
import { loadPolicy } from '../src/policy/load.js';
import { dockerArgv, runMain } from './helpers/fakes.js';

test('lines are compared with numbers, hex ids and addresses blanked', (t) => {
  t.is(normalizeLine('2026-12-04 22:06:24.423596+00:00 [error] <0.682.0> closing AMQP connection (172.18.0.1:35058 -> 172.18.0.2:5672)'), normalizeLine('2026-12-05 01:02:03.000001+00:00 [error] <0.700.0> closing AMQP connection (172.17.0.1:4000 -> 172.17.0.3:5672)'));
  t.not(normalizeLine('open() "/run/a.pid" failed'), normalizeLine('open() "/run/b.pid" failed'));
});

test('a new error line fails; a line the reference printed, a warning, its continuation and a fallback do not', (t) => {
  const reference = ['[Note] Server socket created on IP: 0.0.0.0', '04-Dec-2026 21:49:21.517 managed-keys-zone: Unable to fetch DNSKEY set: ncache nxdomain'];
  const trial = [
    '04-Dec-2026 22:11:00.001 managed-keys-zone: Unable to fetch DNSKEY set: ncache nxdomain',
    '2026-12-04 22:01:27 0 [Warning] mariadbd: io_uring_queue_init() failed with EPERM: the user of the process is not a member of kernel.io_uring_group. (see man 2 io_uring_setup).',
    'create_uring failed: falling back to libaio',
    "Server can't set maximum open files to 10032 because of OS error: Operation not permitted.",
    'fatal: chroot("/run/sshd"): Operation not permitted [preauth]',
    '[emerg] 1#1: open() "/run/nginx.pid" failed (30: Read-only file system)',
  ];
  const { errors, notes } = compareLogs(reference, trial);
  t.deepEqual(errors, ['fatal: chroot("/run/sshd"): Operation not permitted [preauth]', '[emerg] 1#1: open() "/run/nginx.pid" failed (30: Read-only file system)']);
  t.is(notes.length, 3);
  t.deepEqual(compareLogs(trial, trial), { errors: [], notes: [] });
});

test('what a server answered, by shape: a status, a first word, binary, a DNS rcode', (t) => {
  t.is(shape('HTTP/1.1 200 OK\r\nServer: x\r\n'), 'HTTP/1.1 200');
  t.is(shape('HTTP/1.1 503 Service Unavailable\r\n'), 'HTTP/1.1 503');
  t.is(shape('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'), 'SSH-2.0-OpenSSH_9.2p1');
  t.is(shape('220 mail.sdlearn.test ESMTP Postfix\r\n'), '220');
  t.is(shape('-ERR unknown command'), '-ERR');
  t.is(shape('AMQP\x00\x00\x09\x01'), 'binary');
  // A MySQL packet whose length byte happens to be printable.
  t.is(shape('!\x00\x00\x02\xff\x84\x04'), 'binary');
  t.is(shape(''), 'nothing');
  t.is(shape('\x00\x30\x5d\x0c\x85\x00', true), 'dns rcode 0');
  t.is(shape('\x00\x30\x5d\x0c\x85\x05', true), 'dns rcode 5');
});

test('a tmpfs.paths entry with options of its own replaces the policy\'s option of the same name', async (t) => {
  const { policy } = await loadPolicy({ profile: 'default', cliAllow: [], env: { HOME: '/nonexistent-home', XDG_CONFIG_HOME: '/nonexistent-home/.config' }, cwd: '/' });
  t.is(tmpfsValue(policy, '/tmp', ['uid=1', 'gid=2']), '/tmp:rw,noexec,nosuid,nodev,size=64m,uid=1,gid=2');
  t.is(tmpfsValue(policy, '/var/lib/varnish:exec,size=144m', ['uid=1', 'gid=2']), '/var/lib/varnish:rw,nosuid,nodev,exec,size=144m,uid=1,gid=2');
  t.is(tmpfsValue(policy, '/run/sshd:mode=755', []), '/run/sshd:rw,noexec,nosuid,nodev,size=64m,mode=755');
  // A folder's own owner (a root program that drops to its service user) is kept.
  t.is(tmpfsValue(policy, '/var/lib/postfix:uid=108,gid=111', []), '/var/lib/postfix:rw,noexec,nosuid,nodev,size=64m,uid=108,gid=111');
});

/** A config folder whose images/ holds the given profiles. */
function configWith(files: Record<string, string>): NodeJS.ProcessEnv {
  const root = mkdtempSync(join(tmpdir(), 'sdocker-learn-judge-'));
  mkdirSync(join(root, 'sdocker', 'images'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'sdocker', 'images', name), text);
  return { HOME: '/nonexistent-home', XDG_CONFIG_HOME: root };
}

test('a learned profile applies to the tag it was proven on; a bare repository to every tag; the tag wins', async (t) => {
  t.is(profileEntry('localhost/sdlearn/nginx:1'), 'sdlearn/nginx:1');
  t.is(profileEntry('nginx'), 'nginx:latest');
  t.is(profileEntry('registry.local:5000/team/app@sha256:abc'), 'team/app@sha256:abc');
  t.is(imageVersion('registry.local:5000/team/app'), 'latest');
  const env = configWith({
    'sdtag@1.yml': 'images: ["sdtag:1"]\nuser: "101:101"\ntmpfs:\n  paths: [/tmp, "/var/lib/sdtag:exec,size=144m"]\n',
    'sdtag.yml': 'images: [sdtag]\nuser: "202:202"\n',
  });
  const images = { 'sdtag:1': { user: '', exposedPorts: [] }, 'sdtag:2': { user: '', exposedPorts: [] }, 'localhost/sdtag:1': { user: '', exposedPorts: [] } };
  const one = dockerArgv(await runMain(['run', 'sdtag:1'], { env, images }));
  t.true(one.includes('101:101'), one.join(' '));
  t.true(one.includes('/var/lib/sdtag:rw,nosuid,nodev,exec,size=144m,uid=101,gid=101'), one.join(' '));
  t.true(dockerArgv(await runMain(['run', 'localhost/sdtag:1'], { env, images })).includes('101:101'));
  const two = dockerArgv(await runMain(['run', 'sdtag:2'], { env, images }));
  t.true(two.includes('202:202'), two.join(' '));
  t.false(two.some((word) => word.startsWith('/var/lib/sdtag')));
  const onlyTag = configWith({ 'sdtag@1.yml': 'images: ["sdtag:1"]\nuser: "101:101"\n' });
  t.false(dockerArgv(await runMain(['run', 'sdtag:2'], { env: onlyTag, images })).includes('101:101'), 'another tag gets the default policy');
});
