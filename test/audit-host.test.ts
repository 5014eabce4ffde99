// §1.1 audit rules and §3 file ownership/permissions on fake stat results, and the merged
// daemon.json fix.
import test from 'ava';
import { engineChecks } from '../src/audit/checks/engine.js';
import { daemonFix, renderDaemonFix } from '../src/audit/fix/daemon.js';
import { byCis, engine, hostFiles, results, snapshot, type EngineOver } from './helpers/audit-engine.js';

const run = (over: EngineOver = {}) => engineChecks(snapshot(engine(over)));
const fixOf = (over: EngineOver = {}) => { const e = engine(over); return daemonFix(engineChecks(snapshot(e)), e); };
const sock = (mode: number, gid: number) => ({ '/var/run/docker.sock': { uid: 0, gid, mode, kind: 'socket' as const } });

test('this machine as measured: §3 files pass, absent ones are n/a, no audit rules warn', (t) => {
  const f = run();
  t.like(results(f), { '3.1': 'pass', '3.2': 'pass', '3.3': 'pass', '3.4': 'pass', '3.5': 'pass', '3.6': 'pass', '3.15': 'pass', '3.16': 'pass', '3.17': 'n/a', '3.21': 'n/a', '3.23': 'n/a', '3.7': 'n/a' });
  t.like(results(f), { '1.1.3': 'warn', '1.1.5': 'warn', '1.1.6': 'warn', '1.1.4': 'n/a', '1.1.2': 'pass' });
  t.is(byCis(f, '3.2').evidence, '/lib/systemd/system/docker.service mode=0644');
});

test('permissions are bit masks: 0466 is wider than 0644 though smaller as a number', (t) => {
  const f = run({ hostFiles: hostFiles({}, { '/lib/systemd/system/docker.service': { uid: 0, gid: 0, mode: 0o466, kind: 'file' } }) });
  t.is(byCis(f, '3.2').result, 'warn');
  t.regex(byCis(f, '3.2').message, /chmod 0444/);
  t.is(byCis(run({ hostFiles: hostFiles({}, { '/lib/systemd/system/docker.service': { uid: 0, gid: 0, mode: 0o600, kind: 'file' } }) }), '3.2').result, 'pass');
});

test('/etc/systemd/system overrides /lib/systemd/system, as systemd reads it', (t) => {
  const f = run({ hostFiles: hostFiles({}, { '/etc/systemd/system/docker.service': { uid: 1000, gid: 0, mode: 0o644, kind: 'file' } }) });
  t.is(byCis(f, '3.1').result, 'warn');
  t.regex(byCis(f, '3.1').evidence, /^\/etc\/systemd\/system\/docker.service uid=1000/);
});

test('the socket must be root:docker and 0660 or stricter', (t) => {
  t.like(results(run({ hostFiles: hostFiles({}, sock(0o666, 0)) })), { '3.15': 'warn', '3.16': 'warn' });
  t.like(results(run({ hostFiles: hostFiles({}, sock(0o600, 998)) })), { '3.15': 'pass', '3.16': 'pass' });
});

test('TLS files named in daemon.json and registry certificates are judged; the key must be 0400', (t) => {
  const json = JSON.stringify({ hosts: ['tcp://0.0.0.0:2376'], tlsverify: true, tlscacert: '/etc/docker/ca.pem', tlskey: '/etc/docker/key.pem' });
  const f = run({ hostFiles: hostFiles({ daemonJson: { path: '/etc/docker/daemon.json', text: json } }, {
    '/etc/docker/daemon.json': { uid: 0, gid: 0, mode: 0o644, kind: 'file' }, '/etc/docker/ca.pem': { uid: 0, gid: 0, mode: 0o444, kind: 'file' },
    '/etc/docker/key.pem': { uid: 0, gid: 0, mode: 0o440, kind: 'file' }, '/etc/docker/certs.d/reg:5000/ca.crt': { uid: 0, gid: 0, mode: 0o644, kind: 'file' },
  }) });
  t.like(results(f), { '2.7': 'pass', '3.9': 'pass', '3.10': 'pass', '3.13': 'pass', '3.14': 'warn', '3.17': 'pass', '3.18': 'pass', '3.7': 'pass', '3.8': 'warn' });
});

