// Profiles and config files: merge order, array semantics, clear errors, and a project file
// that can only tighten until the user trusts it.
import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROFILES_DIR } from '../src/common/paths.js';
import { listProfiles, loadPolicy, parseLayer } from '../src/policy/load.js';
import { trustFile } from '../src/policy/trust.js';
import { dockerArgv, runMain } from './helpers/fakes.js';

function sandbox(user?: string, project?: string): { env: NodeJS.ProcessEnv; cwd: string; projectFile: string } {
  const root = mkdtempSync(join(tmpdir(), 'sdocker-policy-'));
  const env = { HOME: root, XDG_CONFIG_HOME: join(root, 'config'), XDG_DATA_HOME: join(root, 'data') };
  if (user !== undefined) {
    mkdirSync(join(root, 'config', 'sdocker'), { recursive: true });
    writeFileSync(join(root, 'config', 'sdocker', 'config.yml'), user);
  }
  const cwd = join(root, 'repo', 'sub');
  mkdirSync(cwd, { recursive: true });
  const projectFile = join(root, 'repo', '.sdocker.yml');
  if (project !== undefined) writeFileSync(projectFile, project);
  return { env, cwd, projectFile };
}

test('strict is merged over default: only what it names changes', async (t) => {
  const { policy, sources } = await loadPolicy({ profile: 'strict', env: {}, cwd: '/', cliAllow: [] });
  t.is(policy.limits.memory, '256m');
  t.is(policy.apparmor.required, true);
  t.is(policy.user, '65534:65534', 'inherited from default');
  t.is(sources.length, 2);
});

test('user config overrides the profile; arrays replace, allow accumulates', async (t) => {
  const box = sandbox('limits:\n  memory: 1g\ntmpfs:\n  paths: [/tmp, /run]\nallow: [privileged]\n');
  const { policy } = await loadPolicy({ profile: 'default', env: box.env, cwd: box.cwd, cliAllow: ['host-pid'] });
  t.is(policy.limits.memory, '1g');
  t.is(policy.limits.cpus, '1.0');
  t.deepEqual(policy.tmpfs.paths, ['/tmp', '/run']);
  t.deepEqual(policy.allow, ['privileged', 'host-pid']);
});

test('an untrusted project file tightens but cannot loosen', async (t) => {
  const box = sandbox(undefined, 'limits:\n  memory: 128m\n  pids: 4096\nallow: [privileged]\nseccomp: ""\nreadOnly: true\n');
  const { policy, warnings } = await loadPolicy({ profile: 'default', env: box.env, cwd: box.cwd, cliAllow: [] });
  t.is(policy.limits.memory, '128m', 'lower memory applies');
  t.is(policy.limits.pids, 256, 'a higher pids limit is ignored');
  t.deepEqual(policy.allow, []);
  t.is(policy.seccomp, 'sdocker-default.json');
  t.is(warnings.length, 1, 'one line for the file');
  t.regex(warnings[0] ?? '', /^sdocker: ignoring 'limits\.pids', 'allow', 'seccomp' from (\S+\.sdocker\.yml): they loosen the policy and the file is not trusted; review it, then run 'sdocker trust \1'$/);
});

test('a project file may add secret paths and system folders but not remove one', async (t) => {
  const { policy: base } = await loadPolicy({ profile: 'default', env: {}, cwd: '/', cliAllow: [] });
  const more = sandbox(undefined, `secretPaths: [${[...base.secretPaths, '/srv/keys'].join(', ')}]\n`);
  const added = await loadPolicy({ profile: 'default', env: more.env, cwd: more.cwd, cliAllow: [] });
  t.true(added.policy.secretPaths.includes('/srv/keys'));
  t.deepEqual(added.warnings, []);
  const fewer = sandbox(undefined, 'secretPaths: [/etc/shadow]\nsensitivePaths: [/]\n');
  const removed = await loadPolicy({ profile: 'default', env: fewer.env, cwd: fewer.cwd, cliAllow: [] });
  t.deepEqual(removed.policy.secretPaths, base.secretPaths);
  t.deepEqual(removed.policy.sensitivePaths, base.sensitivePaths);
  t.is(removed.warnings.length, 1);
  t.regex(removed.warnings[0] ?? '', /ignoring 'secretPaths', 'sensitivePaths' from /);
});

