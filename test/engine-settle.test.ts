// Never silent after start: `sdocker run -d` of an image not yet seen running, and `sdocker
// compose up`, watch what they started through the settle window and say why a container did not
// stay up (exit 1); a foreground --rm run is explained as one without --rm is. On the real engine,
// with the unprofiled Debian servers of test/images/learn/.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli, startCli, finished, type Finished } from './helpers/cli.js';
import { containerExists, docker, engineSuite, IMAGE, LABEL, LABEL_ARGS, uniqueName } from './helpers/engine.js';
import { eventually } from './helpers/probes.js';


/** sdocker in a folder (compose reads the files there), without blocking the other tests of the file. */
function inDir(dir: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return finished(spawn(CLI, [...args], { cwd: dir, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] }));
}

const { named, cleanup } = engineSuite(test);
const NGINX = 'localhost/sdlearn/nginx:1';
const PYAPP = 'localhost/sdlearn/pyapp:1';

/** A cache folder of its own: what sdocker has seen running starts empty. */
function freshEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { XDG_CONFIG_HOME: '/nonexistent', XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'sdocker-settle-cache-')), ...extra };
}

function imageId(image: string): string {
  return docker('image', 'inspect', '--format', '{{.Id}}', image);
}

function seenIds(env: NodeJS.ProcessEnv): string[] {
  try {
    return JSON.parse(readFileSync(join(env['XDG_CACHE_HOME'] as string, 'sdocker', 'settled-images.json'), 'utf8')) as string[];
  } catch {
    return [];
  }
}

test('run -d of an unprofiled image that fails: the rule, the path from its log, the flag and learn, exit 1; the container stays', async (t) => {
  const name = named('sdtest-settle');
  const env = freshEnv();
  const run = await runCli(['run', '-d', '--name', name, '-p', '127.0.0.1::80', NGINX], env);
  t.is(run.code, 1, run.stderr);
  t.regex(run.stdout, /^[0-9a-f]{64}\n$/, "docker run's own output, the id");
  t.regex(run.stderr, new RegExp(`^sdocker: did not stay up: ${name} \\(${NGINX}\\) (restarting|exited|running)`, 'm'));
  t.regex(run.stderr, /rule read-only \(CIS 5\.13\): \/var\/lib\/nginx\/body: the root filesystem is read-only/);
  t.regex(run.stderr, /its log: .*mkdir\(\) "\/var\/lib\/nginx\/body" failed \(30: Read-only file system\)/);
  t.regex(run.stderr, /fix: --tmpfs \/var\/lib\/nginx:uid=65534,gid=65534/);
  t.regex(run.stderr, /sdocker learn localhost\/sdlearn\/nginx:1$/m);
  t.regex(run.stderr, /^sdocker: the container did not stay up within 3 s of the start \(exit 1\); --sd-settle 0 \(or SDOCKER_SETTLE=0\) turns this watch off$/m);
  t.true(containerExists(name), 'sdocker reports; it does not remove what docker started');
  t.deepEqual(seenIds(env), [], 'a failed image is not remembered');
  // 0 turns the watch off: docker run's exit code again.
  const off = await runCli(['run', '-d', '--name', named('sdtest-settle-off'), NGINX], { ...env, SDOCKER_SETTLE: '0' });
  t.is(off.code, 0, off.stderr);
  t.is(off.stderr, '');
});

