// Learn for compose on the real engine: a stack of three unprofiled Debian servers that talk by
// name (an nginx proxy in front of a python app whose health check reaches redis, redis writing a
// named volume; test/fixtures/compose-learn) breaks under sdocker compose up -d; after sdocker
// harden --learn --write, plain docker-compose runs the written file hardened and it serves.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers/cli.js';
import { docker, engineSuite, uniqueName } from './helpers/engine.js';
import { eventually, httpOk } from './helpers/probes.js';

const { cleanup } = engineSuite(test);
const FIXTURE = fileURLToPath(new URL('../../test/fixtures/compose-learn/', import.meta.url));

/** The stack in a folder of its own (compose names its objects after it), and a config folder of its own. */
function stack(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'sdtest-clearn-'));
  for (const file of ['compose.yaml', 'proxy.conf']) copyFileSync(join(FIXTURE, file), join(dir, file));
  return { dir, env: { XDG_CONFIG_HOME: join(dir, '.config'), XDG_CACHE_HOME: join(dir, '.cache') } };
}

function compose(dir: string, project: string, ...args: string[]): ReturnType<typeof spawnSync> {
  return spawnSync('docker-compose', ['-p', project, ...args], { cwd: dir, encoding: 'utf8' });
}

function down(dir: string, project: string): void {
  cleanup(() => compose(dir, project, 'down', '-v', '-t', '1'));
}

/** Containers compose made from files in `dir` (learn's reference and trial projects too). */
function madeIn(dir: string): string {
  return docker('ps', '-a', '--filter', `label=com.docker.compose.project.working_dir=${dir}`, '--format', '{{.Names}}');
}

test.serial('a stack broken under sdocker compose up -d works under plain docker-compose after harden --learn --write', async (t) => {
  t.timeout(600_000);
  const { dir, env } = stack();
  const before = uniqueName('sdtest-clearn-before');
  down(dir, before);
  const broken = await runCli(['compose', '-p', before, 'up', '-d'], env, undefined, dir);
  t.is(broken.code, 1, 'today: the settle window reports what did not stay up');
  t.regex(broken.stderr, /did not stay up/);
  t.regex(broken.stderr, /sdocker harden --learn --write/, 'and names the learn command');
  compose(dir, before, 'down', '-v', '-t', '1');

  const original = readFileSync(join(dir, 'compose.yaml'), 'utf8');
  const began = Date.now();
  const learned = await runCli(['harden', '--learn', '--write', 'compose.yaml'], env, undefined, dir);
  t.is(learned.code, 0, learned.stderr);
  const trials = learned.stderr.match(/^sdocker learn: trial \d+/gm)?.length ?? 0;
  t.log(`3 services: ${trials} trials in ${learned.stderr.match(/^sdocker learn: project run \d+/gm)?.length ?? 0} project runs, ${((Date.now() - began) / 1000).toFixed(0)} s: ${/proved in .*?: (.*)$/m.exec(learned.stderr)?.[1] ?? ''}`);
  t.regex(learned.stderr, /^sdocker learn: reference run: .* as plain docker-compose runs it/m);
  t.is(madeIn(dir), '', 'no reference or trial container is left');
  t.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.sdocker-learn-')), [], 'no trial file is left');

  const written = readFileSync(join(dir, 'compose.yaml'), 'utf8');
  for (const line of original.split('\n').filter((l) => l.includes('#'))) t.true(written.includes(line.replace('"80"', '"127.0.0.1::80"')), `comment kept: ${line}`);
  t.regex(written, /# learned: under plain docker it wrote \/app\/cache/);
  t.regex(written, /user: "\d+:\d+" {2}# learned: .*redis\.conf/);
  t.true(existsSync(join(dir, '.sdocker', 'seccomp', 'sdocker-default.json')), 'the seccomp copy the file names');
  const check = await runCli(['harden', '--check', 'compose.yaml'], env, undefined, dir);
  t.is(check.code, 0, check.stdout);

  // Plain docker-compose, no sdocker and no learned profile: the proxy serves the app, which reaches the cache.
  const after = uniqueName('sdtest-clearn-after');
  down(dir, after);
  const up = compose(dir, after, 'up', '-d');
  t.is(up.status, 0, String(up.stderr));
  const app = `${after}_app_1`;
  await eventually('the app healthy (its check reaches redis by name)', async () => {
    const status = docker('inspect', '--format', '{{.State.Health.Status}}', app);
    if (status !== 'healthy') throw new Error(status);
  }, 90);
  const port = Number(String(compose(dir, after, 'port', 'proxy', '80').stdout).trim().split(':').at(-1));
  const body = await eventually('a request through the proxy', () => httpOk(port), 60);
  t.regex(body, /"started"/, 'the app answered through nginx');
  t.is(docker('inspect', '--format', '{{.HostConfig.ReadonlyRootfs}} {{.Config.User}}', `${after}_cache_1`).split(' ')[0], 'true');
  const files = docker('exec', `${after}_cache_1`, 'ls', '-n', '/var/lib/redis');
  t.regex(files, /appendonlydir/, 'redis wrote its named volume as its own user');
  for (const name of ['proxy', 'app', 'cache']) t.is(docker('inspect', '--format', '{{.RestartCount}}', `${after}_${name}_1`), '0', `${name} never restarted`);
});

test('learn -f FILE SERVICE: an unknown service, a missing file, or harden --learn with --check: one line each, nothing run', async (t) => {
  const { dir, env } = stack();
  const unknown = await runCli(['learn', '-f', 'compose.yaml', 'nosuch'], env, undefined, dir);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /^sdocker learn: .*compose\.yaml has no service nosuch; its services: /);
  t.is(madeIn(dir), '', 'nothing was started');
  const missing = await runCli(['harden', '--learn', 'nosuch.yaml'], env, undefined, dir);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /^sdocker learn: .*nosuch\.yaml cannot be read; name a compose file\n$/);
  const mixed = await runCli(['harden', '--learn', '--check', 'compose.yaml'], env, undefined, dir);
  t.is(mixed.code, 2);
  t.regex(mixed.stderr, /does not go with --check/);
  // What sdocker refuses is not run, not even as the reference.
  writeFileSync(join(dir, 'refused.yaml'), 'services:\n  bad:\n    image: sdocker-test/busybox:1\n    privileged: true\n    command: ["sleep", "600"]\n');
  const refused = await runCli(['harden', '--learn', 'refused.yaml'], env, undefined, dir);
  t.is(refused.code, 125);
  t.regex(refused.stderr, /^sdocker learn: refusing privileged: true: .*\[service bad\]$/m);
  t.is(madeIn(dir), '', 'nothing was started');
});

