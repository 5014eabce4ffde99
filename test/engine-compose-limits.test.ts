// Limits a compose file sets itself survive `sdocker harden` on the engine (issue 9): files
// whose services start under `docker-compose up -d` (v1 1.29) still start after hardening, and
// `docker inspect` shows the user's memory and CPU limits, with MemorySwap equal to Memory (no
// swap). Before the fix, a deploy.resources.limits of 1g beside the added `memswap_limit: 512m`
// failed ("Minimum memoryswap limit should be larger than memory limit").
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECCOMP_DIR } from '../src/common/paths.js';
import { CLI } from './helpers/cli.js';
import { docker, engineSuite, IMAGE, inspect, uniqueName, type Inspect } from './helpers/engine.js';

engineSuite(test, 'sdclim');
const projects: [string, string][] = [];
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

test.before(() => {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0) throw new Error("docker-compose (v1) is missing: install Debian's docker-compose (scripts/engine-up does)");
});

test.after.always(() => {
  for (const [project, dir] of projects) spawnSync('docker-compose', ['-p', project, 'down', '-v', '-t', '0'], { cwd: dir, stdio: 'ignore' });
});

/** `docker-compose up -d` of `text` as a project of its own; the host config of its one container. */
function up(text: string): { code: number | null; stderr: string; host?: Inspect['HostConfig'] & { MemoryReservation: number }; running?: boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-clim-'));
  writeFileSync(join(dir, 'compose.yaml'), text);
  const name = uniqueName('sdclim');
  projects.push([name, dir]);
  const result = spawnSync('docker-compose', ['-p', name, 'up', '-d'], { cwd: dir, encoding: 'utf8' });
  const id = docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${name}`);
  const seen = result.status !== 0 || id === '' ? undefined : (inspect(id) as Inspect & { HostConfig: { MemoryReservation: number }; State: { Running: boolean } });
  // Removed as soon as it is seen; test.after.always is there for a test that failed first.
  spawnSync('docker-compose', ['-p', name, 'down', '-v', '-t', '0'], { cwd: dir, stdio: 'ignore' });
  projects.splice(projects.findIndex(([project]) => project === name), 1);
  return { code: result.status, stderr: result.stderr, ...(seen === undefined ? {} : { host: seen.HostConfig, running: seen.State.Running }) };
}

const SECCOMP = join(SECCOMP_DIR, 'sdocker-default.json');

function harden(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-clim-'));
  writeFileSync(join(dir, 'compose.yaml'), text);
  // The hardened text is run from another folder: the profile by absolute path (the portable copy is engine-portable's).
  const result = spawnSync(process.execPath, [CLI, 'harden', '--seccomp', SECCOMP, 'compose.yaml'], { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`harden exit ${result.status}: ${result.stderr}`);
  return result.stdout;
}

const service = (body: string): string => `services:\n  svc:\n    image: ${IMAGE}\n    command: ["sleep", "300"]\n    restart: "no"\n${body}`;

const CASES: [name: string, body: string, memory: number, cpus: number, pids: number | null][] = [
  ['deploy.resources.limits {memory: 1g, cpus: "2"}', '    deploy:\n      resources:\n        limits: {memory: 1g, cpus: "2"}\n', GIB, 2e9, null],
  ['mem_limit: 1g', '    mem_limit: 1g\n', GIB, 1e9, 256],
  ['cpus: 2', '    cpus: 2\n', 512 * MIB, 2e9, 256],
  ['mem_limit: 1g beside limits {cpus: "2"}', '    mem_limit: 1g\n    deploy:\n      resources:\n        limits: {cpus: "2"}\n', GIB, 2e9, null],
  ['reservations {memory: 1g} above the profile', '    deploy:\n      resources:\n        reservations: {memory: 1g}\n', GIB, 1e9, 256],
  ['reservations {memory: 128m} below limits {memory: 1g}', '    deploy:\n      resources:\n        limits: {memory: 1g}\n        reservations: {memory: 128m}\n', GIB, 1e9, null],
];

for (const [name, body, memory, cpus, pids] of CASES) {
  test(`${name}: starts before and after hardening, with the user's limits and no swap`, (t) => {
    const before = up(service(body));
    t.is(before.code, 0, `the original starts: ${before.stderr}`);
    const after = up(harden(service(body)));
    t.is(after.code, 0, `the hardened file starts: ${after.stderr}`);
    t.true(after.running, 'running');
    t.is(after.host?.Memory, memory);
    t.is(after.host?.MemorySwap, memory, 'MemorySwap = Memory: no swap');
    t.is(after.host?.NanoCpus, cpus);
    t.is(after.host?.PidsLimit ?? null, pids);
    t.true(after.host?.ReadonlyRootfs, 'and the rest of the hardening is there');
  });
}

test('a reservation is kept and the limit added is not below it', (t) => {
  const after = up(harden(service('    deploy:\n      resources:\n        reservations: {memory: 768m}\n')));
  t.is(after.code, 0, after.stderr);
  t.is(after.host?.MemoryReservation, 768 * MIB);
  t.is(after.host?.Memory, 768 * MIB);
});

test('the memswap_limit the old harden added beside a 1g deploy limit is refused by the engine: the check above can fail', (t) => {
  const broken = up(service('    mem_limit: 512m\n    memswap_limit: 512m\n    cpus: 1\n    deploy:\n      resources:\n        limits: {memory: 1g, cpus: "2"}\n'));
  t.not(broken.code, 0);
  t.regex(broken.stderr, /Minimum memoryswap limit should be larger than memory limit/);
});