test('run -d waits the first time an image is met; once seen running through the window, it does not wait again', async (t) => {
  const env = freshEnv({ SDOCKER_SETTLE: '2' });
  const first = named('sdtest-settle-first');
  const started = Date.now();
  const one = await runCli(['run', '-d', '--name', first, IMAGE, 'sleep', '600'], env);
  t.is(one.code, 0, one.stderr);
  t.is(one.stderr, '', 'quiet on success');
  const ranFor = Date.now() - Date.parse(docker('inspect', '--format', '{{.State.StartedAt}}', first));
  t.true(ranFor >= 2000, `sdocker returned after the container ran the 2 s window (it ran ${ranFor} ms)`);
  t.deepEqual(seenIds(env), [imageId(IMAGE)]);
  // A window far longer than any test: a second run that waited would not be back within it.
  const second = await runCli(['run', '-d', '--name', named('sdtest-settle-second'), IMAGE, 'sleep', '600'], { ...env, SDOCKER_SETTLE: '120' });
  t.is(second.code, 0, second.stderr);
  t.true(Date.now() - started < 100_000, 'the second run did not wait its 120 s window');
  // --sd-settle on the command line waits whatever was seen: here the healthcheck ends it early.
  const healthy = Date.now();
  const forced = await runCli(['run', '-d', '--sd-settle', '120', '--name', named('sdtest-settle-health'), '--health-cmd', 'true', '--health-interval', '1s', IMAGE, 'sleep', '600'], env);
  t.is(forced.code, 0, forced.stderr);
  t.true(Date.now() - healthy < 100_000, 'healthy ends the wait before the 120 s window');
});

test('a bad --sd-settle or SDOCKER_SETTLE is a usage error before anything runs; create and exec take no --sd-settle', async (t) => {
  const name = uniqueName('sdtest-settle-bad');
  const bad = await runCli(['run', '-d', '--sd-settle', 'soon', '--name', name, IMAGE], freshEnv());
  t.is(bad.code, 2);
  t.is(bad.stderr, "sdocker: --sd-settle takes seconds to watch a started container (e.g. 3 or 1.5; 0 turns the watch off; at most 600), not 'soon'\n");
  const env = await runCli(['run', '-d', '--name', name, IMAGE], freshEnv({ SDOCKER_SETTLE: '-1' }));
  t.is(env.code, 2);
  t.regex(env.stderr, /^sdocker: SDOCKER_SETTLE takes seconds/);
  const create = await runCli(['create', '--sd-settle', '3', '--name', name, IMAGE], freshEnv());
  t.is(create.code, 2);
  t.regex(create.stderr, /--sd-settle watches the container a run starts; create starts none: drop it/);
  t.false(containerExists(name), 'nothing was created');
});

test('--rm in the foreground: a failed run is explained as one without --rm is, and nothing is left behind', async (t) => {
  const name = uniqueName('sdtest-settle-rm');
  const failed = await runCli(['run', '--rm', '--name', name, PYAPP], freshEnv());
  t.is(failed.code, 1);
  t.regex(failed.stderr, /OSError: \[Errno 30\] Read-only file system: '\/app\/cache'/, "the program's own error, as docker shows it");
  t.regex(failed.stderr, new RegExp(`^sdocker: failed under sdocker's hardening: ${name} \\(${PYAPP}\\) exited with code 1$`, 'm'));
  t.regex(failed.stderr, /fix: --tmpfs \/app\/cache:uid=65534,gid=65534/);
  t.false(containerExists(name), '--rm kept: the engine removed it');
  t.is(docker('ps', '-a', '--filter', `label=io.sdocker.standin=${name}`, '--quiet'), '', 'the stand-in that showed its files is gone');
  // Without a name, and with a TTY: the same, read from the attach. (A container that ends within
  // milliseconds of its start can be gone before sdocker attaches on a loaded machine.)
  const tty = await runCli(['run', '--rm', '-t', IMAGE, 'sh', '-c', 'sleep 1; touch /data; exit 4'], freshEnv());
  t.is(tty.code, 4);
  t.regex(tty.stderr, /rule read-only \(CIS 5\.13\): \/data: the root filesystem is read-only/);
  const works = await runCli(['run', '--rm', IMAGE, 'true'], freshEnv());
  t.is(works.code, 0);
  t.is(works.stderr, '');
});

test('run -d --rm of a failing image: reported from what was read while it ran (the engine removed it)', async (t) => {
  const name = uniqueName('sdtest-settle-drm');
  const run = await runCli(['run', '-d', '--rm', '--name', name, PYAPP], freshEnv());
  t.is(run.code, 1, run.stderr);
  // Seen exited, or already removed by the engine at the look: read from what the watch kept either way.
  t.regex(run.stderr, new RegExp(`^sdocker: did not stay up: ${name} \\(${PYAPP}\\) exited with code 1( and was removed \\(--rm\\))?$`, 'm'));
  t.regex(run.stderr, /fix: --tmpfs \/app\/cache:uid=65534,gid=65534/);
  t.false(containerExists(name));
});

