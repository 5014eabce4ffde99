// harden names sdocker's seccomp profile by its copy in the project (./.sdocker/seccomp/NAME):
// the reference, the copy's refresh, what --check/JSON/SARIF say, and how sdocker compose and
// the refusal checks resolve a relative profile path.
import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { absoluteSeccomp, namesRef, portableRef, seccompPaths, workingDirSeccomp } from '../src/compose/edit/portable.js';
import { configCall } from '../src/compose/run/portable-run.js';
import { SECCOMP_DIR } from '../src/common/paths.js';
import { runMain } from './helpers/fakes.js';

const PROFILE = join(SECCOMP_DIR, 'sdocker-default.json');
const REF = './.sdocker/seccomp/sdocker-default.json';
const SMALL = 'services:\n  web:\n    image: sdocker-test/busybox:1\n';
const ALLOW_ALL = '{"defaultAction": "SCMP_ACT_ALLOW"}';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-portable-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const copyOf = (dir: string): string => join(dir, REF);

test('the reference: one folder of sdocker in the project, the profile file name kept', (t) => {
  t.is(portableRef(PROFILE), REF);
  t.is(portableRef('/etc/mine/strict.json'), './.sdocker/seccomp/strict.json');
  t.deepEqual(seccompPaths(['seccomp:a.json', 'seccomp=b.json', 'seccomp=unconfined', 'seccomp:builtin', 'no-new-privileges:true']), ['a.json', 'b.json']);
  // `./x` and `x` are one file to compose; an absolute path is not the copy.
  t.true(namesRef(['seccomp:.sdocker/seccomp/sdocker-default.json'], [], REF));
  t.true(namesRef(undefined, [{ rule: 'seccomp', service: 's', edit: { kind: 'append', key: 'security_opt', value: `seccomp:${REF}` }, note: '' }], REF));
  t.false(namesRef([`seccomp:${PROFILE}`], [], REF));
  t.false(namesRef(undefined, [], REF));
});

test('stdout mode names the copy, no install path; says once where the profile goes; writes nothing', async (t) => {
  const dir = project({ 'compose.yaml': SMALL });
  const result = await runMain(['harden'], { cwd: dir });
  t.is(result.code, 0);
  t.true(result.stdout.includes(`seccomp:${REF}`));
  t.false(result.stdout.includes(SECCOMP_DIR));
  t.is(result.stderr.match(/names the seccomp profile/g)?.length, 1, result.stderr);
  t.regex(result.stderr, /sdocker harden --write compose\.yaml/);
  t.false(existsSync(join(dir, '.sdocker')));
  // Once the copy is current there is nothing to say.
  mkdirSync(join(dir, '.sdocker/seccomp'), { recursive: true });
  writeFileSync(copyOf(dir), readFileSync(PROFILE));
  t.is((await runMain(['harden'], { cwd: dir })).stderr, '');
});

