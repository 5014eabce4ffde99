// The log lines learn and explain read, as real servers print them (test/images/learn/README.md).
import test from 'ava';
import { findSymptoms, firstPath, namedAccounts, parsePasswd, type Operation, type SymptomKind } from '../src/diagnose/symptoms.js';

const CASES: readonly [line: string, kind: SymptomKind, path: string | undefined, operation?: Operation][] = [
  ['2026/11/30 [emerg] 1#1: mkdir() "/var/lib/nginx/body" failed (30: Read-only file system)', 'read-only', '/var/lib/nginx/body'],
  ["OSError: [Errno 30] Read-only file system: '/app/cache'", 'read-only', '/app/cache'],
  ["1:C # Fatal error, can't open config file '/etc/redis/redis.conf': Permission denied", 'permission', '/etc/redis/redis.conf'],
  ['[ALERT] (1) : Binding [/etc/haproxy/haproxy.cfg:4] for frontend GLOBAL: error when trying to unlink previous UNIX socket (Read-only file system) [/run/haproxy/admin.sock]', 'read-only', '/run/haproxy/admin.sock'],
  ['1796012989: Error: Unable to write pid file.', 'cannot-write', undefined],
  ['nginx: [emerg] setgid(33) failed (1: Operation not permitted)', 'not-permitted', undefined, 'setgid'],
  ['chown("/var/cache/x", 101) failed (1: Operation not permitted)', 'not-permitted', '/var/cache/x', 'chown'],
  ["Server can't set maximum open files to 10032 because of OS error: Operation not permitted.", 'not-permitted', undefined, 'other'],
];

for (const [line, kind, path, operation] of CASES) {
  test(`reads: ${line.slice(0, 70)}`, (t) => {
    const [symptom] = findSymptoms([line]);
    t.is(symptom?.kind, kind);
    t.is(symptom?.path, path);
    if (operation !== undefined) t.is(symptom?.operation, operation);
  });
}

test('lines that say nothing refused are not symptoms; repeats count once', (t) => {
  t.deepEqual(findSymptoms(['Ready to accept connections', 'listening on /run/x.sock']), []);
  t.is(findSymptoms(['open() "/run/a.pid" failed (30: Read-only file system)', 'open() "/run/a.pid" failed (30: Read-only file system)']).length, 1);
  t.is(firstPath('writing to /proc/self/fd/2 and /dev/stderr only'), undefined);
});

test('accounts come from /etc/passwd; a line names an account by its name, never root or nobody', (t) => {
  const accounts = parsePasswd('root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\nnobody:x:65534:65534::/:/bin/false\n');
  t.deepEqual(accounts.map((a) => [a.name, a.uid, a.gid]), [['root', 0, 0], ['www-data', 33, 33], ['nobody', 65534, 65534]]);
  t.deepEqual(namedAccounts(['user "www-data" root nobody'], accounts).map((a) => a.name), ['www-data']);
});