test('a killed sdocker leaves no --rm container behind: the engine removes it, as the user asked', async (t) => {
  const name = uniqueName('sdtest-settle-kill');
  const child = startCli(['run', '--rm', '--name', name, IMAGE, 'sleep', '20'], freshEnv());
  const done = finished(child);
  let ended: string | undefined;
  void done.then((result) => (ended = `sdocker ended first: ${result.code} ${result.stderr}`));
  await eventually('the container runs', async () => {
    if (docker('ps', '--filter', `name=^/${name}$`, '--quiet') === '') throw new Error(ended ?? 'not yet');
  }, 120);
  child.kill('SIGKILL');
  await done;
  await eventually('the container is gone', async () => {
    if (containerExists(name)) throw new Error('still there');
  }, 120);
  t.pass();
});

const STACK = `services:
  proxy:
    image: ${NGINX}
    ports: ["127.0.0.1::80"]
    depends_on: [app]
  cache:
    image: localhost/sdlearn/redis:1
  app:
    image: ${PYAPP}
    depends_on: [cache]
`;

test("the issue's stack under sdocker compose -p x up -d: what broke, in compose keys, and exit 1 (was 0, silent)", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-settle-stack-'));
  writeFileSync(join(dir, 'compose.yaml'), STACK);
  const project = uniqueName('sdsettle').replace('-', '');
  cleanup(() => spawnSync('docker-compose', ['-p', project, 'down', '-v'], { cwd: dir, stdio: 'ignore' }));
  const up = await inDir(dir, ['compose', '-p', project, 'up', '-d'], freshEnv());
  t.is(up.code, 1, up.stderr);
  for (const [service, image] of [['app', PYAPP], ['cache', 'localhost/sdlearn/redis:1'], ['proxy', NGINX]]) {
    t.regex(up.stderr, new RegExp(`^sdocker: did not stay up: service ${service} \\(${project}_${service}_1, ${image}\\) `, 'm'));
    t.regex(up.stderr, new RegExp(`^sdocker: did not stay up: service ${service} \\(.*\\n(?:(?!sdocker: ).*\\n)*  or find and prove every grant it needs: sdocker harden --learn --write \\./compose\\.yaml$`, 'm'));
  }
  t.regex(up.stderr, /fix: tmpfs: \["\/app\/cache:uid=65534,gid=65534"\] on service app/);
  t.regex(up.stderr, /fix: user: "\d+:\d+" on service cache/);
  t.regex(up.stderr, /fix: tmpfs: \["\/var\/lib\/nginx:uid=65534,gid=65534"\] on service proxy/);
  t.regex(up.stderr, /^sdocker: 3 of 3 services did not stay up within 3 s of the start \(exit 1\); sdocker compose --sd-settle 0 \(or SDOCKER_SETTLE=0\) turns this watch off$/m);
  t.notRegex(up.stderr, /--tmpfs|--user/, 'compose keys, not docker run flags');
  // Later, sdocker explain names the user's file (compose's own label names sdocker's private copy).
  const explained = await runCli(['explain', `${project}_proxy_1`], { XDG_CONFIG_HOME: '/nonexistent' });
  t.regex(explained.stdout, /fix: tmpfs: \["\/var\/lib\/nginx:uid=65534,gid=65534"\] on service proxy/);
  t.true(explained.stdout.includes(`sdocker harden --learn --write ${join(dir, 'compose.yaml')}\n`), explained.stdout);
});

test('compose up in the foreground: the failure is said while compose runs, and the exit code is 1', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-settle-fg-'));
  // restart "no": the service ends, so compose's foreground up ends too.
  writeFileSync(join(dir, 'compose.yaml'), `services:\n  app:\n    image: ${PYAPP}\n    restart: "no"\n`);
  const project = uniqueName('sdsettlefg').replace('-', '');
  cleanup(() => spawnSync('docker-compose', ['-p', project, 'down', '-v'], { cwd: dir, stdio: 'ignore' }));
  const up = await inDir(dir, ['compose', '-p', project, 'up'], freshEnv());
  t.is(up.code, 1, up.stderr);
  t.regex(up.stdout + up.stderr, /Read-only file system: '\/app\/cache'/, "compose's own log of the service");
  t.regex(up.stderr, new RegExp(`^sdocker: did not stay up: service app \\(${project}_app_1, ${PYAPP}\\) exited with code 1`, 'm'));
  t.regex(up.stderr, /fix: tmpfs: \["\/app\/cache:uid=65534,gid=65534"\] on service app/);
});