test('a trusted project file applies whole; editing it revokes the trust', async (t) => {
  const box = sandbox(undefined, 'allow: [privileged]\n');
  trustFile(box.projectFile, box.env);
  const trusted = await loadPolicy({ profile: 'default', env: box.env, cwd: box.cwd, cliAllow: [] });
  t.deepEqual(trusted.policy.allow, ['privileged']);
  writeFileSync(box.projectFile, 'allow: [privileged, host-pid]\n');
  const edited = await loadPolicy({ profile: 'default', env: box.env, cwd: box.cwd, cliAllow: [] });
  t.deepEqual(edited.policy.allow, []);
});

test('sdocker trust through the CLI', async (t) => {
  const box = sandbox(undefined, 'allow: [privileged]\n');
  const result = await runMain(['trust'], { env: box.env, cwd: box.cwd });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /trusted .*\.sdocker\.yml/);
  const run = await runMain(['run', '--privileged', 'alpine'], { env: box.env, cwd: box.cwd });
  t.is(run.code, 0, run.stderr);
});

const BAD: [string, RegExp][] = [
  ['limits:\n  memroy: 1g\n', /config\.yml: 'limits\.memroy' is not a known key; known here: memory, cpus, pids, nofile$/],
  ['limits:\n  pids: lots\n', /'limits\.pids' must be a whole number \(0 turns it off\), got "lots"$/],
  ['readOnly: yes please\n', /'readOnly' must be a boolean/],
  ['allow: privileged\n', /'allow' must be a list of strings/],
  ['secretPaths: /etc/shadow\n', /'secretPaths' must be a list of strings/],
  ['readOnlyHostPaths: [/etc/ssl]\n', /'readOnlyHostPaths' is not a known key/],
  ['limits: [1]\n', /'limits' must be a mapping of keys/],
  ['a: 1\na: 2\n', /config\.yml:2:1: Map keys must be unique$/],
  ['a: [\n', /config\.yml:\d+:\d+: /],
  ['a: 1\n---\nb: 2\n', /holds 2 YAML documents/],
];

for (const [text, message] of BAD) {
  test(`a bad config is one clear error: ${JSON.stringify(text)}`, async (t) => {
    const box = sandbox(text);
    const result = await runMain(['run', 'alpine'], { env: box.env, cwd: box.cwd });
    t.is(result.code, 2);
    t.deepEqual(result.runs, []);
    t.is(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
    t.regex(result.stderr.trimEnd(), message);
  });
}

test('an unknown profile names the available ones', async (t) => {
  const result = await runMain(['run', '--sd-profile', 'nope', 'alpine']);
  t.is(result.code, 2);
  t.regex(result.stderr, /unknown profile 'nope'; available: default, strict/);
});

test('SDOCKER_PROFILE chooses the profile; --sd-profile wins over it', async (t) => {
  const env = { HOME: '/nonexistent', SDOCKER_PROFILE: 'strict' };
  const info = { apparmor: true, loggingDriver: 'json-file' };
  const strict = await runMain(['run', '--sd-dry-run', 'alpine'], { env, info });
  t.regex(strict.stdout, /--memory 256m/);
  const chosen = await runMain(['run', '--sd-profile=default', 'alpine'], { env, info });
  t.true(dockerArgv(chosen).includes('512m'));
});

test('the build compiled every profile, and its copy equals the YAML', async (t) => {
  const compiled = JSON.parse(readFileSync(new URL('../profiles.json', import.meta.url), 'utf8')) as Record<string, { text: string; data: unknown }>;
  for (const name of listProfiles()) {
    const file = join(PROFILES_DIR, `${name}.yml`);
    const text = readFileSync(file, 'utf8');
    t.is(compiled[`${name}.yml`]?.text, text, name);
    t.deepEqual(compiled[`${name}.yml`]?.data, await parseLayer(text, file), name);
  }
});
