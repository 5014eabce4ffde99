// The fix `sdocker audit` gives a container, on a real engine: containers created with plain
// docker and typical misconfigurations are read back with docker inspect, and replaced by
// running the fix's steps as printed (POSIX sh, sdocker on PATH): the old container is kept,
// stopped, until the new one runs, then removed. docker inspect then shows the user's ports,
// volumes, env and command kept, what the image supplied not repeated, and the hardening
// applied. A new container that does not come up leaves the old one, and the printed roll back
// brings it back.
import test from 'ava';
import { CLI } from './helpers/cli.js';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { containerFix } from '../src/audit/fix/container.js';
import type { Fix } from '../src/audit/types.js';
import { loadPolicy } from '../src/policy/load.js';
import { runCli } from './helpers/cli.js';
import { localHost, readContainer, readEngine } from './helpers/audit-snapshot.js';
import { anonymousVolumes, fixBlock, printedRollback, printedSteps, sdockerOnPath, sh } from './helpers/audit-fix-steps.js';
import { IMAGE, LABEL_ARGS, containerExists, docker, engineSuite, removeContainers, uniqueName } from './helpers/engine.js';
import { eventually } from './helpers/probes.js';

const { named: name0, cleanup } = engineSuite(test, 'sdafix');
const bin = sdockerOnPath();
const cache = mkdtempSync(join(tmpdir(), 'sdafix-cache-'));
const leftovers: string[] = [];
cleanup(() => {
  removeContainers(...leftovers.map((name) => `${name}-sdocker-old`));
  bin.done();
  rmSync(cache, { recursive: true, force: true });
});
/** A container name of this file; the old container the steps keep is removed after the file too. */
function named(): string {
  const name = name0();
  leftovers.push(name);
  return name;
}
const APP_IMAGE = `sdocker-test/afix-${uniqueName('app')}:1`;
const VOLUME = uniqueName('sdafix-vol');
const folder = mkdtempSync(join(tmpdir(), 'sdafix-'));
cleanup(() => {
  spawnSync('docker', ['volume', 'rm', VOLUME], { stdio: 'ignore' });
  spawnSync('docker', ['rmi', APP_IMAGE], { stdio: 'ignore' });
  rmSync(folder, { recursive: true, force: true });
});

// An image that supplies ENV, CMD, EXPOSE, VOLUME, a label and a working folder: none of them may be repeated in the fix.
const DOCKERFILE = `FROM ${IMAGE}
ENV APP_MODE=prod APP_PORT=8080
LABEL org.sdocker.test.role=web
EXPOSE 8080
VOLUME /cache
WORKDIR /srv
CMD ["sleep", "3600"]
`;

