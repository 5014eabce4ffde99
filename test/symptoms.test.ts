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
  // MariaDB under a seccomp profile without io_uring: "user" and "group" here name no operation.
  ['2026-12-04 22:01:27 0 [Warning] mariadbd: io_uring_queue_init() failed with EPERM: sysctl kernel.io_uring_disabled has the value 2, or 1 and the user of the process is not a member of sysctl kernel.io_uring_group. (see man 2 io_uring_setup).', 'not-permitted', undefined, 'other'],
  ['failed to drop supplementary groups: Operation not permitted', 'not-permitted', undefined, 'setgid'],
  ['failed to assume identity of user memcache: Operation not permitted', 'not-permitted', undefined, 'setuid'],
  ['[ALERT] (9) : [haproxy.main()] Cannot set gid 105: Operation not permitted.', 'not-permitted', undefined, 'setgid'],
  // BIND joins its folder and a name with two slashes.
  ["04-Dec-2026 21:52:02.053 could not open file '//run/named/named.pid': Read-only file system", 'read-only', '/run/named/named.pid'],
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

test('a name counts as an account only where the line speaks of one: "see man 2 io_uring_setup" is not the account man', (t) => {
  const accounts = parsePasswd('man:x:6:12::/var/cache/man:/usr/sbin/nologin\nmemcache:x:103:106::/nonexistent:/bin/false\nmysql:x:106:109::/nonexistent:/bin/false\nredis:x:101:104::/var/lib/redis:/bin/false\n');
  const names = (line: string): string[] => namedAccounts([line], accounts).map((a) => a.name);
  t.deepEqual(names('[Warning] io_uring_queue_init() failed with EPERM (see man 2 io_uring_setup).'), []);
  t.deepEqual(names('failed to assume identity of user memcache'), ['memcache']);
  t.deepEqual(names("Access denied for user 'mysql'@'localhost'"), ['mysql']);
  t.deepEqual(names('getpwnam("redis") failed'), ['redis']);
  t.deepEqual(names('memcached -u memcache -m 64'), ['memcache']);
  t.deepEqual(names('the redis server started; man pages are elsewhere'), []);
});

test('a path on the line after the error, and a relative path the context resolves, are the symptom\'s path', (t) => {
  const [next] = findSymptoms(['Error: Unable to open file for writing:', '  /var/log/app/app.log', 'exiting']);
  t.is(next?.path, '/var/log/app/app.log');
  const written = ['/var/spool/postfix/pid/master.pid'];
  const resolve = (relative: string): string | undefined => written.find((path) => path.endsWith(`/${relative}`));
  const [relative] = findSymptoms(['postfix/master[1]: fatal: open lock file pid/master.pid: cannot open file: Read-only file system'], { resolve });
  t.is(relative?.path, '/var/spool/postfix/pid/master.pid');
  // Without a context a relative path is not guessed; a sentence is not a path.
  t.is(findSymptoms(['fatal: open lock file pid/master.pid: cannot open file: Read-only file system'])[0]?.path, undefined);
  t.is(findSymptoms(['fatal: cannot write 3/4 of it: Read-only file system'], { resolve })[0]?.path, undefined);
});
