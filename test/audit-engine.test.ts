// §2 engine checks on fake snapshots built from this machine's real `docker system info`.
import test from 'ava';
import { parseDockerdArgs } from '../src/audit/checks/daemon-config.js';
import { engineChecks } from '../src/audit/checks/engine.js';
import { byCis, engine, hostFiles, results, snapshot, warned2, type EngineOver } from './helpers/audit-engine.js';

const run = (over: EngineOver = {}) => engineChecks(snapshot(engine(over)));
const withJson = (json: unknown, over: EngineOver = {}) => run({ ...over, hostFiles: hostFiles({ daemonJson: { path: '/etc/docker/daemon.json', text: JSON.stringify(json) } }) });

test('this machine as measured: the §2 results per CIS id', (t) => {
  const f = run();
  t.deepEqual(results(f.filter((x) => x.cis?.startsWith('2.'))), {
    '2.1': 'info', '2.2': 'warn', '2.3': 'pass', '2.4': 'pass', '2.5': 'pass', '2.6': 'pass', '2.7': 'n/a', '2.8': 'info', '2.9': 'warn',
    '2.10': 'pass', '2.11': 'n/a', '2.12': 'warn', '2.13': 'warn', '2.14': 'warn', '2.15': 'warn', '2.16': 'warn', '2.17': 'pass', '2.18': 'pass',
  });
  t.is(byCis(f, '2.2').evidence, 'network bridge: com.docker.network.bridge.enable_icc=true');
  t.is(byCis(f, '2.15').evidence, 'info.LiveRestoreEnabled=false');
  t.deepEqual(f.map((x) => x.target), f.map(() => ({ kind: 'engine', name: 'unix:///var/run/docker.sock' })));
});

test('icc is read from the bridge network, not from the file: false passes, no bridge is n/a', (t) => {
  t.is(byCis(run({ bridgeIcc: 'false' }), '2.2').result, 'pass');
  t.is(byCis(run({ bridgeIcc: undefined }), '2.2').result, 'n/a');
  // A daemon.json saying icc false does not hide a bridge that still has icc on (not restarted yet).
  t.is(byCis(withJson({ icc: false }), '2.2').result, 'warn');
});

test('daemon.json keys decide what /info does not show; existing good values pass', (t) => {
  const f = withJson({ 'log-level': 'debug', 'userland-proxy': false, 'no-new-privileges': true, iptables: false, 'default-ulimits': { nofile: { Name: 'nofile', Hard: 64000, Soft: 64000 } }, 'cgroup-parent': 'mine' });
  t.like(results(f), { '2.3': 'warn', '2.4': 'warn', '2.8': 'pass', '2.10': 'warn', '2.14': 'pass', '2.16': 'pass' });
  t.is(byCis(f, '2.3').evidence, '/etc/docker/daemon.json "log-level": "debug"');
  t.like(results(withJson({ 'log-level': 'info', 'default-ulimits': {} })), { '2.3': 'pass', '2.8': 'info' });
});

test("dockerd's command line counts like daemon.json, in every flag spelling", (t) => {
  const args = (...a: string[]) => run({ hostFiles: hostFiles({ dockerdArgs: ['/usr/bin/dockerd', ...a] }) });
  t.is(byCis(args('-l', 'warn'), '2.3').result, 'warn');
  t.is(byCis(args('--log-level=info'), '2.3').result, 'pass');
  t.is(byCis(args('--userland-proxy=false'), '2.16').result, 'pass');
  t.is(byCis(args('--no-new-privileges'), '2.14').evidence, 'dockerd --no-new-privileges');
  t.is(byCis(args('-H', 'fd://', '-H', 'tcp://0.0.0.0:2375'), '2.7').result, 'warn');
  t.is(byCis(args('-H', 'tcp://0.0.0.0:2376', '--tlsverify', '--tlscacert=/c.pem'), '2.7').result, 'pass');
  t.regex(byCis(args('--host=tcp://0.0.0.0:2376', '--tls'), '2.7').message, /without client verification/);
  t.deepEqual(parseDockerdArgs(['dockerd', '-H', 'fd://', '--host=unix:///x', '--icc=false', '--debug']).get('hosts')?.value, ['fd://', 'unix:///x']);
});

