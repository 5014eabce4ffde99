// sdocker run and create through the judging socket (src/judge/), on a real engine: docker's own
// behaviour is kept (each case is run by plain docker and by sdocker, and compared), and the
// container the engine made is judged before it can start: refused, it is gone and exit is 125.
import test from 'ava';
import { once } from 'node:events';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, finished, runCli, startCli, type Finished } from './helpers/cli.js';
import { IMAGE, containerExists, docker, engineSuite, uniqueName } from './helpers/engine.js';

const { named, cleanup } = engineSuite(test, 'sdjudge');
const LABEL = `io.sdocker.test.judge=${uniqueName('run')}`;
cleanup(() => {
  const left = spawnSync('docker', ['ps', '-aq', '--filter', `label=${LABEL}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  if (left.length > 0) spawnSync('docker', ['rm', '-f', '-v', ...left], { stdio: 'ignore' });
});
// Not below /tmp: another test's container may bind /tmp writable, and then every source below it is rightly swappable.
const work = mkdtempSync(join('/var/tmp', 'sdjudge-'));
cleanup(() => spawnSync('rm', ['-rf', work]));

function viaDocker(args: readonly string[], input = ''): Promise<Finished> {
  return finished(spawn('docker', [...args], { stdio: ['pipe', 'pipe', 'pipe'] }), input);
}

/** The same run by docker and by sdocker (each with a name of its own): exit code, stdout and stderr. */
async function pair(args: (name: string) => string[], input = ''): Promise<{ docker: Finished; sdocker: Finished }> {
  const [d, s] = [named(), named()];
  const [dockerRun, sdockerRun] = await Promise.all([viaDocker(['run', '--label', LABEL, ...args(d)], input), runCli(['run', '--label', LABEL, ...args(s)], {}, input)]);
  return { docker: dockerRun, sdocker: sdockerRun };
}

test('stdout, stderr and the exit code are docker run\'s', async (t) => {
  const { docker: d, sdocker: s } = await pair((name) => ['--rm', '--name', name, IMAGE, 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  t.deepEqual({ code: s.code, out: s.stdout, err: s.stderr }, { code: d.code, out: d.stdout, err: d.stderr });
  t.is(s.code, 3);
});

test('stdin with -i reaches the container and its end closes it', async (t) => {
  const { docker: d, sdocker: s } = await pair((name) => ['--rm', '-i', '--name', name, IMAGE, 'sh', '-c', 'cat; echo done'], 'one\ntwo\n');
  t.is(s.stdout, 'one\ntwo\ndone\n');
  t.is(s.stdout, d.stdout);
  t.is(s.code, d.code);
});

test('-a stdout attaches stdout alone, as docker does', async (t) => {
  const { docker: d, sdocker: s } = await pair((name) => ['--rm', '-a', 'stdout', '--name', name, IMAGE, 'sh', '-c', 'echo out; echo err >&2; exit 4']);
  t.deepEqual({ code: s.code, out: s.stdout, err: s.stderr }, { code: d.code, out: d.stdout, err: d.stderr });
  t.is(s.stderr, '');
});

test('a container killed by a signal exits 128 + the signal for both', async (t) => {
  // --init: the shell is not PID 1, which a signal from inside its own namespace cannot kill.
  const { docker: d, sdocker: s } = await pair((name) => ['--rm', '--init', '--name', name, IMAGE, 'sh', '-c', 'kill -KILL $$']);
  t.is(d.code, 137);
  t.is(s.code, 137);
});

test('SIGTERM to sdocker reaches the container through docker (sig-proxy): exit 143, --rm removes it', async (t) => {
  const name = named();
  const child = startCli(['run', '--rm', '--init', '--label', LABEL, '--name', name, IMAGE, 'sh', '-c', 'echo up; exec sleep 30']);
  const done = finished(child);
  await once(child.stdout!, 'data');
  child.kill('SIGTERM');
  const result = await done;
  t.is(result.code, 143, result.stderr);
  t.false(containerExists(name), '--rm removed it');
});

test('-d prints the container\'s id and leaves it running; --name taken is docker\'s own conflict (125)', async (t) => {
  const name = named();
  const detached = await runCli(['run', '-d', '--label', LABEL, '--name', name, IMAGE, 'sleep', '60']);
  t.is(detached.code, 0, detached.stderr);
  t.regex(detached.stdout, /^[0-9a-f]{64}\n$/);
  t.is(detached.stdout.trim(), docker('inspect', '--format', '{{.Id}}', name));
  t.is(docker('inspect', '--format', '{{.State.Running}}', name), 'true');
  const again = await runCli(['run', '-d', '--label', LABEL, '--name', name, IMAGE, 'true']);
  const plain = await viaDocker(['run', '-d', '--label', LABEL, '--name', name, IMAGE, 'true']);
  t.is(again.code, 125);
  t.is(again.code, plain.code);
  t.regex(again.stderr, /Conflict/);
});

test('a missing image without a pull fails as docker run fails', async (t) => {
  const args = ['--rm', '--pull', 'never', 'sdocker-test/no-such-image:1', 'true'];
  const [d, s] = await Promise.all([viaDocker(['run', ...args]), runCli(['run', ...args])]);
  t.is(s.code, d.code);
  t.is(s.code, 125);
  t.regex(s.stderr, /No such image/i);
});

test('a tty through the judging socket: docker allocates it and the exit code comes back', async (t) => {
  const tty = spawnSync('script', ['-qec', `${process.execPath} ${CLI} run -it --rm --label ${LABEL} ${IMAGE} sh -c 'tty; exit 5'`, '/dev/null'], { encoding: 'utf8', input: '' });
  t.regex(tty.stdout, /\/dev\/pts\/\d+/);
  t.is(tty.status, 5);
});

test('the injected private cgroup namespace: inspect says private, and the container sees its own cgroup as /', async (t) => {
  const name = named();
  const run = await runCli(['run', '--label', LABEL, '--name', name, IMAGE, 'sh', '-c', 'grep -c ":/$" /proc/self/cgroup']);
  t.is(run.code, 0, run.stderr);
  t.is(docker('inspect', '--format', '{{.HostConfig.CgroupnsMode}}', name), 'private');
  t.true(Number(run.stdout.trim()) > 0, 'every hierarchy is rooted at the container');
});

/** Nothing with the test's label and this name, and sdocker's words first. */
function assertRefusedLeavingNothing(t: import('ava').ExecutionContext, result: Finished, name: string, rule: RegExp): void {
  t.is(result.code, 125, result.stderr);
  t.regex(result.stderr, /^sdocker: refusing /);
  t.regex(result.stderr, rule);
  t.false(containerExists(name), 'nothing left');
}

test('the engine judges what the static reading did not see: a -v source the judge reads as /etc', async (t) => {
  // The static reading sees the same since the dot-prefix fix; the judge would refuse it regardless (judge.test.ts).
  const dir = join(work, 'dots');
  mkdirSync(dir);
  symlinkSync('/etc', join(dir, '.e'));
  const name = named();
  const result = await runCli(['-H', 'unix:///var/run/docker.sock', 'run', '--rm', '--label', LABEL, '--name', name, '-v', `${dir}/.e:/x`, IMAGE, 'true']);
  assertRefusedLeavingNothing(t, result, name, /sensitive-mount:\/etc/);
});

test('create through the judging socket prints the id; a refused create exits 125 (docker create says 1) and leaves nothing', async (t) => {
  const name = named();
  const made = await runCli(['create', '--label', LABEL, '--name', name, IMAGE, 'true']);
  t.is(made.code, 0, made.stderr);
  t.regex(made.stdout, /^[0-9a-f]{64}\n$/);
  const outer = join(work, 'outer');
  mkdirSync(join(outer, 'inner'), { recursive: true });
  const refusedName = named();
  const refused = await runCli(['create', '--label', LABEL, '--name', refusedName, '-v', `${outer}:/outer`, '-v', `${outer}/inner:/inner`, IMAGE, 'true']);
  assertRefusedLeavingNothing(t, refused, refusedName, /swappable-source/);
});

test('a refused run -d says the refusal alone: no settle watch, nothing started, the image not remembered as seen', async (t) => {
  const outer = join(work, 'detached');
  mkdirSync(join(outer, 'inner'), { recursive: true });
  const cache = mkdtempSync(join(work, 'cache-'));
  const name = named();
  const refused = await runCli(['run', '-d', '--sd-settle', '30', '--label', LABEL, '--name', name, '-v', `${outer}:/outer`, '-v', `${outer}/inner:/inner`, IMAGE, 'sleep', '600'], { XDG_CACHE_HOME: cache });
  assertRefusedLeavingNothing(t, refused, name, /swappable-source/);
  t.is(refused.stdout, '', 'no id: nothing was started');
  t.notRegex(refused.stderr, /did not stay up|settle/, 'no watch of a container that never started');
  t.false(existsSync(join(cache, 'sdocker', 'settled-images.json')), 'nothing remembered');
});

test('a source another container can write the folder of is refused; so is a writable bind above another container\'s source', async (t) => {
  const base = join(work, 'shared');
  mkdirSync(join(base, 'conf'), { recursive: true });
  const writer = named();
  t.is((await viaDocker(['create', '--label', LABEL, '--name', writer, '-v', `${base}:/data`, IMAGE, 'true'])).code, 0);
  const below = named();
  assertRefusedLeavingNothing(t, await runCli(['run', '--rm', '--label', LABEL, '--name', below, '-v', `${base}/conf:/conf:ro`, IMAGE, 'true']), below, /writable bind of .*shared.*swappable-source/s);
  const other = join(work, 'other');
  mkdirSync(join(other, 'conf'), { recursive: true });
  const reader = named();
  t.is((await viaDocker(['create', '--label', LABEL, '--name', reader, '-v', `${other}/conf:/conf:ro`, IMAGE, 'true'])).code, 0);
  const above = named();
  assertRefusedLeavingNothing(t, await runCli(['run', '--rm', '--label', LABEL, '--name', above, '-v', `${other}:/data`, IMAGE, 'true']), above, new RegExp(`which container ${reader} binds`));
  const fine = await runCli(['run', '--rm', '--label', LABEL, '-v', `${other}/conf:/c:ro`, IMAGE, 'true']);
  t.is(fine.code, 0, `reading the same source as another container is fine: ${fine.stderr}`);
});

test('a seccomp profile that changes after sdocker read it: the engine\'s copy is judged', async (t) => {
  const dir = join(work, 'seccomp');
  mkdirSync(dir);
  const profile = join(dir, 'p.json');
  writeFileSync(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }] }));
  // docker, as sdocker starts it: the file is replaced first, as a racing writer would.
  const wrapper = join(dir, 'docker');
  writeFileSync(wrapper, `#!/bin/sh\nprintf '{"defaultAction":"SCMP_ACT_ALLOW"}' > ${profile}\nexec docker "$@"\n`);
  chmodSync(wrapper, 0o755);
  const name = named();
  const result = await runCli(['run', '--rm', '--label', LABEL, '--name', name, '--security-opt', `seccomp=${profile}`, IMAGE, 'true'], { SDOCKER_DOCKER: wrapper });
  assertRefusedLeavingNothing(t, result, name, /seccomp-unconfined/);
  t.regex(result.stderr, /defaultAction SCMP_ACT_ALLOW/);
});

test('a seccomp profile given as a pipe is refused before anything runs', async (t) => {
  const fifo = join(work, 'profile.fifo');
  t.is(spawnSync('mkfifo', [fifo]).status, 0);
  const name = named();
  const result = await runCli(['run', '--rm', '--label', LABEL, '--name', name, '--security-opt', `seccomp=${fifo}`, IMAGE, 'true']);
  assertRefusedLeavingNothing(t, result, name, /not a regular file/);
});

test('an allowed refusal is allowed by the judge too: create --sd-allow privileged --privileged', async (t) => {
  const name = named();
  const result = await runCli(['create', '--sd-allow', 'privileged', '--label', LABEL, '--name', name, '--privileged', IMAGE, 'true']);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /warning: allowing --privileged/);
  t.is(docker('inspect', '--format', '{{.HostConfig.Privileged}}', name), 'true');
});

test('build: judged on its way (the query docker sends), and a plain one builds as docker builds', async (t) => {
  const dir = join(work, 'build');
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${IMAGE}\nRUN echo built\n`);
  const tag = `sdjudge-build-${uniqueName('t').slice(2)}:1`;
  cleanup(() => spawnSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' }));
  const parent = await runCli(['build', '--cgroup-parent=/', '-t', tag, dir]);
  t.is(parent.code, 125, parent.stderr);
  t.regex(parent.stderr, /^sdocker: refusing build --cgroup-parent \/: /m);
  t.not(spawnSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' }).status, 0, 'nothing built');
  const host = await runCli(['image', 'build', '--network', 'host', '-t', tag, dir]);
  t.is(host.code, 125);
  t.regex(host.stderr, /^sdocker: refusing build --network host/m);
  const plain = await runCli(['build', '-q', '-t', tag, dir]);
  t.is(plain.code, 0, plain.stderr);
  t.regex(plain.stdout, /^sha256:[0-9a-f]{64}\n$/);
});

test('service create: its spec is judged before the engine sees it (swarm-judge.test.ts runs clean ones on a swarm)', async (t) => {
  const refused = await runCli(['service', 'create', '--name', uniqueName('svc'), '--mount', 'type=bind,src=/etc,dst=/x', IMAGE]);
  t.is(refused.code, 125);
  t.regex(refused.stderr, /^sdocker: refusing service --mount type=bind,source=\/etc,target=\/x/m);
});
