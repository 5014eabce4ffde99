// `sdocker compose` on the real engine with docker-compose 1.29 (this docker client has no
// compose plugin): one-off flags refused before anything is created, benign one-offs and an
// `up` reached through docker's own -H run on the hardened model, exec --privileged refused.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXEC, GLOBALS, V1_RUN_PREFIXES } from '../src/compose/run/flags.js';
import type { FlagTable } from '../src/docker/flags.js';
import { CLI } from './helpers/cli.js';
import { docker, engineSuite, inspect, uniqueName } from './helpers/engine.js';

const { named } = engineSuite(test, 'sdccmd');
const SERVICE = 'services:\n  svc:\n    image: sdocker-test/busybox:1\n    command: ["sleep", "300"]\n';
const projects: [string, string][] = [];

test.before(() => {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0) throw new Error("docker-compose (v1) is missing: install Debian's docker-compose (scripts/engine-up does)");
});

test.after.always(() => {
  for (const [project, dir] of projects) spawnSync('docker-compose', ['-p', project, 'down', '-v'], { cwd: dir, stdio: 'ignore' });
});

/** A folder with the one-service file and a project name of its own, taken down after the file. */
function project(): { dir: string; name: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-ccmd-'));
  writeFileSync(join(dir, 'compose.yaml'), SERVICE);
  const name = uniqueName('sdccmd');
  projects.push([name, dir]);
  return { dir, name };
}

function sdocker(cwd: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function containersOf(name: string): string {
  return docker('ps', '-a', '--filter', `label=com.docker.compose.project=${name}`, '--format', '{{.Names}}');
}

test('compose run with a dangerous flag is refused and creates nothing; a benign run is hardened', (t) => {
  const { dir, name } = project();
  for (const flags of [['--cap-add', 'SYS_ADMIN'], ['-v', '/:/h'], ['--vol', '/etc:/h']]) {
    const refused = sdocker(dir, ['compose', '-p', name, 'run', '--rm', ...flags, 'svc', 'true']);
    t.is(refused.code, 125, flags.join(' '));
    t.regex(refused.stderr, /^sdocker: refusing compose run /, flags.join(' '));
  }
  t.is(containersOf(name), '', 'nothing was created');
  const benign = sdocker(dir, ['compose', '-p', name, 'run', '--rm', '-T', 'svc', 'id', '-u']);
  t.is(benign.code, 0, benign.stderr);
  t.not(benign.stdout.trim(), '0', 'not root');
  t.regex(benign.stdout.trim(), /^\d+$/);
  const kept = named();
  const run = sdocker(dir, ['compose', '-p', name, 'run', '-d', '--name', kept, '-p', '80', 'svc']);
  t.is(run.code, 0, run.stderr);
  const host = inspect(kept).HostConfig;
  t.deepEqual(host.CapDrop, ['ALL']);
  t.true(host.ReadonlyRootfs);
  t.is(host.PortBindings?.['80/tcp']?.[0]?.HostIp, '127.0.0.1', 'published on loopback');
});

test("docker's -H before compose reaches docker-compose, on the hardened model; exec --privileged is refused there", (t) => {
  const { dir, name } = project();
  const up = sdocker(dir, ['-H', 'unix:///var/run/docker.sock', 'compose', '-p', name, 'up', '-d']);
  t.is(up.code, 0, up.stderr);
  const host = inspect(`${name}_svc_1`).HostConfig;
  t.true(host.ReadonlyRootfs);
  t.deepEqual(host.CapDrop, ['ALL']);
  const privileged = sdocker(dir, ['-H', 'unix:///var/run/docker.sock', 'compose', '-p', name, 'exec', '-T', '--privileged', 'svc', 'id', '-u']);
  t.is(privileged.code, 125);
  t.regex(privileged.stderr, /^sdocker: refusing compose exec --privileged: /);
  const exec = sdocker(dir, ['-H', 'unix:///var/run/docker.sock', 'compose', '-p', name, 'exec', '-T', 'svc', 'id', '-u']);
  t.is(exec.code, 0, exec.stderr);
  t.is(exec.stdout.trim(), inspect(`${name}_svc_1`).Config.User.split(':')[0] ?? '', 'the same path runs exec when it is not refused');
});

test('a host sdocker cannot reach through docker-compose fails there, and nothing is created on this engine', (t) => {
  const { dir, name } = project();
  const up = sdocker(dir, ['-H', 'unix:///nonexistent/docker.sock', 'compose', '-p', name, 'up', '-d']);
  t.not(up.code, 0);
  t.is(containersOf(name), '', 'the -H was carried, not dropped');
});

/** docopt's parse_defaults on a help text: each option line's names and whether it takes a value. */
function docoptOptions(help: string): string[] {
  return help
    .split('\n')
    .filter((line) => /^\s+-/.test(line))
    .map((line) => {
      const names = (line.trim().split('  ')[0] ?? '').replaceAll(',', ' ').replaceAll('=', ' ').split(/\s+/);
      const valued = names.some((word) => !word.startsWith('-'));
      return `${names.filter((word) => word.startsWith('-')).join(' ')} ${valued ? 'value' : 'bool'}`;
    })
    .sort();
}

function tableOptions(table: FlagTable): string[] {
  const specs = new Set([...table.byLong.values(), ...table.byShort.values()].filter((spec) => spec.long !== 'help'));
  return [...specs].map((spec) => `${[spec.short === '' ? '' : `-${spec.short}`, spec.long === '' ? '' : `--${spec.long}`].filter(Boolean).join(' ')} ${spec.kind === 'bool' ? 'bool' : 'value'}`).sort();
}

test("the v1 tables are docker-compose 1.29's own option lists", (t) => {
  const help = (...args: string[]): string => spawnSync('docker-compose', [...args, '--help'], { encoding: 'utf8' }).stdout;
  t.deepEqual(tableOptions(GLOBALS.v1), docoptOptions(help()));
  t.deepEqual(tableOptions(V1_RUN_PREFIXES), docoptOptions(help('run')));
  t.deepEqual(tableOptions(EXEC.v1), docoptOptions(help('exec')));
});