test('live /info: debug, insecure registries, aufs, authz, logging, live-restore, seccomp, experimental', (t) => {
  const f = run({ info: {
    Debug: true, Driver: 'aufs', LoggingDriver: 'syslog', LiveRestoreEnabled: true, ExperimentalBuild: true,
    Plugins: { Authorization: ['opa-docker-authz'] }, SecurityOptions: ['name=seccomp,profile=unconfined'],
    RegistryConfig: { InsecureRegistryCIDRs: ['127.0.0.0/8', '10.0.0.0/8'], IndexConfigs: { 'reg.local:5000': { Secure: false }, 'docker.io': { Secure: true } } },
  } });
  t.like(results(f), { '2.3': 'warn', '2.5': 'warn', '2.6': 'warn', '2.12': 'pass', '2.13': 'pass', '2.15': 'pass', '2.17': 'warn', '2.18': 'warn' });
  t.regex(byCis(f, '2.5').message, /reg\.local:5000, 10\.0\.0\.0\/8/);
  t.is(byCis(run({ info: { SecurityOptions: ['name=seccomp,profile=/etc/docker/mine.json'] } }), '2.17').result, 'info');
  t.is(byCis(run({ info: { SecurityOptions: [] } }), '2.17').result, 'warn');
  t.is(byCis(run({ info: { LoggingDriver: 'local' } }), '2.13').result, 'warn');
  t.is(byCis(run({ info: { Swarm: { LocalNodeState: 'active' } } }), '2.15').result, 'n/a');
  t.is(byCis(run({ info: { Driver: 'devicemapper' } }), '2.11').result, 'pass');
  t.is(byCis(withJson({ 'storage-opts': ['dm.basesize=20G'] }, { info: { Driver: 'devicemapper' } }), '2.11').result, 'warn');
});

test('userns and rootless pass 2.9; rootless passes 2.1 and makes the host-file checks n/a', (t) => {
  t.is(byCis(run({ info: { SecurityOptions: ['name=seccomp,profile=default', 'name=userns'] } }), '2.9').result, 'pass');
  const rootless = run({ info: { SecurityOptions: ['name=seccomp,profile=default', 'name=rootless'] } });
  t.like(results(rootless), { '2.1': 'pass', '2.9': 'pass', '1.1': 'n/a', '3': 'n/a' });
  t.false(rootless.some((f) => f.check.startsWith('host-') && f.result !== 'n/a'));
});

test('a remote engine: live settings judged, configured ones "info", host files "n/a"', (t) => {
  const f = run({ local: false, endpoint: 'tcp://build.example:2376', hostFiles: undefined });
  t.like(results(f), { '2.2': 'warn', '2.15': 'warn', '2.3': 'info', '2.4': 'info', '2.7': 'info', '2.14': 'info', '2.16': 'info', '1.1': 'n/a', '3': 'n/a' });
  t.is(warned2(f).join(' '), '2.2 2.9 2.12 2.13 2.15');
  const desktop = run({ info: { OperatingSystem: 'Docker Desktop' }, hostFiles: undefined });
  t.like(results(desktop), { '1.1': 'n/a', '3': 'n/a', '2.14': 'info' });
});

test('an unreadable or broken daemon.json is a finding of its own', (t) => {
  const broken = run({ hostFiles: hostFiles({ daemonJson: { path: '/etc/docker/daemon.json', text: '{"icc": false,' } }) });
  t.is(broken.find((f) => f.check === 'daemon-json')?.result, 'warn');
  const denied = run({ hostFiles: hostFiles({ daemonJson: { path: '/etc/docker/daemon.json', text: null, error: 'EACCES' } }) });
  t.regex(denied.find((f) => f.check === 'daemon-json')?.message ?? '', /EACCES/);
  t.false(run().some((f) => f.check === 'daemon-json'));
});
