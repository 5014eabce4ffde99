// sdocker doctor on the real engine: what it says is what docker itself reports (docker version,
// docker network inspect), and a failure (an engine that does not answer, a network of sdocker's
// name that sdocker did not make) is a fail line and exit 1.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli } from './helpers/cli.js';
import { docker, dockerStatus, engineAppArmor, engineSuite, IMAGE, uniqueName, LABEL_ARGS } from './helpers/engine.js';

const { cleanup } = engineSuite(test);

/** A home of its own whose config names a network of its own: the shared 'sdocker' network is never touched. */
function home(network: string): NodeJS.ProcessEnv {
  const root = mkdtempSync(join(tmpdir(), 'sdocker-doctor-'));
  mkdirSync(join(root, 'config', 'sdocker'), { recursive: true });
  writeFileSync(join(root, 'config', 'sdocker', 'config.yml'), `network:\n  name: ${network}\n`);
  return { HOME: root, XDG_CONFIG_HOME: join(root, 'config'), XDG_DATA_HOME: join(root, 'data'), SDOCKER_PROFILE: '' };
}

function lineOf(stdout: string, item: string): string {
  return stdout.split('\n').find((line) => line.slice(6).startsWith(`${item} `)) ?? '';
}

function dropNetwork(name: string): void {
  cleanup(() => dockerStatus('network', 'rm', name));
}

test('doctor on this engine: its version and API as docker reports them, and one line per item', async (t) => {
  const network = uniqueName('sdtest-doc');
  const result = await runCli(['doctor'], home(network));
  t.is(result.code, 0, result.stdout);
  const [version, api] = docker('version', '--format', '{{.Server.Version}} {{.Server.APIVersion}}').split(' ');
  t.regex(lineOf(result.stdout, 'engine'), new RegExp(`^ok {4}engine +unix://\\S+ answers: Docker ${(version ?? '').replaceAll('+', '\\+')}, API ${(api ?? '').replace('.', '\\.')} `));
  // The FORWARD chain is read where this process can read it (root, as in CI): then one line more.
  const readable = spawnSync('iptables', ['-S', 'FORWARD']).status === 0;
  t.deepEqual(result.stdout.trim().split('\n').map((line) => line.slice(6).split(/\s+/)[0]), ['engine', 'apparmor', 'seccomp', 'network', ...(readable ? ['isolation'] : []), 'user', 'image', 'project', 'compose', 'shell']);
  if (readable) t.regex(lineOf(result.stdout, 'isolation'), /^(ok .*comes first|warn .*before dockerd's isolation)/);
  const aa = engineAppArmor();
  t.regex(lineOf(result.stdout, 'apparmor'), aa.loaded ? /^ok / : /^warn /);
  t.regex(lineOf(result.stdout, 'seccomp'), /^ok .*name=seccomp/);
  t.regex(lineOf(result.stdout, 'network'), new RegExp(`^ok .*'${network}' does not exist yet`));
  t.is(dockerStatus('network', 'inspect', network), 1, 'doctor only looks: it created nothing');
  const json = await runCli(['doctor', '--format', 'json'], home(network));
  const parsed = JSON.parse(json.stdout) as { ok: boolean; checks: { item: string; level: string }[] };
  t.true(parsed.ok);
  t.deepEqual(parsed.checks.find((c) => c.item === 'engine')?.level, 'ok');
});

test("a network of sdocker's name that sdocker did not create fails; the one sdocker creates is ok", async (t) => {
  const theirs = uniqueName('sdtest-doc');
  dropNetwork(theirs);
  docker('network', 'create', ...LABEL_ARGS, theirs);
  const failed = await runCli(['doctor'], home(theirs));
  t.is(failed.code, 1, failed.stdout);
  t.regex(lineOf(failed.stdout, 'network'), new RegExp(`^fail  network +'${theirs}' exists but sdocker did not create it`));
  const refused = await runCli(['run', '--rm', IMAGE, 'true'], home(theirs));
  t.is(refused.code, 125, 'the same network stops a run');
  t.regex(refused.stderr, /exists but sdocker did not create it/);
  const ours = uniqueName('sdtest-doc');
  dropNetwork(ours);
  const run = await runCli(['run', '--rm', IMAGE, 'true'], home(ours));
  t.is(run.code, 0, run.stderr);
  t.is(docker('network', 'inspect', '--format', '{{index .Labels "io.sdocker.managed"}} {{index .Options "com.docker.network.bridge.enable_icc"}}', ours), 'true false');
  const fine = await runCli(['doctor'], home(ours));
  t.is(fine.code, 0, fine.stdout);
  t.regex(lineOf(fine.stdout, 'network'), new RegExp(`^ok {4}network +'${ours}' is sdocker's \\(io\\.sdocker\\.managed\\), inter-container traffic off`));
});

test('an engine that does not answer (DOCKER_HOST at a missing socket) is a fail line and exit 1', async (t) => {
  const result = await runCli(['doctor'], { ...home(uniqueName('sdtest-doc')), DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
  t.is(result.code, 1);
  t.is(lineOf(result.stdout, 'engine'), 'fail  engine          cannot reach the Docker engine at unix:///nonexistent/docker.sock (ENOENT); start dockerd, or point DOCKER_HOST, --context or -H at a running engine');
  t.regex(lineOf(result.stdout, 'network'), /^warn .*not checked: the engine did not answer/);
  const json = JSON.parse((await runCli(['doctor', '--format', 'json'], { ...home('x'), DOCKER_HOST: 'unix:///nonexistent/docker.sock' })).stdout) as { ok: boolean };
  t.false(json.ok);
});

test('sdocker compose up is quiet on success: a read-only bind below /etc is no warning; a writable root is one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-quiet-'));
  const project = uniqueName('sdtestquiet');
  const env = home(uniqueName('sdtest-doc'));
  cleanup(() => runCliSync(['compose', '-p', project, 'down', '-v'], dir, env));
  writeFileSync(join(dir, 'compose.yaml'), `services:\n  web:\n    image: ${IMAGE}\n    command: ["true"]\n    restart: "no"\n    volumes: ["/etc/ssl/certs:/certs:ro"]\n`);
  const up = await runCli(['compose', '--project-directory', dir, '-f', join(dir, 'compose.yaml'), '-p', project, 'up', '-d'], env);
  t.is(up.code, 0, up.stderr);
  t.notRegex(up.stderr, /sdocker/, "compose's own lines only");
  const mount = docker('inspect', '--format', '{{range .Mounts}}{{.Source}} {{.RW}}{{end}}', `${project}_web_1`);
  t.is(mount, '/etc/ssl/certs false', 'the bind was made, read-only');
  writeFileSync(join(dir, 'compose.yaml'), `services:\n  web:\n    image: ${IMAGE}\n    command: ["true"]\n    restart: "no"\n    read_only: false\n`);
  const loose = await runCli(['compose', '--project-directory', dir, '-f', join(dir, 'compose.yaml'), '-p', project, 'up', '-d'], env);
  t.is(loose.code, 0, loose.stderr);
  t.regex(loose.stderr, /^sdocker: service web: read_only: false leaves the root filesystem writable$/m);
});

function runCliSync(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): void {
  spawnSync(CLI, [...args], { cwd, env: { ...process.env, ...env }, stdio: 'ignore' });
}