test.serial("a grant a dependency's own checks do not miss, but what depends on it does: kept, and the written file works as a whole", async (t) => {
  t.timeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'sdtest-clearn-needs-'));
  // files writes what it serves at start and serves on without it (a 404); reader's health check fetches it.
  writeFileSync(join(dir, 'compose.yaml'), [
    'services:',
    '  files:',
    '    image: sdocker-test/busybox:1',
    '    command: ["sh", "-c", "{ mkdir -p /srv/www && echo ok > /srv/www/ping; } 2>/dev/null; exec httpd -f -p 8080 -h /"]',
    '  reader:',
    '    image: sdocker-test/busybox:1',
    '    command: ["sleep", "600"]',
    '    depends_on: [files]',
    '    healthcheck: {test: ["CMD", "wget", "-qO-", "http://files:8080/srv/www/ping"], interval: 1s, timeout: 2s, retries: 3}',
    '',
  ].join('\n'));
  const learned = await runCli(['harden', '--learn', '--write', 'compose.yaml'], { XDG_CONFIG_HOME: join(dir, '.config') }, undefined, dir);
  t.is(learned.code, 0, learned.stderr);
  t.regex(learned.stderr, /^sdocker learn: trial \d+ .*: files: minimise: without \/srv: works$/m, 'alone, files works without its folder');
  t.regex(learned.stderr, /^sdocker learn: the learned file, every service at once: reader: its health check did not pass .*404.*; files keep the grants first proven/m);
  const written = readFileSync(join(dir, 'compose.yaml'), 'utf8');
  t.regex(written, /- "\/srv:[^"]*" {2}# learned: under plain docker it wrote \/srv/);
  const project = uniqueName('sdclearnneeds').replace(/-/g, '');
  down(dir, project);
  const up = compose(dir, project, 'up', '-d');
  t.is(up.status, 0, String(up.stderr));
  await eventually('reader healthy', async () => {
    const id = String(compose(dir, project, 'ps', '-q', 'reader').stdout).trim();
    const health = docker('inspect', '--format', '{{.State.Health.Status}}', id);
    if (health !== 'healthy') throw new Error(health);
  }, 60);
  t.is(madeIn(dir).split('\n').filter((name) => !name.startsWith(project)).join(''), '', 'no reference or trial container is left');
});

test.serial('a service no harmless grant makes work: exit 1 with the reason, the file unchanged, nothing left', async (t) => {
  t.timeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'sdtest-clearn-raw-'));
  // ping needs a raw socket: docker's default NET_RAW has it, sdocker grants it to no one.
  const text = 'services:\n  pinger:\n    image: sdocker-test/busybox:1\n    command: ["sh", "-c", "ping -c 1 -W 2 127.0.0.1 && exec sleep 600"]\n';
  writeFileSync(join(dir, 'compose.yaml'), text);
  const result = await runCli(['learn', '-f', 'compose.yaml', '--write', 'pinger'], { XDG_CONFIG_HOME: join(dir, '.config') }, undefined, dir);
  t.is(result.code, 1, result.stderr);
  t.regex(result.stderr, /^sdocker learn: cannot make it work hardened: service pinger: .*; the file is not changed$/m);
  t.is(readFileSync(join(dir, 'compose.yaml'), 'utf8'), text);
  t.is(madeIn(dir), '');
});
