// sdocker run and create on a real engine: what docker inspect reports, what a process inside
// the container sees, and that a refused run leaves nothing behind.
import test from 'ava';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI, runCli } from './helpers/cli.js';
import { IMAGE, USER_IMAGE, assertDefaultLimits, containerExists, docker, engineAppArmor, engineSuite, httpRequest, inspect, uniqueName, LABEL_ARGS } from './helpers/engine.js';
import { eventually } from './helpers/probes.js';
import { SECCOMP_DIR } from '../src/common/paths.js';

const { named, cleanup } = engineSuite(test);
// After the containers attached to them (engineSuite's cleanup, also on a timeout).
const networks: string[] = [];
cleanup(() => {
  if (networks.length > 0) spawnSync('docker', ['network', 'rm', ...networks], { stdio: 'ignore' });
});

test('create: docker inspect shows every hardened default', async (t) => {
  const name = named();
  const result = await runCli(['create', '--name', name, IMAGE, 'sleep', '1']);
  t.is(result.code, 0, result.stderr);
  t.is(result.stderr, '', 'a run that works is quiet: the AppArmor notice is in the dry run');
  const info = inspect(name);
  const host = info.HostConfig;
  t.deepEqual(host.CapDrop, ['ALL']);
  t.true(host.ReadonlyRootfs);
  t.deepEqual(host.Tmpfs, { '/tmp': 'rw,noexec,nosuid,nodev,size=64m,uid=65534,gid=65534' });
  t.true(host.SecurityOpt?.includes('no-new-privileges'));
  // Either way the engine is: sdocker's AppArmor profile where it is loaded, else no option.
  const apparmor = engineAppArmor();
  t.deepEqual(host.SecurityOpt?.filter((opt) => opt.startsWith('apparmor=')), apparmor.loaded ? ['apparmor=sdocker-default'] : [], JSON.stringify(apparmor));
  const seccomp = host.SecurityOpt?.find((opt) => opt.startsWith('seccomp='));
  t.truthy(seccomp, 'the profile JSON was sent');
  t.deepEqual(JSON.parse(seccomp!.slice('seccomp='.length)), JSON.parse(readFileSync(join(SECCOMP_DIR, 'sdocker-default.json'), 'utf8')));
  assertDefaultLimits(t, host);
  t.is(info.Config.User, '65534:65534');
  t.is(host.NetworkMode, 'sdocker');
  t.false(host.Privileged);
});

test('inside the container: no capabilities, no new privileges, seccomp on, read-only root, writable /tmp', async (t) => {
  const script = 'id -u; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; touch /probe 2>/dev/null && echo root-writable || echo root-readonly; echo ok >/tmp/probe && cat /tmp/probe';
  const result = await runCli(['run', '--rm', IMAGE, 'sh', '-c', script]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, '65534\nCapEff:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\nroot-readonly\nok\n');
});

test('an image that declares a non-root user keeps it, and owns the tmpfs', async (t) => {
  const result = await runCli(['run', '--rm', USER_IMAGE, 'sh', '-c', 'id -u; id -g; echo x >/tmp/f && echo tmp-ok']);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, '1000\n1000\ntmp-ok\n');
});

test('a stricter user value wins on the engine too', async (t) => {
  const name = named();
  const result = await runCli(['create', '--name', name, '-m', '64m', '--pids-limit=32', '--cpus', '0.5', '-u', '4242:4242', IMAGE]);
  t.is(result.code, 0, result.stderr);
  const host = inspect(name).HostConfig;
  t.is(host.Memory, 64 * 1024 * 1024);
  t.is(host.MemorySwap, 64 * 1024 * 1024);
  t.is(host.PidsLimit, 32);
  t.is(host.NanoCpus, 5e8);
  t.is(host.Tmpfs?.['/tmp'], 'rw,noexec,nosuid,nodev,size=64m,uid=4242,gid=4242');
});

test('published ports are bound to 127.0.0.1 and serve from the host', async (t) => {
  const name = named();
  const result = await runCli(['run', '-d', '--name', name, '-P', '-p', '18080', USER_IMAGE, 'httpd', '-f', '-p', '8080', '-h', '/www']);
  t.is(result.code, 0, result.stderr);
  const info = inspect(name);
  t.deepEqual(Object.keys(info.HostConfig.PortBindings ?? {}).sort(), ['18080/tcp', '8080/tcp', '9090/udp']);
  for (const bindings of Object.values(info.HostConfig.PortBindings ?? {})) t.is(bindings[0]?.HostIp, '127.0.0.1');
  const port = info.NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort;
  t.truthy(port);
  const body = await eventually('the page from the host', async () => (await fetch(`http://127.0.0.1:${port}/index.html`)).text());
  t.is(body, 'hello from sdocker\n');
});