test("explain of a container plain docker-compose made: compose keys, and the learn command of the file compose's own label names", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-settle-plain-'));
  // The file as harden writes it (read-only root, a user), without the folder the app writes: plain compose, no sdocker.
  const label = LABEL.split('=');
  writeFileSync(join(dir, 'compose.yaml'), `services:\n  app:\n    image: ${PYAPP}\n    read_only: true\n    user: "65534:65534"\n    restart: "no"\n    labels: {${JSON.stringify(label[0])}: ${JSON.stringify(label[1])}}\n`);
  const project = uniqueName('sdsettleplain').replace('-', '');
  cleanup(() => spawnSync('docker-compose', ['-p', project, 'down', '-v'], { cwd: dir, stdio: 'ignore' }));
  const up = await finished(spawn('docker-compose', ['-p', project, 'up', '-d'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] }));
  t.is(up.code, 0, up.stderr);
  const container = `${project}_app_1`;
  await eventually('the app exits', async () => {
    if (docker('inspect', '--format', '{{.State.Status}}', container) !== 'exited') throw new Error('still running');
  }, 60);
  const explained = await runCli(['explain', container], { XDG_CONFIG_HOME: '/nonexistent' });
  t.is(explained.code, 0, explained.stderr);
  t.regex(explained.stdout, new RegExp(`^service app \\(${container}, ${PYAPP}\\) exited with code 1$`, 'm'));
  t.regex(explained.stdout, /^ {4}fix: tmpfs: \["\/app\/cache:uid=65534,gid=65534"\] on service app$/m);
  t.regex(explained.stdout, new RegExp(`^  or find and prove every grant it needs: sdocker harden --learn --write ${join(dir, 'compose.yaml')}$`, 'm'));
  t.notRegex(explained.stdout, /--tmpfs|--user|sdocker learn /, 'compose keys, not docker run flags');
});

test('a write refused on an existing root-owned volume: explain gives the volume to the run user, never a tmpfs that would hide its data', async (t) => {
  const volume = uniqueName('sdtest-settle-vol');
  docker('volume', 'create', ...LABEL_ARGS, volume);
  cleanup(() => spawnSync('docker', ['volume', 'rm', '-f', volume], { stdio: 'ignore' }));
  // Made by root before sdocker: a folder on it is root's.
  docker('run', '--rm', ...LABEL_ARGS, '-v', `${volume}:/data`, IMAGE, 'mkdir', '-p', '/data/d');
  const name = named('sdtest-settle-vol');
  const run = await runCli(['run', '--name', name, '-v', `${volume}:/data`, IMAGE, 'sh', '-c', 'touch /data/d/x'], freshEnv());
  t.is(run.code, 1, run.stderr);
  t.regex(run.stderr, new RegExp(`rule user \\(CIS [^)]*\\): /data/d/x: the volume ${volume} at /data belongs to root; the container runs as 65534:65534`));
  const fix = `docker run --rm --user 0 --cap-add CHOWN -v ${volume}:/v --entrypoint chown ${imageId(IMAGE)} -R 65534:65534 /v`;
  t.true(run.stderr.includes(`fix: give the volume ${volume} (at /data) to 65534:65534 once: ${fix};`), run.stderr);
  t.notRegex(run.stderr, /--tmpfs/);
  // The printed fix works: the same run then writes.
  t.is(spawnSync(fix.split(' ')[0] as string, [...fix.split(' ').slice(1, 3), ...LABEL_ARGS, ...fix.split(' ').slice(3)]).status, 0);
  const again = await runCli(['run', '--rm', '-v', `${volume}:/data`, IMAGE, 'sh', '-c', 'touch /data/d/x'], freshEnv());
  t.is(again.code, 0, again.stderr);
});
