// `sdocker compose` judges what a compose file borrows from the engine (issue 8 point 2): a
// container it joins (`network_mode: container:X`), the volumes of a container it takes
// (`volumes_from: container:X`), an external volume and a project volume that already exist.
// The donors and volumes are made by plain docker; a dangerous borrowing is refused with
// nothing of the project created, a benign one runs hardened.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './helpers/cli.js';
import { docker, engineSuite, IMAGE, inspect, uniqueName, LABEL_ARGS } from './helpers/engine.js';

const { named, cleanup } = engineSuite(test, 'sdcinh');

test.before(() => {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0) throw new Error("docker-compose (v1) is missing: install Debian's docker-compose (scripts/engine-up does)");
});

/**
 * By label first: `down` reads the file, and v1 cannot read one whose `container:` donor is
 * already gone (engineSuite removes the donors first), so its containers would be left behind;
 * the volumes made for a project go after it (engineSuite's cleanups run last-made first).
 */
function removeProject(project: string, dir: string): void {
  const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  if (ids.length > 0) spawnSync('docker', ['rm', '-f', '-v', ...ids], { stdio: 'ignore' });
  spawnSync('docker-compose', ['-p', project, 'down', '-v'], { cwd: dir, stdio: 'ignore' });
  spawnSync('docker', ['network', 'rm', `${project}_default`], { stdio: 'ignore' });
}

/** A volume made by plain docker, removed after the file (after the containers using it). */
function volume(name: string, ...opts: string[]): string {
  docker('volume', 'create', ...LABEL_ARGS, ...opts, name);
  cleanup(() => spawnSync('docker', ['volume', 'rm', '-f', name], { stdio: 'ignore' }));
  return name;
}

/** A donor container made by plain docker: never started by the engine on its own. */
function donor(...flags: string[]): string {
  const name = named();
  docker('create', '--restart', 'no', ...LABEL_ARGS, '--name', name, ...flags, IMAGE, 'sleep', '300');
  return name;
}

function project(body: string): { dir: string; name: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-cinh-'));
  writeFileSync(join(dir, 'compose.yaml'), `services:\n  svc:\n    image: ${IMAGE}\n    command: ["sleep", "300"]\n${body}`);
  const name = uniqueName('sdcinh');
  cleanup(() => removeProject(name, dir));
  return { dir, name };
}

function up(dir: string, name: string): { code: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, 'compose', '-p', name, 'up', '-d'], { cwd: dir, encoding: 'utf8' });
  return { code: result.status, stderr: result.stderr };
}

function containersOf(name: string): string {
  return docker('ps', '-a', '--filter', `label=com.docker.compose.project=${name}`, '--format', '{{.Names}}');
}

test('borrowing a host namespace, a donor\'s /etc or an /etc-binding volume is refused, nothing created', (t) => {
  const hostDonor = donor('--network', 'host', '--pid', 'host', '-v', '/etc:/hostetc');
  const etcVolume = volume(uniqueName('sdcinh-etc'), '--driver', 'local', '--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=/etc');
  const cases: [body: string, rule: RegExp][] = [
    [`    network_mode: "container:${hostDonor}"\n`, /refusing network_mode: container:\S+ \(\S+ uses the host's network namespace\)/],
    [`    pid: "container:${hostDonor}"\n`, /refusing pid: container:\S+ \(\S+ uses the host's PID namespace\)/],
    [`    volumes_from: ["container:${hostDonor}:ro"]\n`, /refusing volumes_from: container:\S+:ro \(brings -v \/etc:\/hostetc:ro\)/],
    [`    volumes: ["ev:/x"]\nvolumes:\n  ev:\n    external: true\n    name: ${etcVolume}\n`, /refusing volumes: ev:\/x\S* \(volume \S+ mounts \/etc\)/],
  ];
  for (const [body, refusal] of cases) {
    const { dir, name } = project(body);
    const result = up(dir, name);
    t.is(result.code, 125, body);
    t.regex(result.stderr, refusal, body);
    t.is(containersOf(name), '', `nothing of ${name} created`);
  }
  // A project volume made earlier under the name compose gives it (PROJECT_KEY) is judged by its definition too.
  const { dir, name } = project('    volumes: ["data:/d"]\nvolumes:\n  data: {}\n');
  volume(`${name}_data`, '--driver', 'local', '--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=/etc');
  const result = up(dir, name);
  t.is(result.code, 125);
  t.regex(result.stderr, /refusing volumes: data:\/d\S* \(volume \S+_data mounts \/etc\)/);
  t.is(containersOf(name), '');
});

test('borrowing from a benign donor and a plain volume runs hardened', (t) => {
  const plainVolume = volume(uniqueName('sdcinh-plain'));
  const benign = donor('-v', `${plainVolume}:/data`);
  docker('start', benign);
  const { dir, name } = project(`    network_mode: "container:${benign}"\n    volumes_from: ["container:${benign}"]\n    volumes: ["ev:/x"]\nvolumes:\n  ev:\n    external: true\n    name: ${plainVolume}\n`);
  const result = up(dir, name);
  t.is(result.code, 0, result.stderr);
  const created = containersOf(name);
  t.not(created, '');
  const hardened = inspect(created.split('\n')[0] as string).HostConfig;
  t.true(hardened.ReadonlyRootfs);
  t.deepEqual(hardened.CapDrop, ['ALL']);
  t.is(hardened.NetworkMode.startsWith('container:'), true);
});

test('a secret with file: is a bind of that host file: plain compose mounts it, sdocker compose refuses it', (t) => {
  const body = '    secrets: [k]\nsecrets:\n  k:\n    file: /etc/shadow\n';
  const plain = project(body);
  const made = spawnSync('docker-compose', ['-p', plain.name, 'up', '-d'], { cwd: plain.dir, encoding: 'utf8' });
  t.is(made.status, 0, made.stderr);
  const mounts = JSON.parse(docker('inspect', '--format', '{{json .Mounts}}', containersOf(plain.name).split('\n')[0] as string)) as { Source: string }[];
  t.true(mounts.some((m) => m.Source === '/etc/shadow'), 'docker-compose binds the host file');
  const guarded = project(body);
  const result = up(guarded.dir, guarded.name);
  t.is(result.code, 125);
  t.regex(result.stderr, /refusing secrets: k \(\/etc\/shadow is in secretPaths/);
  t.is(containersOf(guarded.name), '');
});