test("sdocker's network: labelled, inter-container traffic off", async (t) => {
  const server = named();
  const started = await runCli(['run', '-d', '--name', server, IMAGE, 'httpd', '-f', '-p', '8080', '-h', '/www']);
  t.is(started.code, 0, started.stderr);
  const network = JSON.parse(docker('network', 'inspect', 'sdocker'))[0] as { Labels: Record<string, string>; Options: Record<string, string> };
  t.is(network.Labels['io.sdocker.managed'], 'true');
  t.is(network.Options['com.docker.network.bridge.enable_icc'], 'false');
  const ip = inspect(server).NetworkSettings.Networks['sdocker']?.IPAddress;
  t.truthy(ip);
  // The same request over a network with inter-container traffic on gets the page (so the
  // request itself works, and the server is up: polled); a neighbour on sdocker's network then
  // gets nothing. busybox nc, not wget: Debian's static busybox wget crashes on some connections.
  const open = uniqueName('sdtest-open');
  networks.push(open);
  docker('network', 'create', ...LABEL_ARGS, open);
  docker('network', 'connect', open, server);
  const openIp = inspect(server).NetworkSettings.Networks[open]?.IPAddress ?? '';
  const control = await eventually('the page over the open network', async () => {
    const answer = await runCli(['run', '--rm', '--network', open, IMAGE, 'sh', '-c', httpRequest(openIp)]);
    if (!answer.stdout.includes('hello from sdocker')) throw new Error(`no page yet: ${answer.stderr}`);
    return answer;
  });
  t.regex(control.stdout, /hello from sdocker/);
  const neighbour = await runCli(['run', '--rm', IMAGE, 'sh', '-c', httpRequest(ip ?? '')]);
  t.is(neighbour.code, 0, `the neighbour ran: ${neighbour.stderr}`);
  t.is(neighbour.stdout, '', 'blocked on sdocker');
});


test('refused runs create no container, whatever the spelling', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-sock-'));
  symlinkSync('/var/run/docker.sock', join(dir, 'harmless'));
  const cases = [['--privileged'], ['--cap-add', 'sys_admin'], ['--net=host'], ['-v', `${dir}/harmless:/s:ro`], ['--security-opt', 'seccomp=unconfined'], ['--mount', 'type=bind,src=/etc,dst=/e']];
  for (const flags of cases) {
    const name = named();
    const result = await runCli(['run', '--name', name, ...flags, IMAGE, 'true']);
    t.is(result.code, 125, flags.join(' '));
    t.regex(result.stderr, /^sdocker: refusing .*--sd-allow \S+\n$/);
    t.false(containerExists(name), `${flags.join(' ')} left no container`);
  }
  // The same command without the danger creates its container: the check above can see one.
  const name = named();
  t.is((await runCli(['run', '--name', name, IMAGE, 'true'])).code, 0);
  t.true(containerExists(name));
});

test('an allowed refusal runs, with a warning', async (t) => {
  const result = await runCli(['run', '--rm', '--sd-allow', 'dangerous-cap:NET_ADMIN', '--cap-add', 'NET_ADMIN', IMAGE, 'grep', 'CapBnd', '/proc/self/status']);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /warning: allowing --cap-add NET_ADMIN/);
  // CAP_NET_ADMIN is bit 12: the bounding set holds exactly the user's capability.
  t.is(result.stdout, 'CapBnd:\t0000000000001000\n');
});

test('exit code, stdin and stdout of the container pass through a hardened run', async (t) => {
  t.is((await runCli(['run', '--rm', IMAGE, 'sh', '-c', 'exit 7'])).code, 7);
  const piped = await runCli(['run', '--rm', '-i', IMAGE, 'sh', '-c', 'cat; echo done'], {}, 'line one\nline two\n');
  t.is(piped.stdout, 'line one\nline two\ndone\n');
  const words = await runCli(['run', '--rm', IMAGE, 'echo', '--privileged', '-v', '/:/host']);
  t.is(words.stdout, '--privileged -v /:/host\n', 'the container command is never interpreted');
});

test('exec --privileged is refused on a real container; exec works', async (t) => {
  const name = named();
  t.is((await runCli(['run', '-d', '--name', name, IMAGE, 'sleep', '60'])).code, 0);
  const refused = await runCli(['exec', '--privileged', name, 'id']);
  t.is(refused.code, 125);
  const ok = await runCli(['exec', name, 'id', '-u']);
  t.is(ok.stdout, '65534\n');
});

test('-H unix:// and DOCKER_HOST reach the same engine, asked through its socket', async (t) => {
  const viaCli = await runCli(['-H', 'unix:///var/run/docker.sock', 'run', '--rm', USER_IMAGE, 'id', '-u']);
  t.is(viaCli.code, 0, viaCli.stderr);
  t.is(viaCli.stdout, '1000\n', 'the image user was read from the engine -H names');
  const viaEnv = await runCli(['run', '--rm', IMAGE, 'id', '-u'], { DOCKER_HOST: 'unix:///var/run/docker.sock' });
  t.is(viaEnv.stdout, '65534\n');
  const nowhere = await runCli(['run', '--rm', IMAGE, 'true'], { DOCKER_HOST: 'unix:///nonexistent.sock' });
  t.is(nowhere.code, 125);
  t.is(nowhere.stderr, 'sdocker: cannot reach the Docker engine at unix:///nonexistent.sock (ENOENT); is dockerd running?\n');
});

test('a tty works through sdocker run -it', async (t) => {
  // script(1) gives sdocker a pseudo-terminal, as an interactive shell would.
  const tty = spawnSync('script', ['-qec', `${process.execPath} ${CLI} run -it --rm ${IMAGE} sh -c 'tty; exit 3'`, '/dev/null'], { encoding: 'utf8', input: '' });
  t.regex(tty.stdout, /\/dev\/pts\/\d+/);
  t.is(tty.status, 3);
});
