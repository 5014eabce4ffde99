// The container checks of `sdocker audit` on containers made with typical misconfigurations by
// plain docker (and one by sdocker run), judged from their real `docker inspect`. The warn sets
// are the ones compared with docker-bench-security's §5 (test/helpers/audit-vs-bench.ts; the
// differences are its documented bugs, docs/audit.md "Container checks and docker-bench-security").
import test from 'ava';
import { containerChecks } from '../src/audit/checks/containers.js';
import type { Finding, Snapshot } from '../src/audit/types.js';
import { AUDIT_CASES, snapshotOf, startCase } from './helpers/audit-containers.js';
import { docker, engineAppArmor, engineSuite, IMAGE, LABEL, LABEL_ARGS } from './helpers/engine.js';

const { named } = engineSuite(test, 'sdacont');

// Every plain-docker container lacks what sdocker run injects (CIS 4.1, 5.4, 5.11-5.13, 5.26,
// 5.29, log rotation) and a health check (the test image has none: CIS 5.27).
const UNHARDENED = ['user', 'cap-drop', 'memory', 'cpus', 'read-only', 'no-new-privileges', 'healthcheck', 'pids-limit', 'log-limits'];
const DOCKER0 = [...UNHARDENED, 'network'];

const EXPECTED_WARNS: Readonly<Record<string, readonly string[]>> = {
  // privileged also turns seccomp off (CIS 5.22); on an AppArmor host it also runs unconfined (5.2).
  privileged: [...DOCKER0, 'privileged', 'seccomp-unconfined', 'seccomp', ...(engineAppArmor().present ? ['apparmor', 'apparmor-unconfined'] : [])],
  hostnet: [...UNHARDENED, 'host-network'],
  hostpid: [...DOCKER0, 'host-pid'],
  socket: [...DOCKER0, 'docker-socket'],
  sysfolder: [...DOCKER0, 'sensitive-mount'],
  plain: DOCKER0,
  ports: [...DOCKER0, 'loopback-ports', 'privileged-ports'],
  always: [...DOCKER0, 'restart'],
  // Only the health check, which sdocker cannot invent for an image (issue 10's acceptance).
  sdocker: ['healthcheck'],
};

const names = new Map<string, string>();
let snapshot: Snapshot;
let findings: Finding[];

test.before(() => {
  for (const c of AUDIT_CASES) names.set(c.key, named());
  for (const c of AUDIT_CASES) startCase(c, names.get(c.key) as string, LABEL);
  snapshot = snapshotOf([...names.values()]);
  findings = containerChecks(snapshot);
});

const of = (key: string): Finding[] => findings.filter((f) => f.target.name === names.get(key));
const warns = (key: string): string[] => of(key).filter((f) => f.result === 'warn').map((f) => f.check).sort();

for (const c of AUDIT_CASES) {
  test(`${c.key}: the warnings agreed with docker-bench-security (or its documented bugs)`, (t) => {
    t.deepEqual(warns(c.key), [...(EXPECTED_WARNS[c.key] ?? [])].sort());
  });
}

test('every container gets one finding per check, each with a CIS id as the rule table has it', (t) => {
  const checks = of('plain').map((f) => f.check);
  t.is(new Set(checks).size, checks.length, 'one finding per check');
  t.is(of('sdocker').length, checks.length);
  const byCheck = new Map(of('plain').map((f) => [f.check, f]));
  t.is(byCheck.get('privileged')?.cis, '5.5');
  t.is(byCheck.get('docker-socket')?.cis, '5.32');
  t.is(byCheck.get('healthcheck')?.cis, '5.27');
  t.is(byCheck.get('log-limits')?.cis, null);
});

test('evidence cites the inspect field the finding rests on', (t) => {
  const evidence = (key: string, check: string): string => of(key).find((f) => f.check === check)?.evidence ?? '';
  t.is(evidence('hostnet', 'host-network'), 'HostConfig.NetworkMode=host');
  t.is(evidence('privileged', 'privileged'), 'HostConfig.Privileged=true');
  t.is(evidence('socket', 'docker-socket'), 'Mounts[0]=/var/run/docker.sock:/var/run/docker.sock');
  t.regex(evidence('sysfolder', 'sensitive-mount'), /^Mounts\[0\]=\/etc:\/host-etc \(\/etc is a system folder/);
  t.is(evidence('always', 'restart'), 'HostConfig.RestartPolicy=always');
  t.is(evidence('plain', 'restart'), 'HostConfig.RestartPolicy=no');
  t.regex(evidence('ports', 'loopback-ports'), /0\.0\.0\.0:\(any\)->80\/tcp/);
});

test('the same checks pass what sdocker run set, and the plain container warns on each', (t) => {
  for (const check of ['cap-drop', 'read-only', 'memory', 'pids-limit', 'no-new-privileges', 'restart', 'network', 'user', 'log-limits']) {
    t.is(of('sdocker').find((f) => f.check === check)?.result, 'pass', check);
    t.is(of('plain').find((f) => f.check === check)?.result, check === 'restart' ? 'pass' : 'warn', check);
  }
});

test("sshd is judged from the engine's process list: a host-PID container does not see the host's processes there", (t) => {
  // docker-bench runs `docker exec C ps -el | grep -c sshd`: with --pid host it counts its own grep.
  t.is(of('hostpid').find((f) => f.check === 'sshd')?.result, 'pass');
  t.is(of('privileged').find((f) => f.check === 'sshd')?.result, 'n/a', 'created, never started: no processes');
});

test('a process named sshd warns', (t) => {
  const name = named();
  // ps's comm is the name of the file exec'd: a script named sshd (busybox applets go by argv[0], so not a copy of sleep).
  docker('run', '-d', '--restart', 'no', ...LABEL_ARGS, '--name', name, IMAGE, 'sh', '-c', "printf '#!/bin/sh\\nsleep 3600; true\\n' > /tmp/sshd && chmod +x /tmp/sshd && exec /tmp/sshd");
  const found = containerChecks(snapshotOf([name])).find((f) => f.check === 'sshd');
  t.is(found?.result, 'warn', found?.evidence);
});

test('a container joining a host-network container shares the host network too', (t) => {
  const name = named();
  docker('create', '--restart', 'no', ...LABEL_ARGS, '--name', name, '--network', `container:${names.get('hostnet') as string}`, IMAGE, 'true');
  const found = containerChecks(snapshotOf([names.get('hostnet') as string, name])).find((f) => f.target.name === name && f.check === 'host-network');
  t.is(found?.result, 'warn');
  t.regex(found?.evidence ?? '', /HostConfig\.NetworkMode=container:.*NetworkMode=host/);
});
