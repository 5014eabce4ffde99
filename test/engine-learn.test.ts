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
import { eventually, exchange, httpOk, memcachedSetGet, mqttConnack, redisPing } from './helpers/probes.js';

const HARMLESS = new Set(['CHOWN', 'SETUID', 'SETGID', 'DAC_OVERRIDE', 'FOWNER', 'SYS_CHROOT', 'KILL', 'NET_BIND_SERVICE']);
const config = mkdtempSync(join(tmpdir(), 'sdocker-learn-'));
const env = { XDG_CONFIG_HOME: config };

const { named } = engineSuite(test);

/**
 * sdocker learn with the run's label and one of its own among its docker run flags, which every
 * trial container carries; and what is left of this learn's containers afterwards: its trials,
 * by its own label (`label=io.sdocker.learn` alone would see the trials of other runs on the
 * engine), and the container it reads the image's files from (named after its pid).
 */
async function learn(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string; left: string }> {
  const trials = uniqueName('sdtest-learn');
  const child = startCli(['learn', ...LABEL_ARGS, '--label', `sdtest.learn=${trials}`, ...args], env);
  const result = await finished(child);
  const left = [
    docker('ps', '-a', '--filter', 'label=io.sdocker.learn', '--filter', `label=sdtest.learn=${trials}`, '--format', '{{.Names}}'),
    docker('ps', '-a', '--filter', `name=^/sdocker-learn-files-${child.pid ?? 0}$`, '--format', '{{.Names}}'),
  ].filter(Boolean).join('\n');
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
];

for (const [name, port, serves, root] of SERVERS) {
  test.serial(`learn ${name}, then a plain sdocker run serves it hardened`, async (t) => {
    const image = `localhost/sdlearn/${name}:1`;
    const began = Date.now();
    const learned = await learn([image]);
    t.is(learned.code, 0, learned.stderr);
    const trials = learned.stderr.match(/^sdocker learn: trial \d+/gm)?.length ?? 0;
    t.log(`${name}: ${trials} trials, ${((Date.now() - began) / 1000).toFixed(1)} s: ${/proved in .*: (.*)$/m.exec(learned.stderr)?.[1] ?? ''}`);
    const file = join(config, 'sdocker', 'images', `sdlearn_${name}.yml`);
    t.true(existsSync(file), file);
    t.regex(readFileSync(file, 'utf8'), /^images: \["sdlearn\/\w+"\]$/m);
    t.is(learned.left, '', 'no trial container is left');
    // A server that needs root switches users: the observation trial sees to which (docker top).
    if (root) t.regex(learned.stderr, /^sdocker learn: {3}its processes ran as uid 0, uid [1-9]\d*$/m);

    const container = named(`sdtest-learned-${name}`);
    const run = await runCli(['run', '-d', '--name', container, '-p', `127.0.0.1::${port.split('/')[0] ?? ''}`, image], env);
    t.is(run.code, 0, run.stderr);
    const info = inspect(container);
    const binding = info.NetworkSettings.Ports[port]?.[0];
    t.is(binding?.HostIp, '127.0.0.1');
    await serves(Number(binding?.HostPort));
    const host = info.HostConfig;
    t.true(host.ReadonlyRootfs, 'read-only root');
    t.deepEqual(host.CapDrop, ['ALL']);
    t.true((host.CapAdd ?? []).every((cap) => HARMLESS.has(cap.replace(/^CAP_/, ''))), `harmless capabilities only: ${String(host.CapAdd)}`);
    t.true((host.SecurityOpt ?? []).includes('no-new-privileges'));
    t.true((host.SecurityOpt ?? []).some((opt) => opt.startsWith('seccomp=')), 'sdocker seccomp');
    t.true(host.Memory > 0 && (host.PidsLimit ?? 0) > 0, 'memory and pids limits');
    const user = info.Config.User;
    if (root) t.regex(user, /^0(:|$)/);
    else t.true(user !== '' && !/^(0|root)(:|$)/.test(user), `runs as a non-root user: '${user}'`);
    const status = docker('exec', container, 'cat', '/proc/1/status');
    t.regex(status, /^NoNewPrivs:\s+1$/m);
    t.regex(status, /^Seccomp:\s+2$/m);
    await eventually(`${name} keeps running`, async () => {
      if (inspect(container).HostConfig === undefined) throw new Error('gone');
    });
  });
}

test.serial('learn says which criterion failed, grants nothing the rule table refuses, and leaves nothing behind', async (t) => {
  const result = await learn(['--max-trials', '2', '--dry-run', '--probe-port', '9', 'sdocker-test/busybox:1', 'sleep', '30']);
  t.is(result.code, 1, result.stderr);
  t.regex(result.stderr, /trial 1: .*fails: port 9\/tcp did not accept a TCP connection/);
  t.regex(result.stderr, /cannot make it work hardened/);
  t.is(result.stdout, '', 'no profile');
  t.is(result.left, '');
});
