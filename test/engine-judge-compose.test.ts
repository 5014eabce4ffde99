// sdocker compose through the judging socket (src/judge/compose.ts), with docker-compose 1.29 on
// the real engine: every container compose makes is read back and judged before it can start,
// a start of one the session did not make is judged first, and the cgroup namespace v1 cannot
// ask for is asked for in each creation.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { IMAGE, LABEL_ARGS, docker, engineSuite, uniqueName } from './helpers/engine.js';

const { named, cleanup } = engineSuite(test, 'sdjudgec');
test.before(() => {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0) throw new Error("docker-compose (v1) is missing: install Debian's docker-compose");
});

/** A project folder (not below /tmp: another test's container may bind /tmp writable) taken down after the file. */
function project(files: Record<string, string>): { dir: string; name: string } {
  const dir = mkdtempSync(join('/var/tmp', 'sdjudgec-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  const name = uniqueName('sdjudgec').replace(/-/g, '');
  cleanup(() => {
    spawnSync('docker-compose', ['-p', name, 'down', '-v', '-t', '0'], { cwd: dir, stdio: 'ignore' });
    spawnSync('rm', ['-rf', dir]);
  });
  return { dir, name };
}

function containersOf(name: string): string[] {
  return docker('ps', '-a', '--filter', `label=com.docker.compose.project=${name}`, '--format', '{{.Names}}').split('\n').filter(Boolean).sort();
}

const SERVICE = (extra = '') => `    image: ${IMAGE}\n    command: sleep 60\n${extra}`;

test('compose up: each container judged and let through, with the private cgroup namespace v1 cannot ask for', async (t) => {
  const { dir, name } = project({ 'compose.yaml': `services:\n  a:\n${SERVICE()}  b:\n${SERVICE()}    depends_on: [a]\n` });
  const up = await runCli(['compose', '-p', name, 'up', '-d'], {}, undefined, dir);
  t.is(up.code, 0, up.stderr);
  const made = containersOf(name);
  t.is(made.length, 2);
  for (const c of made) t.is(docker('inspect', '--format', '{{.HostConfig.CgroupnsMode}} {{.State.Running}}', c), 'private true');
});

test('a source another container outside the project can swap: compose run refused, 125, its container gone', async (t) => {
  const { dir, name } = project({ 'compose.yaml': `services:\n  a:\n${SERVICE('    volumes: ["./data/conf:/conf:ro"]\n')}`, 'data/conf/x': '' });
  const outsider = named();
  docker('create', ...LABEL_ARGS, '--name', outsider, '-v', `${dir}/data:/d`, IMAGE, 'true');
  const up = await runCli(['compose', '-p', name, 'up', '-d'], {}, undefined, dir);
  t.is(up.code, 125, up.stderr);
  t.regex(up.stderr, new RegExp(`^sdocker: refusing -v ${dir}/data/conf:/conf .*container ${outsider}'s writable bind`, 'm'));
  t.deepEqual(containersOf(name), [], 'the refused container was removed before compose heard of it');
});

test('a start of a container the session did not make is judged first', async (t) => {
  const { dir, name } = project({ 'compose.yaml': `services:\n  a:\n${SERVICE('    volumes: ["./data/conf:/conf:ro"]\n')}`, 'data/conf/x': '' });
  const created = await runCli(['compose', '-p', name, 'create'], {}, undefined, dir);
  t.is(created.code, 0, created.stderr);
  t.is(containersOf(name).length, 1);
  // Since then another container can write the folder that holds its source.
  const outsider = named();
  docker('create', ...LABEL_ARGS, '--name', outsider, '-v', `${dir}/data:/d`, IMAGE, 'true');
  const up = await runCli(['compose', '-p', name, 'up', '-d'], {}, undefined, dir);
  t.is(up.code, 125, up.stderr);
  t.regex(up.stderr, /refusing -v .*data\/conf:\/conf/);
  const [container = ''] = containersOf(name);
  t.is(docker('inspect', '--format', '{{.State.Status}}', container), 'created', 'never started, and left for its owner');
});
