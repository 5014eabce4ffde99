// A hardened compose file travels: hardened by sdocker installed at one path, the project moved
// to another folder, it still passes docker-compose config, starts, and its container runs
// under sdocker's seccomp profile, sent as JSON by docker-compose 1.29 (HostConfig.SecurityOpt
// `seccomp={...}`). No path of either sdocker install is written. The form it replaces, an
// absolute path of one machine's install, fails to start where that path does not exist.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../src/common/paths.js';
import { CLI } from './helpers/cli.js';
import { engineSuite, inspect, uniqueName } from './helpers/engine.js';

const { cleanup } = engineSuite(test);
const PROFILE = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'seccomp/sdocker-default.json'), 'utf8')) as unknown;
const FILE = `services:
  app:
    image: sdocker-test/busybox:1
    command: ["sleep", "300"]
`;

function run(file: string, args: readonly string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(file, args, { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** sdocker as installed at another path: its package files copied, its dependencies linked. */
function installCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'sdocker-install-'));
  for (const part of ['dist', 'profiles', 'seccomp', 'apparmor', 'package.json']) cpSync(join(PACKAGE_ROOT, part), join(root, part), { recursive: true });
  symlinkSync(realpathSync(join(PACKAGE_ROOT, 'node_modules')), join(root, 'node_modules'));
  return root;
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}

/** The profile the container runs under, as docker-compose sent it. */
function sentProfile(container: string): unknown {
  const opt = inspect(container).HostConfig.SecurityOpt?.find((o) => o.startsWith('seccomp='));
  return opt === undefined ? undefined : (JSON.parse(opt.slice('seccomp='.length)) as unknown);
}

function up(project: string, args: readonly string[], cwd: string, file: string, sdocker?: string): { status: number | null; stderr: string } {
  // From the file's folder: v1 reads the relative profile path while it loads the file, down too.
  cleanup(() => run('docker-compose', ['-p', project, '-f', file, 'down', '-v'], dirname(file)));
  return sdocker === undefined ? run('docker-compose', ['-p', project, ...args, 'up', '-d'], cwd) : run(process.execPath, [sdocker, 'compose', '-p', project, ...args, 'up', '-d'], cwd);
}

test.before(() => {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0) throw new Error("docker-compose (v1) is missing: install Debian's docker-compose (scripts/engine-up does)");
});

test('hardened by an install elsewhere, moved to another folder: no install path written; config passes; up runs under the profile', (t) => {
  const install = installCopy();
  const sdocker = join(install, 'dist/bin', basename(CLI));
  const first = mkdtempSync(join(tmpdir(), 'sdocker-proj-'));
  writeFileSync(join(first, 'compose.yaml'), FILE);
  const hardened = run(process.execPath, [sdocker, 'harden', '--write', 'compose.yaml'], first);
  t.is(hardened.status, 0, hardened.stderr);

  const moved = join(mkdtempSync(join(tmpdir(), 'sdocker-elsewhere-')), 'project');
  renameSync(first, moved);
  const written = filesBelow(moved);
  t.deepEqual(written.map((f) => f.slice(moved.length)).sort(), ['/.sdocker/seccomp/sdocker-default.json', '/compose.yaml']);
  for (const root of [PACKAGE_ROOT, install, realpathSync(install)]) {
    const grep = run('grep', ['-rlF', root, moved], moved);
    t.is(grep.status, 1, `${root} appears in ${grep.stdout}`);
  }
  t.true(readFileSync(join(moved, 'compose.yaml'), 'utf8').includes('seccomp:./.sdocker/seccomp/sdocker-default.json'));
  t.is(run('docker-compose', ['config', '-q'], moved).status, 0);

  const project = uniqueName('sdport');
  const started = up(project, [], moved, join(moved, 'compose.yaml'));
  t.is(started.status, 0, started.stderr);
  t.deepEqual(sentProfile(`${project}_app_1`), PROFILE);
});

test('sdocker compose runs the moved file from its folder and, with -f, from another (plain v1 reads the relative path from the working directory and fails there)', (t) => {
  const install = installCopy();
  const sdocker = join(install, 'dist/bin', basename(CLI));
  const dir = join(mkdtempSync(join(tmpdir(), 'sdocker-proj-')), 'app');
  mkdirSync(dir);
  writeFileSync(join(dir, 'compose.yaml'), FILE);
  t.is(run(process.execPath, [sdocker, 'harden', '--write', 'compose.yaml'], dir).status, 0);
  const outside = mkdtempSync(join(tmpdir(), 'sdocker-cwd-'));
  const file = join(dir, 'compose.yaml');

  const plain = run('docker-compose', ['-f', file, 'config', '-q'], outside);
  t.not(plain.status, 0);
  t.regex(plain.stderr, /Error reading seccomp profile: .*No such file or directory: '\.\/\.sdocker\/seccomp\/sdocker-default\.json'/);

  for (const [cwd, args] of [[dir, []], [outside, ['-f', file]]] as const) {
    const project = uniqueName('sdportc');
    const started = up(project, args, cwd, file, sdocker);
    t.is(started.status, 0, started.stderr);
    t.deepEqual(sentProfile(`${project}_app_1`), PROFILE, `from ${cwd}`);
  }
});

test("the old form, an absolute path of one machine's install, fails to start where that path does not exist", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-proj-'));
  const missing = '/nonexistent/lib/node_modules/sdocker/seccomp/sdocker-default.json';
  writeFileSync(join(dir, 'compose.yaml'), FILE.replace('    command:', `    security_opt: ["seccomp:${missing}"]\n    command:`));
  const project = uniqueName('sdportold');
  const started = up(project, [], dir, join(dir, 'compose.yaml'));
  t.not(started.status, 0);
  t.regex(started.stderr, /Error reading seccomp profile: .*No such file or directory/);
  t.is(run('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], dir).stdout.trim(), '');
});
