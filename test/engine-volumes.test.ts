// A new named volume is writable by the user sdocker injects, for run, create and compose: docker
// gives a new volume the owner of the image folder under it at every create while it is empty
// (nginx's /var/lib/nginx: root, empty), so sdocker gives its root to the run user between the
// create and the start. Real engine, docker-compose 1.29.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, finished, runCli, type Finished } from './helpers/cli.js';
import { docker, engineSuite, IMAGE, inspect, LABEL_ARGS, uniqueName } from './helpers/engine.js';


/** sdocker in a folder (compose reads the files there), without blocking the other tests of the file. */
function inDir(dir: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return finished(spawn(CLI, [...args], { cwd: dir, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] }));
}

const { named, cleanup } = engineSuite(test, 'sdtest-vols');
const volumes: string[] = [];
cleanup(() => {
  if (volumes.length > 0) spawnSync('docker', ['volume', 'rm', '-f', ...volumes], { stdio: 'ignore' });
});
const NGINX = 'localhost/sdlearn/nginx:1';
const ENV = { XDG_CONFIG_HOME: '/nonexistent', SDOCKER_SETTLE: '0' };

function volumeName(): string {
  const name = uniqueName('sdtest-vol');
  volumes.push(name);
  return name;
}

function owner(volume: string): string {
  return docker('run', '--rm', ...LABEL_ARGS, '-v', `${volume}:/v`, IMAGE, 'stat', '-c', '%u:%g', '/v');
}

test('run: a new volume over an empty root-owned image folder (nginx /var/lib/nginx) is the run user\'s, at every later run too', async (t) => {
  const volume = volumeName();
  const first = await runCli(['run', '--rm', '-v', `${volume}:/var/lib/nginx`, NGINX, 'sh', '-c', 'touch /var/lib/nginx/a && echo written'], ENV);
  t.is(first.code, 0, first.stderr);
  t.is(first.stdout, 'written\n');
  t.is(owner(volume), '65534:65534');
  const again = await runCli(['run', '--rm', '-v', `${volume}:/var/lib/nginx`, NGINX, 'touch', '/var/lib/nginx/b'], ENV);
  t.is(again.code, 0, again.stderr);
});

test('run -d and create: the id printed once, as docker prints it; --mount and --name kept; the container is the user\'s as written', async (t) => {
  const detached = volumeName();
  const name = named();
  const run = await runCli(['run', '-d', '--name', name, '--mount', `type=volume,src=${detached},dst=/var/lib/nginx`, NGINX, 'sh', '-c', 'touch /var/lib/nginx/a && sleep 600'], ENV);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^[0-9a-f]{64}\n$/);
  t.is(docker('inspect', '--format', '{{.Id}}', name), run.stdout.trim());
  t.is(owner(detached), '65534:65534');
  t.is(inspect(name).HostConfig.CapAdd, null);
  const created = volumeName();
  const other = named();
  const create = await runCli(['create', '--name', other, '-v', `${created}:/var/lib/nginx`, NGINX, 'touch', '/var/lib/nginx/a'], ENV);
  t.is(create.code, 0, create.stderr);
  t.regex(create.stdout, /^[0-9a-f]{64}\n$/);
  t.is(docker('inspect', '--format', '{{.State.Status}}', other), 'created', 'created, not started');
  t.is(spawnSync('docker', ['start', '-a', other], { stdio: 'ignore' }).status, 0, 'its own later start can write the volume');
});

test('run: a command that cannot start keeps docker run\'s exit code (127), and a --rm container that never ran is removed', async (t) => {
  const volume = volumeName();
  const name = uniqueName('sdtest-vols-127');
  const run = await runCli(['run', '--rm', '--name', name, '-v', `${volume}:/var/lib/nginx`, NGINX, 'no-such-command'], ENV);
  t.is(run.code, 127, run.stderr);
  t.regex(run.stderr, /executable file not found/);
  t.is(docker('ps', '-a', '--filter', `name=^/${name}$`, '--quiet'), '');
});

test('compose up: a new volume of a service whose user sdocker injects is that user\'s; compose recreates nothing for it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-vols-compose-'));
  const project = uniqueName('sdvols').replace('-', '');
  writeFileSync(join(dir, 'compose.yaml'), `services:\n  web:\n    image: ${NGINX}\n    command: ["sh", "-c", "touch /var/lib/nginx/a && echo written && sleep 600"]\n    volumes: [data:/var/lib/nginx]\nvolumes:\n  data:\n`);
  cleanup(() => spawnSync('docker-compose', ['-p', project, 'down', '-v'], { cwd: dir, stdio: 'ignore' }));
  const up = await inDir(dir, ['compose', '-p', project, 'up', '-d'], ENV);
  t.is(up.code, 0, up.stderr);
  t.regex(up.stderr, /Creating .*_web_1/);
  t.regex(up.stderr, /Starting .*_web_1/, 'created first, then started: not recreated');
  t.is(owner(`${project}_data`), '65534:65534');
  const logs = spawnSync('docker', ['logs', `${project}_web_1`], { encoding: 'utf8' });
  t.regex(logs.stdout, /written/);
  // A second up finds the volume: nothing to give, one compose call as before.
  const again = await inDir(dir, ['compose', '-p', project, 'up', '-d'], ENV);
  t.is(again.code, 0, again.stderr);
  t.notRegex(again.stderr, /Starting|Creating/, 'up to date');
});
