// sdocker learn on real servers built from Debian's packages and started the way many Docker
// Hub images start (root, Debian's own paths; test/images/learn), none with a profile of
// sdocker's: learn proves a profile, then a plain `sdocker run -d -p 127.0.0.1::PORT IMAGE`
// serves real requests, read-only, without capabilities beyond a few harmless ones.
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished, runCli, startCli } from './helpers/cli.js';
import { docker, engineSuite, inspect, LABEL_ARGS, uniqueName } from './helpers/engine.js';
import { assertLearnedHardened } from './helpers/learned.js';
import { eventually, exchange, httpOk, memcachedSetGet, mqttConnack, redisPing } from './helpers/probes.js';

const config = mkdtempSync(join(tmpdir(), 'sdocker-learn-'));
const env = { XDG_CONFIG_HOME: config };

const { named } = engineSuite(test);

/**
 * sdocker learn with the run's label and one of its own among its docker run flags, which the
 * reference and every trial container carry; and what is left of this learn's containers
 * afterwards, by its own label (`label=io.sdocker.learn` alone would see other runs' trials).
 */
async function learn(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string; left: string }> {
  const trials = uniqueName('sdtest-learn');
  const result = await finished(startCli(['learn', ...LABEL_ARGS, '--label', `sdtest.learn=${trials}`, ...args], env));
  const left = docker('ps', '-a', '--filter', 'label=io.sdocker.learn', '--filter', `label=sdtest.learn=${trials}`, '--format', '{{.Names}}');
  return { ...result, left };
}

async function redisSetGet(port: number): Promise<void> {
  await redisPing(port);
  const reply = (await exchange(port, 'SET sdocker learned\r\nGET sdocker\r\n', (r) => r.toString().includes('learned\r\n'))).toString();
  if (!reply.startsWith('+OK\r\n$7\r\nlearned\r\n')) throw new Error(`redis replied ${JSON.stringify(reply)}`);
}

const SERVERS: readonly [name: string, port: string, serves: (port: number) => Promise<unknown>, root: boolean][] = [
  ['nginx', '80/tcp', (port) => httpOk(port), false],
  ['redis', '6379/tcp', redisSetGet, false],
  ['memcached', '11211/tcp', (port) => memcachedSetGet(port), false],
  ['mosquitto', '1883/tcp', (port) => mqttConnack(port), false],
  ['pyapp', '8000/tcp', (port) => httpOk(port), false],
  ['haproxy', '8080/tcp', (port) => httpOk(port), true],
  ['lighttpd', '80/tcp', (port) => httpOk(port), false],
  ['apache2', '80/tcp', (port) => httpOk(port), false],
  ['tinyproxy', '8888/tcp', (port) => httpOk(port, 'http://tinyproxy.stats/'), false],
];

for (const [name, port, serves, root] of SERVERS) {
  test.serial(`learn ${name}, then a plain sdocker run serves it hardened`, async (t) => {
    const image = `localhost/sdlearn/${name}:1`;
    const began = Date.now();
    const learned = await learn([image]);
    t.is(learned.code, 0, learned.stderr);
    const trials = learned.stderr.match(/^sdocker learn: trial \d+/gm)?.length ?? 0;
    t.log(`${name}: ${trials} trials, ${((Date.now() - began) / 1000).toFixed(1)} s: ${/proved in .*: (.*)$/m.exec(learned.stderr)?.[1] ?? ''}`);
    // The profile is for the tag that was proven.
    const file = join(config, 'sdocker', 'images', `sdlearn_${name}@1.yml`);
    t.true(existsSync(file), file);
    t.regex(readFileSync(file, 'utf8'), /^images: \["sdlearn\/\w+:1"\]$/m);
    t.is(learned.left, '', 'no reference or trial container is left');
    // A server that needs root switches users: its reference run under plain docker shows to which (docker top).
    if (root) t.regex(learned.stderr, /^sdocker learn: {3}its processes ran as root \(0\), \S+ \([1-9]\d*\)$/m);

    const container = named(`sdtest-learned-${name}`);
    const run = await runCli(['run', '-d', '--name', container, '-p', `127.0.0.1::${port.split('/')[0] ?? ''}`, image], env);
    t.is(run.code, 0, run.stderr);
    const info = inspect(container);
    const binding = info.NetworkSettings.Ports[port]?.[0];
    t.is(binding?.HostIp, '127.0.0.1');
    await serves(Number(binding?.HostPort));
    assertLearnedHardened(t, info, root, learned.stderr);
    const status = docker('exec', container, 'cat', '/proc/1/status');
    t.regex(status, /^NoNewPrivs:\s+1$/m);
    t.regex(status, /^Seccomp:\s+2$/m);
    await eventually(`${name} keeps running`, async () => {
      if (inspect(container).HostConfig === undefined) throw new Error('gone');
    });
  });
}

