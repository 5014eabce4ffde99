// Real servers from Debian's packages, laid out like the official images (test/images/), run
// through `sdocker run` with their image profiles: read-only root, --cap-drop ALL plus only the
// profile's capabilities, non-root, sdocker's seccomp profile; each serves a real request.
import test from 'ava';
import { connect } from 'node:net';
import { spawnSync } from 'node:child_process';
import { runCli } from './helpers/cli.js';
import { eventually } from './helpers/probes.js';
import { docker, engineSuite, inspect, type Inspect } from './helpers/engine.js';

const image = (name: string): string => `localhost/library/${name}:sdocker-test`;

const { named } = engineSuite(test);
test.before(() => {
  for (const name of ['nginx', 'redis', 'postgres', 'httpd']) {
    if (spawnSync('docker', ['image', 'inspect', image(name)], { stdio: 'ignore' }).status !== 0) {
      throw new Error(`${image(name)} is missing: run 'bash scripts/test-images'`);
    }
  }
});

/** Start a server through sdocker; returns its name and the inspect data. */
async function start(t: import('ava').ExecutionContext, name: string, flags: string[] = []): Promise<{ container: string; info: Inspect }> {
  const container = named(`sdtest-${name}`);
  const result = await runCli(['run', '-d', '--name', container, '-P', ...flags, image(name)]);
  t.is(result.code, 0, result.stderr);
  return { container, info: inspect(container) };
}

function hostPort(container: string, port: string): string {
  const info = inspect(container);
  const binding = info.NetworkSettings.Ports[port]?.[0];
  if (binding === undefined) throw new Error(`${container}: ${port} is not published`);
  if (binding.HostIp !== '127.0.0.1') throw new Error(`${container}: ${port} is published on ${binding.HostIp}`);
  return binding.HostPort;
}

/** How long a server may take to answer after `docker run -d` (postgres initialises its cluster), also on a busy machine. */
const SERVER_START_S = 120;

async function httpGet(container: string): Promise<string> {
  const port = hostPort(container, '80/tcp');
  return eventually(`GET from ${container}`, async () => {
    const response = await fetch(`http://127.0.0.1:${port}/`);
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    return response.text();
  }, SERVER_START_S);
}

/** The users that the container's processes run as. */
function processUsers(container: string): string[] {
  // docker top needs the pid column; the uid is the second.
  const rows = docker('top', container, '-eo', 'pid,uid').split('\n').slice(1);
  return [...new Set(rows.map((line) => line.trim().split(/\s+/)[1] ?? ''))].sort();
}

/** What the image profile promises, as docker inspect shows it. */
function assertHardened(t: import('ava').ExecutionContext, info: Inspect, user: string, writable: string[], caps: string[] | null): void {
  const host = info.HostConfig;
  t.is(info.Config.User, user);
  t.true(host.ReadonlyRootfs);
  t.deepEqual(host.CapDrop, ['ALL']);
  // The engine reports CAP_-prefixed names in its own order.
  t.deepEqual(host.CapAdd?.map((cap) => cap.replace(/^CAP_/, '')).sort() ?? null, caps === null ? null : [...caps].sort());
  t.deepEqual(Object.keys(host.Tmpfs ?? {}).sort(), [...writable].sort());
  t.true(host.SecurityOpt?.some((opt) => opt.startsWith('seccomp={')), 'sdocker seccomp profile');
  t.true(host.SecurityOpt?.includes('no-new-privileges'));
}

test('nginx serves HTTP as 101, with no capability', async (t) => {
  const { container, info } = await start(t, 'nginx');
  assertHardened(t, info, '101:101', ['/tmp', '/var/cache/nginx', '/var/run'], null);
  t.is(await httpGet(container), 'hello from nginx\n');
  t.deepEqual(processUsers(container), ['101']);
});

test('nginx started as root gets only CHOWN, SETUID, SETGID and switches its worker to nginx', async (t) => {
  const { container, info } = await start(t, 'nginx', ['--user', '0']);
  assertHardened(t, info, '0', ['/tmp', '/var/cache/nginx', '/var/run'], ['CHOWN', 'SETUID', 'SETGID']);
  t.is(await httpGet(container), 'hello from nginx\n');
  t.deepEqual(processUsers(container), ['0', '101'], 'master root, worker nginx');
});

test('httpd serves HTTP as daemon (uid 1), with no capability', async (t) => {
  const { container, info } = await start(t, 'httpd');
  assertHardened(t, info, '1:1', ['/tmp', '/usr/local/apache2/logs'], null);
  t.is(await httpGet(container), 'hello from httpd\n');
  t.deepEqual(processUsers(container), ['1']);
});

test('redis answers PING, SET and GET as 999', async (t) => {
  const { container, info } = await start(t, 'redis');
  assertHardened(t, info, '999:999', ['/tmp'], null);
  const port = hostPort(container, '6379/tcp');
  const replies = await eventually('redis', () => redis(Number(port), ['PING', 'SET sdocker hardened', 'GET sdocker']), SERVER_START_S);
  t.deepEqual(replies, ['+PONG', '+OK', '$8', 'hardened']);
  t.deepEqual(processUsers(container), ['999']);
});

test('postgres answers SELECT 1 through psql as 999', async (t) => {
  const { container, info } = await start(t, 'postgres', ['-e', 'POSTGRES_PASSWORD=sdocker']);
  assertHardened(t, info, '999:999', ['/tmp', '/var/run/postgresql'], null);
  const answer = await eventually('postgres', async () => {
    const result = spawnSync('docker', ['exec', '-e', 'PGPASSWORD=sdocker', container, 'psql', '-h', '127.0.0.1', '-U', 'postgres', '-tAc', 'SELECT 1'], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr.trim());
    return result.stdout;
  }, SERVER_START_S);
  t.is(answer, '1\n');
  t.deepEqual(processUsers(container), ['999']);
});

/** Send inline redis commands on one connection; the reply lines, once all have come. */
function redis(port: number, commands: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      data += chunk.toString();
      const lines = data.split('\r\n').filter((line) => line !== '');
      if (lines.length >= commands.length + 1) {
        socket.end();
        resolve(lines);
      }
    });
    socket.on('close', () => reject(new Error(`closed after ${JSON.stringify(data)}`)));
    socket.write(commands.map((c) => `${c}\r\n`).join(''));
  });
}