test('--write creates the copy once for several files of one folder; --check is clean after, fails when it is missing or stale', async (t) => {
  const dir = project({ 'a.yml': SMALL, 'b.yml': SMALL });
  const written = await runMain(['harden', '--write', 'a.yml', 'b.yml'], { cwd: dir });
  t.is(written.code, 0, written.stderr);
  t.is(written.stderr.match(/wrote the seccomp profile \.sdocker\/seccomp\/sdocker-default\.json/g)?.length, 1, written.stderr);
  t.deepEqual(readFileSync(copyOf(dir)), readFileSync(PROFILE));
  t.true(readFileSync(join(dir, 'b.yml'), 'utf8').includes(`seccomp:${REF}`));
  t.is((await runMain(['harden', '--check', 'a.yml', 'b.yml'], { cwd: dir })).code, 0);

  writeFileSync(copyOf(dir), readFileSync(PROFILE, 'utf8').replace('"SCMP_ACT_ERRNO"', '"SCMP_ACT_KILL"'));
  const stale = await runMain(['harden', '--check', 'a.yml'], { cwd: dir });
  t.is(stale.code, 1);
  t.regex(stale.stdout, /a\.yml:\d+:\d+: change seccomp \[web\]: the seccomp profile \.\/\.sdocker\/seccomp\/sdocker-default\.json differs from the policy's profile; write it: sdocker harden --write a\.yml/);
  const refreshed = await runMain(['harden', '--write', 'a.yml'], { cwd: dir });
  t.regex(refreshed.stderr, /refreshed the seccomp profile/);
  t.deepEqual(readFileSync(copyOf(dir)), readFileSync(PROFILE));

  rmSync(copyOf(dir));
  const missing = await runMain(['harden', '--check', 'a.yml'], { cwd: dir });
  t.is(missing.code, 1);
  t.regex(missing.stdout, /the seccomp profile \.\/\.sdocker\/seccomp\/sdocker-default\.json is missing/);
});

test('JSON and SARIF carry the missing copy as a seccomp finding', async (t) => {
  const dir = project({ 'compose.yaml': SMALL });
  await runMain(['harden', '--write'], { cwd: dir });
  rmSync(copyOf(dir));
  const json = JSON.parse((await runMain(['harden', '--format', 'json'], { cwd: dir })).stdout) as { rule: string; message: string; file: string }[];
  t.deepEqual(json.map((f) => [f.rule, f.file]), [['seccomp', 'compose.yaml']]);
  t.regex(json[0]?.message ?? '', /is missing; write it/);
  const sarif = JSON.parse((await runMain(['harden', '--format', 'sarif'], { cwd: dir })).stdout) as { runs: { results: { ruleId: string; message: { text: string } }[] }[] };
  t.deepEqual(sarif.runs[0]?.results.map((r) => r.ruleId), ['seccomp']);
});

test("a user's --seccomp PATH wins: written as given, no copy", async (t) => {
  const dir = project({ 'compose.yaml': SMALL });
  const result = await runMain(['harden', '--write', '--seccomp', '/opt/mine.json'], { cwd: dir });
  t.is(result.code, 0, result.stderr);
  t.true(readFileSync(join(dir, 'compose.yaml'), 'utf8').includes('seccomp:/opt/mine.json'));
  t.false(existsSync(join(dir, '.sdocker')));
});

test('--override FILE elsewhere names the path relative to the main file (compose resolves it there) and writes the copy beside it', async (t) => {
  const dir = project({ 'app/compose.yaml': SMALL });
  const elsewhere = mkdtempSync(join(tmpdir(), 'sdocker-portable-over-'));
  const result = await runMain(['harden', '--override', join(elsewhere, 'over.yml'), 'app/compose.yaml'], { cwd: dir });
  t.is(result.code, 0, result.stderr);
  t.true(readFileSync(join(elsewhere, 'over.yml'), 'utf8').includes(`seccomp:${REF}`));
  t.deepEqual(readFileSync(copyOf(join(dir, 'app'))), readFileSync(PROFILE));
  t.false(existsSync(join(elsewhere, '.sdocker')));
});

test('a relative profile is judged where v1 reads it too (the working directory), not only beside the file', async (t) => {
  const file = 'services:\n  web:\n    image: sdocker-test/busybox:1\n    security_opt: ["seccomp:./p.json"]\n';
  const dir = project({ 'app/compose.yaml': file, 'app/p.json': readFileSync(PROFILE, 'utf8'), 'p.json': ALLOW_ALL });
  t.deepEqual(workingDirSeccomp(['seccomp:./p.json'], join(dir, 'app/compose.yaml'), join(dir, 'app')), []);
  const [found] = workingDirSeccomp(['seccomp:./p.json'], join(dir, 'app/compose.yaml'), dir);
  t.is(found?.rule, 'seccomp-unconfined');
  const fromParent = await runMain(['harden', '--check', '--seccomp', '/x.json', 'app/compose.yaml'], { cwd: dir });
  t.is(fromParent.code, 1);
  t.regex(fromParent.stdout, /error seccomp-unconfined \[web\]: refusing security_opt: seccomp:\.\/p\.json \(\.\/p\.json has defaultAction SCMP_ACT_ALLOW.*as docker-compose v1 reads it from the working directory/);
  // Run from the file's own folder both composes read app/p.json, which confines.
  const fromApp = await runMain(['harden', '--check', '--seccomp', '/x.json', 'compose.yaml'], { cwd: join(dir, 'app') });
  t.false(fromApp.stdout.includes('seccomp-unconfined'), fromApp.stdout);
});

test("sdocker compose's model: relative seccomp paths become absolute from the project directory, others stay", (t) => {
  const model = 'services:\n  a:\n    image: x\n    security_opt:\n    - seccomp:./.sdocker/seccomp/p.json\n    - seccomp=unconfined\n  b:\n    image: x\n    security_opt:\n    - seccomp=/abs/p.json\n    - no-new-privileges:true\n';
  const out = absoluteSeccomp(model, '/proj/compose.yml', '/proj');
  t.true(out.includes('seccomp:/proj/.sdocker/seccomp/p.json'));
  t.true(out.includes('seccomp=unconfined'));
  t.true(out.includes('seccomp=/abs/p.json'));
  t.is(absoluteSeccomp('services:\n  b:\n    image: x\n', '/p/c.yml', '/p'), 'services:\n  b:\n    image: x\n');
});

test("v1's config runs from the project directory, its cwd-relative options made absolute; v2 and v1 already there run as they were", (t) => {
  const globals = ['--env-file', 'my.env', '-p', 'demo', '--tlscacert=certs/ca.pem', '--project-directory', '/abs/proj'];
  t.deepEqual(configCall('v1', globals, '/home/me', '/abs/proj'), {
    cwd: '/abs/proj',
    globals: ['--env-file=/home/me/my.env', '-p', 'demo', '--tlscacert=/home/me/certs/ca.pem', '--project-directory', '/abs/proj'],
  });
  t.deepEqual(configCall('v1', globals, '/abs/proj', '/abs/proj'), { globals, cwd: undefined });
  t.deepEqual(configCall('plugin', globals, '/home/me', '/abs/proj'), { globals, cwd: undefined });
});

test('a file hardened with an install path (this one or another machine\'s) moves to the project copy; the user\'s own profile stays', async (t) => {
  const old = (path: string): string => `services:\n  web:\n    image: sdocker-test/busybox:1\n    security_opt:\n      - "seccomp:${path}"   # written by an older sdocker\n`;
  for (const path of [PROFILE, '/usr/lib/node_modules/sdocker/seccomp/sdocker-default.json']) {
    const dir = project({ 'compose.yaml': old(path) });
    const result = await runMain(['harden', '--write'], { cwd: dir });
    t.is(result.code, 0, result.stderr);
    const written = readFileSync(join(dir, 'compose.yaml'), 'utf8');
    t.true(written.includes(`      - "seccomp:${REF}"   # written by an older sdocker\n`), written);
    t.false(written.includes(path));
    t.true(readFileSync(copyOf(dir)).equals(readFileSync(PROFILE)), 'the copy the file now names is written');
  }
  const mine = project({ 'compose.yaml': old('/etc/mine/seccomp.json'), 'mine.json': '{}' });
  await runMain(['harden', '--write'], { cwd: mine });
  t.true(readFileSync(join(mine, 'compose.yaml'), 'utf8').includes('seccomp:/etc/mine/seccomp.json'));
});

test('--write refuses to write the copy through a symbolic link in the project (a cloned .sdocker pointing elsewhere); nothing is written', async (t) => {
  const elsewhere = mkdtempSync(join(tmpdir(), 'sdocker-elsewhere-'));
  for (const linked of ['.sdocker', '.sdocker/seccomp']) {
    const dir = project({ 'compose.yaml': SMALL });
    if (linked !== '.sdocker') mkdirSync(join(dir, '.sdocker'));
    symlinkSync(elsewhere, join(dir, linked));
    const result = await runMain(['harden', '--write'], { cwd: dir });
    t.is(result.code, 2);
    t.regex(result.stderr, /is a symbolic link; sdocker writes its seccomp profile copy only into a real folder/);
    t.is(readFileSync(join(dir, 'compose.yaml'), 'utf8'), SMALL, 'the compose file is not written either');
  }
  t.deepEqual(readdirSync(elsewhere), []);
  const real = project({ 'compose.yaml': SMALL });
  t.is((await runMain(['harden', '--write'], { cwd: real })).code, 0);
  t.true(existsSync(copyOf(real)));
});
