// Every container `sdocker compose` makes is hardened, whichever subcommand makes it, on the
// real engine with docker-compose 1.29: `up --scale`, v1's `scale` (the replicas it adds),
// `create` then `start`; `start` of a project never created creates nothing (compose's own
// "No containers to start"); `config` prints the hardened model, and a refused file prints
// nothing and exits 125. Plain docker-compose on the same file is the control: its containers
// are not hardened, so the assertions tell the two apart.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './helpers/cli.js';
import { docker, engineSuite, inspect, uniqueName } from './helpers/engine.js';

const { cleanup } = engineSuite(test, 'sdscale');
const SERVICE = 'services:\n  w:\n    image: sdocker-test/busybox:1\n    command: ["sleep", "300"]\n';

/** A folder with the one-service file and a project name of its own, taken down (with its volumes) after the file. */
function project(text = SERVICE): { dir: string; name: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-scale-'));
  writeFileSync(join(dir, 'compose.yaml'), text);
  const name = uniqueName('sdscale');
  cleanup(() => spawnSync('docker-compose', ['-p', name, 'down', '-v'], { cwd: dir, stdio: 'ignore' }));
  return { dir, name };
}

function sdocker(cwd: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function containersOf(name: string): string[] {
  const out = docker('ps', '-a', '--filter', `label=com.docker.compose.project=${name}`, '--format', '{{.Names}}');
  return out === '' ? [] : out.split('\n').sort();
}

/** What the hardening sets, as docker inspect shows it. */
function hardening(container: string): { readOnly: boolean; capDrop: string[] | null; user: string } {
  const { HostConfig, Config } = inspect(container);
  return { readOnly: HostConfig.ReadonlyRootfs, capDrop: HostConfig.CapDrop, user: Config.User };
}

const HARDENED = { readOnly: true, capDrop: ['ALL'], user: '65534:65534' };

test.before(() => {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0) throw new Error("docker-compose (v1) is missing: install Debian's docker-compose (scripts/engine-up does)");
});

test('up --scale w=2 creates two hardened containers; plain docker-compose creates two that are not', (t) => {
  const { dir, name } = project();
  const up = sdocker(dir, ['compose', '-p', name, 'up', '-d', '--scale', 'w=2']);
  t.is(up.code, 0, up.stderr);
  t.deepEqual(containersOf(name), [`${name}_w_1`, `${name}_w_2`]);
  for (const container of containersOf(name)) t.deepEqual(hardening(container), HARDENED, container);
  const plain = project();
  t.is(spawnSync('docker-compose', ['-p', plain.name, 'up', '-d', '--scale', 'w=2'], { cwd: plain.dir, stdio: 'ignore' }).status, 0);
  t.is(containersOf(plain.name).length, 2);
  for (const container of containersOf(plain.name)) t.deepEqual(hardening(container), { readOnly: false, capDrop: null, user: '' }, container);
});

test('v1 scale: the replicas it adds are hardened like the first', (t) => {
  const { dir, name } = project();
  t.is(sdocker(dir, ['compose', '-p', name, 'up', '-d']).code, 0);
  const scale = sdocker(dir, ['compose', '-p', name, 'scale', 'w=3']);
  t.is(scale.code, 0, scale.stderr);
  t.deepEqual(containersOf(name), [`${name}_w_1`, `${name}_w_2`, `${name}_w_3`]);
  for (const container of containersOf(name)) {
    t.deepEqual(hardening(container), HARDENED, container);
    t.true(inspect(container).HostConfig.Memory > 0, `${container} has the memory limit`);
  }
});

test('start of a project never created creates nothing; create makes a hardened container, which up keeps and start restarts', (t) => {
  const { dir, name } = project();
  const early = sdocker(dir, ['compose', '-p', name, 'start']);
  t.not(early.code, 0);
  t.regex(early.stderr, /No containers to start/);
  t.deepEqual(containersOf(name), [], 'start created nothing');
  const create = sdocker(dir, ['compose', '-p', name, 'create']);
  t.is(create.code, 0, create.stderr);
  t.deepEqual(containersOf(name), [`${name}_w_1`], 'the same project is created by create');
  t.deepEqual(hardening(`${name}_w_1`), HARDENED);
  const id = docker('inspect', '-f', '{{.Id}}', `${name}_w_1`);
  // v1 create makes no network (start alone then fails: network not found); up makes it and keeps the container.
  t.is(sdocker(dir, ['compose', '-p', name, 'up', '-d', '--no-recreate']).code, 0);
  t.is(sdocker(dir, ['compose', '-p', name, 'stop', '-t', '0']).code, 0);
  t.is(docker('inspect', '-f', '{{.State.Status}}', `${name}_w_1`), 'exited');
  const start = sdocker(dir, ['compose', '-p', name, 'start']);
  t.is(start.code, 0, start.stderr);
  t.is(docker('inspect', '-f', '{{.State.Status}} {{.Id}}', `${name}_w_1`), `running ${id}`, 'the created container, started');
  t.deepEqual(hardening(`${name}_w_1`), HARDENED);
});

test('config prints compose\'s own rendering of the hardened model; a refused file prints nothing, exits 125 and names the key', (t) => {
  const { dir, name } = project();
  const config = sdocker(dir, ['compose', '-p', name, 'config']);
  t.is(config.code, 0, config.stderr);
  t.regex(config.stdout, /^ {4}read_only: true$/m);
  t.regex(config.stdout, /^ {4}user: 65534:65534$/m);
  t.regex(config.stdout, /^ {4}cap_drop:\n {4}- ALL$/m);
  const services = sdocker(dir, ['compose', '-p', name, 'config', '--services']);
  t.is(services.stdout, 'w\n', "config's own flags are kept");
  const refused = project(`${SERVICE}    network_mode: host\n`);
  const denied = sdocker(refused.dir, ['compose', '-p', refused.name, 'config']);
  t.is(denied.code, 125);
  t.is(denied.stdout, '');
  t.regex(denied.stderr, /^sdocker: service w: refusing network_mode: host: .*, or sdocker compose --sd-allow host-network \.\.\.$/m);
  const up = sdocker(refused.dir, ['compose', '-p', refused.name, 'up', '-d']);
  t.is(up.code, 125, 'up refuses it with the same code');
  t.deepEqual(containersOf(refused.name), []);
});