test.before(() => {
  const built = spawnSync('docker', ['build', '-q', ...LABEL_ARGS, '-t', APP_IMAGE, '-'], { input: DOCKERFILE, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`docker build ${APP_IMAGE} failed: ${built.stderr}`);
  // Served by busybox httpd as the non-root user the fix runs it as.
  chmodSync(folder, 0o755);
  writeFileSync(join(folder, 'index.html'), 'from the host folder\n', { mode: 0o644 });
});

interface Inspected {
  State: { Running: boolean };
  Config: { User: string; Env: string[]; Cmd: string[] };
  HostConfig: { CapDrop: string[] | null; CapAdd: string[] | null; ReadonlyRootfs: boolean; SecurityOpt: string[] | null; NetworkMode: string; PidMode: string; Binds: string[] | null; RestartPolicy: { Name: string }; PortBindings: Record<string, { HostIp: string; HostPort: string }[]> | null };
  Mounts: { Type: string; Name?: string; Source: string; Destination: string }[];
}

function inspectOf(name: string): Inspected {
  return (JSON.parse(docker('inspect', name)) as Inspected[])[0] as Inspected;
}

/** The fix for a container, as the audit computes it from the snapshot. */
async function fixOf(name: string): Promise<Fix> {
  const { container, image } = readContainer(name);
  const { policy } = await loadPolicy({ profile: 'default', env: {}, cwd: process.cwd(), cliAllow: [], image: image.ref });
  return containerFix(container, image, { policy, host: localHost(), engine: readEngine(), cwd: process.cwd() });
}

/** Run the fix's steps as printed: the old container is gone after them (its anonymous volumes removed here). */
async function recreate(t: import('ava').ExecutionContext, name: string, fix: Fix): Promise<Inspected> {
  t.is(fix.command[0], 'sdocker');
  const volumes = anonymousVolumes(name);
  cleanup(() => spawnSync('docker', ['volume', 'rm', ...volumes], { stdio: 'ignore' }));
  const run = sh(printedSteps(fix), bin.path, { XDG_CACHE_HOME: cache });
  t.is(run.status, 0, `${printedSteps(fix)}\n${run.stderr}`);
  t.false(containerExists(`${name}-sdocker-old`), 'the old container is removed once the new one runs');
  return inspectOf(name);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '0.0.0.0', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The page at `url`, polled until the server answers (30 s, probes.ts). */
const fetchText = (url: string): Promise<string> => eventually(`GET ${url}`, async () => (await fetch(url)).text());

function assertHardened(t: import('ava').ExecutionContext, info: Inspected): void {
  t.true(info.State.Running);
  t.deepEqual(info.HostConfig.CapDrop, ['ALL']);
  t.true(info.HostConfig.ReadonlyRootfs);
  t.true(info.HostConfig.SecurityOpt?.includes('no-new-privileges'));
  t.is(info.Config.User, '65534:65534', 'non-root: nothing it keeps needs root');
  t.is(info.HostConfig.NetworkMode, 'sdocker');
}

test('ports, a named volume, a host folder, env and command survive, restart always becomes bounded; the image\'s values are not repeated', async (t) => {
  const name = named();
  const port = await freePort();
  docker('run', '-d', ...LABEL_ARGS, '--name', name, '--restart', 'always', '-p', `0.0.0.0:${port}:8080`, '-v', `${VOLUME}:/data`, '-v', `${folder}:/host`,
    '-e', 'GREETING=hello', '-e', 'APP_MODE=debug', APP_IMAGE, 'httpd', '-f', '-p', '8080', '-h', '/host');
  const fix = await fixOf(name);
  const words = fix.command.join(' ');
  t.true(words.includes(`--publish ${port}:8080`), 'the host address 0.0.0.0 is left to sdocker');
  for (const kept of ['--env GREETING=hello', '--env APP_MODE=debug', `--volume ${VOLUME}:/data`, `--volume ${folder}:/host`]) t.true(words.includes(kept), kept);
  t.false(words.includes('--restart'), 'always is left to sdocker (CIS 5.15)');
  t.true(fix.lost?.some((line) => line.startsWith('--restart always: replaced')), fix.lost?.join('\n'));
  // What the image supplied: its ENV value, label, EXPOSE, VOLUME, WORKDIR; and the engine's PATH.
  for (const supplied of ['APP_PORT', 'APP_MODE=prod', 'PATH=', 'org.sdocker.test.role', '--expose', '--workdir', '/cache', '--hostname']) t.false(words.includes(supplied), supplied);
  t.deepEqual(fix.command.slice(fix.command.indexOf(APP_IMAGE)), [APP_IMAGE, 'httpd', '-f', '-p', '8080', '-h', '/host']);
  t.true(fix.lost?.some((line) => line.startsWith("the image's anonymous volume at /cache")), fix.lost?.join('\n'));
  t.false(fix.lost?.some((line) => line.startsWith('dropped ')), 'nothing of it is refused');
  // What `sdocker audit NAME` prints is what runs below.
  const printed = spawnSync(process.execPath, [CLI, 'audit', name], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache } });
  t.deepEqual(fixBlock(printed.stdout), { steps: printedSteps(fix), rollback: printedRollback(fix) }, printed.stdout);

  const info = await recreate(t, name, fix);
  assertHardened(t, info);
  t.deepEqual(info.HostConfig.PortBindings, { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
  t.deepEqual(info.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 5 });
  t.deepEqual(info.Config.Cmd, ['httpd', '-f', '-p', '8080', '-h', '/host']);
  for (const env of ['GREETING=hello', 'APP_MODE=debug', 'APP_PORT=8080']) t.true(info.Config.Env.includes(env), env);
  t.truthy(info.Mounts.find((m) => m.Type === 'volume' && m.Name === VOLUME && m.Destination === '/data'));
  t.truthy(info.Mounts.find((m) => m.Type === 'bind' && m.Source === folder && m.Destination === '/host'));
  t.is(await fetchText(`http://127.0.0.1:${port}/index.html`), 'from the host folder\n');
  // The re-created container audits clean but for what no command line can give it here.
  const audited = spawnSync(process.execPath, [CLI, 'audit', name, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache } });
  const warned = (JSON.parse(audited.stdout) as { findings: { check: string; result: string }[] }).findings.filter((f) => f.result === 'warn').map((f) => f.check);
  t.deepEqual(warned.filter((check) => !['healthcheck', 'apparmor'].includes(check)), [], `only the health check (and AppArmor where the host has none) may remain: ${warned.join(', ')}`);
});