test('an audit rule in rules.d passes; a commented one does not', (t) => {
  const rules = ['-w /usr/sbin/dockerd -k docker', '# -w /etc/docker -k docker', '-a exit,always -F path=/var/lib/docker -F perm=war -k docker'];
  t.like(results(run({ hostFiles: hostFiles({ auditRules: rules }) })), { '1.1.3': 'pass', '1.1.5': 'pass', '1.1.6': 'warn' });
});

test('the docker group members are listed for review (1.1.2)', (t) => {
  const f = byCis(run({ hostFiles: hostFiles({ dockerGroup: { gid: 998, members: ['alice', 'ci'] } }) }), '1.1.2');
  t.is(f.result, 'info');
  t.regex(f.message, /alice, ci/);
});

test('the fix: only the warned settings are added; every existing key kept; userns only suggested', (t) => {
  const json = { 'data-root': '/srv/docker', 'log-opts': { 'max-size': '10m' }, 'userland-proxy': false };
  const fix = fixOf({ hostFiles: hostFiles({ daemonJson: { path: '/etc/docker/daemon.json', text: JSON.stringify(json) } }) });
  t.deepEqual(fix.daemonJson, { ...json, icc: false, 'no-new-privileges': true, 'live-restore': true });
  t.deepEqual(fix.suggestions.map((s) => s.key).sort(), ['authorization-plugins', 'log-driver', 'userns-remap']);
  t.regex(fix.notes.find((n) => n.includes('userns-remap')) ?? '', /suggested, not merged.*existing images and volumes are hidden/);
  t.regex(fix.notes.find((n) => n.startsWith('"live-restore"')) ?? '', /reload dockerd/);
  t.regex(fix.notes.find((n) => n.startsWith('"icc"')) ?? '', /restart dockerd/);
  t.regex(renderDaemonFix(fix), /^\/etc\/docker\/daemon.json:\n\{\n {2}"data-root"/);
});

test('the fix leaves good engines alone and does not fight the command line', (t) => {
  const good = hostFiles({ daemonJson: { path: '/etc/docker/daemon.json', text: JSON.stringify({ 'userland-proxy': false, 'no-new-privileges': true, 'live-restore': true }) } });
  t.is(fixOf({ bridgeIcc: 'false', hostFiles: good, info: { LiveRestoreEnabled: true } }).daemonJson, null);
  const flags = fixOf({ hostFiles: hostFiles({ dockerdArgs: ['dockerd', '--log-level=debug'] }) });
  t.false('log-level' in (flags.daemonJson ?? {}));
  t.true(flags.notes.some((n) => n.includes("dockerd's command line (dockerd --log-level=debug)")));
  const debug = fixOf({ info: { Debug: true }, hostFiles: hostFiles({ daemonJson: { path: '/etc/docker/daemon.json', text: '{"debug": true}' } }) });
  t.like(debug.daemonJson, { debug: false, 'log-level': 'info' });
});

test('the fix for a broken daemon.json or a remote engine says where the keys go', (t) => {
  const broken = fixOf({ hostFiles: hostFiles({ daemonJson: { path: '/etc/docker/daemon.json', text: '{' } }) });
  t.is(broken.daemonJson, null);
  t.regex(broken.notes[0] ?? '', /not valid JSON.*add the keys below yourself/);
  const remote = fixOf({ local: false, endpoint: 'tcp://h:2376', hostFiles: undefined });
  t.deepEqual(remote.daemonJson, { icc: false, 'live-restore': true });
  t.regex(remote.notes[0] ?? '', /remote/);
});