test.serial('a --probe-port the image does not open under plain docker either: learn says so, writes nothing, leaves nothing behind', async (t) => {
  const result = await learn(['--wait', '5', '--dry-run', '--probe-port', '9', 'sdocker-test/busybox:1', 'sleep', '30']);
  t.is(result.code, 1, result.stderr);
  t.regex(result.stderr, /reference run: as plain docker runs it/);
  t.regex(result.stderr, /cannot make it work hardened: under plain docker it never opened 9\/tcp \(--probe-port\) within [\d.]+ s/);
  t.notRegex(result.stderr, /trial \d/, 'no trial runs without a reference to judge it by');
  t.is(result.stdout, '', 'no profile');
  t.is(result.left, '');
});

test.serial('a trial that fails where plain docker worked says which criterion failed', async (t) => {
  // Under plain docker it writes /data (root may, the root is writable); hardened, as nobody, the
  // read-only root refuses it: learn grants a tmpfs there from what plain docker showed.
  const result = await learn(['--dry-run', '--settle', '1', 'sdocker-test/busybox:1', 'sh', '-c', 'mkdir -p /data/cache && echo ok > /data/cache/state && exec sleep 30']);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /^sdocker learn: {3}it wrote in \/data /m);
  t.regex(result.stderr, /trial \d+ \([\d.]+ s\): minimise: without \/data: fails: it exited with code 1/);
  t.regex(result.stdout, /^ {4}# under plain docker it wrote \/data\n {4}- "\/data"$/m);
});

test.serial('a job is judged by its exit code under plain docker, and gets the folder it wrote', async (t) => {
  const job = ['sdocker-test/busybox:1', 'sh', '-c', 'mkdir -p /out && date > /out/stamp'];
  const result = await learn(['--dry-run', ...job]);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /^sdocker learn: {3}a job: it exited with code 0 after/m);
  t.regex(result.stdout, /^# {3}- it exits with code 0, as under plain docker$/m);
  t.regex(result.stdout, /^ {4}- "\/out"$/m);
  // A job that fails under plain docker too is not learned.
  const failing = await learn(['--dry-run', 'sdocker-test/busybox:1', 'sh', '-c', 'echo broken >&2; exit 3']);
  t.is(failing.code, 1, failing.stderr);
  t.regex(failing.stderr, /cannot make it work hardened: under plain docker it exits with code 3 too: broken; learn proves/);
});

test.serial('an image it cannot pull is one line and exit 1', async (t) => {
  const result = await runCli(['learn', '--dry-run', 'localhost/sdlearn-missing/none:1'], env);
  t.is(result.code, 1, result.stderr);
  t.regex(result.stderr, /^sdocker learn: cannot pull localhost\/sdlearn-missing\/none:1: .+$/m);
  t.notRegex(result.stderr, /\bat .*\.(?:js|cjs):\d+/, 'no stack trace');
  t.is(result.stdout, '');
});