test('host network, host pid, the Docker socket and SYS_ADMIN are dropped and named; the command still runs', async (t) => {
  const name = named();
  const port = await freePort();
  docker('run', '-d', '--restart', 'no', ...LABEL_ARGS, '--name', name, '--network', 'host', '--expose', String(port), '--pid', 'host',
    '-v', '/var/run/docker.sock:/s', '--cap-add', 'SYS_ADMIN', IMAGE, 'httpd', '-f', '-p', String(port), '-h', '/www');
  const fix = await fixOf(name);
  const words = fix.command.join(' ');
  for (const gone of ['host', 'docker.sock', 'SYS_ADMIN', '--pid', '--restart']) t.false(words.includes(gone), gone);
  const dropped = (fix.lost ?? []).filter((line) => line.startsWith('dropped '));
  t.is(dropped.length, 4, dropped.join('\n'));
  for (const allow of ['host-network', 'host-pid', 'docker-socket', 'dangerous-cap:SYS_ADMIN']) t.true(dropped.some((line) => line.endsWith(`--sd-allow ${allow}`)), allow);
  // Off the host network, the port it served on the host is published on the same number.
  t.true(words.includes(`--publish ${port}:${port}`), words);

  const info = await recreate(t, name, fix);
  assertHardened(t, info);
  t.is(info.HostConfig.PidMode, '');
  t.is(info.HostConfig.CapAdd, null);
  t.is(info.HostConfig.Binds, null);
  t.deepEqual(info.Config.Cmd, ['httpd', '-f', '-p', String(port), '-h', '/www']);
  t.deepEqual(info.HostConfig.PortBindings, { [`${port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
  t.regex(await fetchText(`http://127.0.0.1:${port}/index.html`), /\S/);
});

test('a container sdocker started comes back the same: nothing lost but its writable layer', async (t) => {
  const name = named();
  const port = await freePort();
  const started = await runCli(['run', '-d', ...LABEL_ARGS, '--name', name, '-p', `${port}:8080`, IMAGE, 'httpd', '-f', '-p', '8080', '-h', '/www']);
  t.is(started.code, 0, started.stderr);
  const before = inspectOf(name);
  const fix = await fixOf(name);
  t.deepEqual(fix.lost, [`files it changed outside its volumes (docker diff ${name}) are not carried over`]);
  t.false(fix.command.some((word) => word.startsWith('seccomp=')), "sdocker's own profile is injected again, not copied");
  const after = await recreate(t, name, fix);
  assertHardened(t, after);
  for (const key of ['CapDrop', 'ReadonlyRootfs', 'SecurityOpt', 'PortBindings', 'RestartPolicy'] as const) t.deepEqual(after.HostConfig[key], before.HostConfig[key], key);
  t.deepEqual(after.Config.Cmd, before.Config.Cmd);
});

test('a stopped container is made again, not started: sdocker create, and the old one removed', async (t) => {
  const name = named();
  docker('create', ...LABEL_ARGS, '--name', name, '--cap-add', 'NET_ADMIN', IMAGE, 'sleep', '3600');
  const fix = await fixOf(name);
  t.deepEqual(fix.command.slice(0, 2), ['sdocker', 'create']);
  const info = await recreate(t, name, fix);
  t.false(info.State.Running);
  t.deepEqual(info.HostConfig.CapDrop, ['ALL']);
  t.true(info.HostConfig.ReadonlyRootfs);
});

test('a new container that does not come up leaves the old one, stopped and renamed; the printed roll back restores it', async (t) => {
  const name = named();
  // Runs as root under plain docker; hardened (non-root, no capabilities) its chown fails and it exits.
  docker('run', '-d', ...LABEL_ARGS, '--name', name, '--restart', 'unless-stopped', IMAGE, 'sh', '-c', 'chown 0:0 /tmp && exec sleep 3600');
  const fix = await fixOf(name);
  const early = sh(printedRollback(fix), bin.path);
  t.not(early.status, 0, 'a roll back before the steps stops at its first step');
  t.true(inspectOf(name).State.Running, 'and leaves the container alone');
  const run = sh(printedSteps(fix), bin.path, { XDG_CACHE_HOME: cache });
  t.not(run.status, 0, 'the check that it still runs fails');
  const old = (JSON.parse(docker('inspect', `${name}-sdocker-old`)) as { State: { Running: boolean }; HostConfig: { RestartPolicy: { Name: string } } }[])[0];
  t.false(old?.State.Running, 'the old container is kept, stopped');
  t.is(old?.HostConfig.RestartPolicy.Name, 'no', 'and the engine will not start it again');
  const back = sh(printedRollback(fix), bin.path);
  t.is(back.status, 0, back.stderr);
  t.false(containerExists(`${name}-sdocker-old`));
  const restored = (JSON.parse(docker('inspect', name)) as { State: { Running: boolean }; HostConfig: { RestartPolicy: { Name: string }; CapDrop: string[] | null } }[])[0];
  t.true(restored?.State.Running);
  t.is(restored?.HostConfig.RestartPolicy.Name, 'unless-stopped');
  t.is(restored?.HostConfig.CapDrop, null, 'the old container, not the new one');
});
