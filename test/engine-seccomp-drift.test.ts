// The seccomp profile copy a cloned project carries (.sdocker/seccomp/, written by harden --write)
// is the repository's: whoever committed it may have weakened it without making it allow-all.
// Measured here: with `unshare` allowed in the copy, `unshare -U` works in the container that
// `sdocker compose up` starts (docker-compose 1.29 sends the copy); with the policy's profile it
// is EPERM. sdocker compose still runs it (a project may mean its own profile) but says so, once,
// with the command that restores the policy's profile.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './helpers/cli.js';
import { engineSuite, uniqueName } from './helpers/engine.js';

const { cleanup } = engineSuite(test);

function sdocker(args: readonly string[], cwd: string): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

/** A project hardened to travel: the compose file names ./.sdocker/seccomp/sdocker-default.json. */
function hardenedProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-drift-'));
  writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  app:\n    image: sdocker-test/busybox:1\n    command: ["sleep", "300"]\n');
  if (sdocker(['harden', '--write', 'docker-compose.yml'], dir).status !== 0) throw new Error('harden --write failed');
  return dir;
}

function up(dir: string): { status: number | null; stderr: string; unshare: number | null } {
  const project = uniqueName('sddrift');
  cleanup(() => spawnSync('docker-compose', ['-p', project, 'down', '-v'], { cwd: dir, stdio: 'ignore' }));
  const result = sdocker(['compose', '-p', project, 'up', '-d'], dir);
  const container = spawnSync('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`], { encoding: 'utf8' }).stdout.trim();
  const unshare = spawnSync('docker', ['exec', container, 'unshare', '-U', 'true'], { stdio: 'ignore' }).status;
  return { ...result, unshare };
}

const WARNING = /^sdocker: .*\.sdocker\/seccomp\/sdocker-default\.json differs from the policy's profile.*sdocker harden --write (\.\/)?docker-compose\.yml$/m;

test("a weakened project copy runs, and sdocker compose up says it differs from the policy's profile", (t) => {
  const dir = hardenedProject();
  const copy = join(dir, '.sdocker/seccomp/sdocker-default.json');
  const profile = JSON.parse(readFileSync(copy, 'utf8')) as { syscalls: unknown[] };
  profile.syscalls.push({ names: ['unshare', 'mount', 'ptrace'], action: 'SCMP_ACT_ALLOW' });
  writeFileSync(copy, JSON.stringify(profile));
  const result = up(dir);
  t.is(result.status, 0, result.stderr);
  t.is(result.unshare, 0);
  t.regex(result.stderr, WARNING);
  t.is(result.stderr.split('\n').filter((line) => WARNING.test(line)).length, 1);
});

test('the copy harden wrote runs without a word, and unshare is refused in the container', (t) => {
  const result = up(hardenedProject());
  t.is(result.status, 0, result.stderr);
  t.not(result.unshare, 0);
  t.false(/differs from the policy/.test(result.stderr), result.stderr);
});
