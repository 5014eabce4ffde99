// `sdocker rules` shows the effective policy (the user's config, a project file as far as it is
// trusted), `--explain` which layer set each value, and `--markdown` stays the built-in table.
import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy } from '../src/policy/load.js';
import { trustFile } from '../src/policy/trust.js';
import { runMain } from './helpers/fakes.js';

function sandbox(user?: string, project?: string): { env: NodeJS.ProcessEnv; cwd: string; projectFile: string; userFile: string } {
  const root = mkdtempSync(join(tmpdir(), 'sdocker-view-'));
  const env = { HOME: root, XDG_CONFIG_HOME: join(root, 'config'), XDG_DATA_HOME: join(root, 'data') };
  const userFile = join(root, 'config', 'sdocker', 'config.yml');
  mkdirSync(join(root, 'config', 'sdocker'), { recursive: true });
  if (user !== undefined) writeFileSync(userFile, user);
  const cwd = join(root, 'repo');
  mkdirSync(cwd, { recursive: true });
  const projectFile = join(cwd, '.sdocker.yml');
  if (project !== undefined) writeFileSync(projectFile, project);
  return { env, cwd, projectFile, userFile };
}

const memoryRow = (text: string): string => text.split('\n').find((line) => line.startsWith('memory ')) ?? '';

test("rules shows the user's value, not the built-in one", async (t) => {
  const plain = await runMain(['rules'], sandbox());
  t.is(plain.code, 0, plain.stderr);
  t.regex(memoryRow(plain.stdout), /\[512m, swap 512m\]/);
  const box = sandbox('limits:\n  memory: 1g\n');
  const mine = await runMain(['rules'], box);
  t.regex(memoryRow(mine.stdout), /\[1g, swap 1g\]/);
  const strict = await runMain(['rules'], { ...box, env: { ...box.env, SDOCKER_PROFILE: 'strict' } });
  t.regex(strict.stdout, /^apparmor .*\(required\)/m, '$SDOCKER_PROFILE chooses the profile, as for a run');
});

test('rules --explain: every layer in order, and for a value the layer that set it and what it replaced', async (t) => {
  const box = sandbox('limits:\n  memory: 1g\nallow: [dangerous-cap:NET_ADMIN]\n', 'limits:\n  pids: 64\nreadOnly: false\n');
  const result = await runMain(['rules', '--explain'], box);
  t.is(result.code, 0);
  const layers = result.stdout.slice(0, result.stdout.indexOf('\n\n')).split('\n').slice(1).map((line) => line.trim().split(/\s{2,}/)[0]);
  t.deepEqual(layers, ['built-in', 'user config', 'project config', 'command line']);
  t.regex(result.stdout, /^ {2}built-in {8}sdocker's profiles\/default\.yml$/m);
  t.regex(result.stdout, /^ {2}user config {5}~\/config\/sdocker\/config\.yml$/m);
  t.regex(result.stdout, /^ {2}project config {2}.+\/repo\/\.sdocker\.yml \(not trusted: ignored 'readOnly': it loosens; 'sdocker trust .+' after review\)$/m);
  t.regex(result.stdout, /^ {2}limits\.memory +1g {2}\[user config; over 512m \(built-in\)\]$/m);
  t.regex(result.stdout, /^ {2}limits\.pids +64 {2}\[project config; over 256 \(built-in\)\]$/m, 'a tightening value of an untrusted file applies');
  t.regex(result.stdout, /^ {2}readOnly +true {2}\[built-in\]$/m, 'a loosening one does not');
  t.regex(result.stdout, /^refusals lifted \(allow\):\n {2}dangerous-cap:NET_ADMIN {2}\[user config\]$/m);
  t.regex(result.stderr, /ignoring 'readOnly' from .+: it loosens the policy and the file is not trusted/);
  trustFile(box.projectFile, box.env);
  const trusted = await runMain(['rules', '--explain'], box);
  t.regex(trusted.stdout, /\.sdocker\.yml \(trusted\)$/m);
  t.regex(trusted.stdout, /^ {2}readOnly +false {2}\[project config; over true \(built-in\)\]$/m);
  t.is(trusted.stderr, '');
});

test('rules --explain names the files that are not there, and the profile chosen', async (t) => {
  const box = sandbox();
  const result = await runMain(['rules', '--explain', '--profile', 'strict'], box);
  t.regex(result.stdout, /profile strict \(--profile\)/);
  t.regex(result.stdout, /^ {2}profile {9}sdocker's profiles\/strict\.yml$/m);
  t.regex(result.stdout, /^ {2}user config {5}none \(~\/config\/sdocker\/config\.yml does not exist\)$/m);
  t.regex(result.stdout, /^ {2}project config {2}none \(no \.sdocker\.yml in .+ or above\)$/m);
  t.regex(result.stdout, /^ {2}limits\.memory +256m {2}\[profile; over 512m \(built-in\)\]$/m);
});

test('rules lists the dangerous capabilities and both path lists whole, and which refusals are lifted', async (t) => {
  const box = sandbox('allow: [privileged, dangerous-cap:SYS_PTRACE]\n');
  const { policy } = await loadPolicy({ profile: 'default', env: box.env, cwd: box.cwd, cliAllow: [] });
  const result = await runMain(['rules'], box);
  const section = (title: string): string[] => {
    const start = result.stdout.indexOf(title);
    const body = result.stdout.slice(result.stdout.indexOf('\n', start) + 1).split('\n');
    return body.slice(0, body.findIndex((line) => !line.startsWith('  '))).join(' ').trim().split(/\s+/);
  };
  t.deepEqual(section('dangerous capabilities'), policy.capabilities.dangerous);
  t.deepEqual(section('system folders').filter((w) => w !== '(itself' && w !== 'only)'), policy.sensitivePaths);
  t.deepEqual(section('secret paths'), policy.secretPaths);
  t.true(policy.secretPaths.length > 10 && policy.capabilities.dangerous.length > 5);
  t.regex(result.stdout, /^privileged .*\(lifted: privileged by user config\)/m);
  t.regex(result.stdout, /^dangerous-cap .*\(lifted: dangerous-cap:SYS_PTRACE by user config\)/m);
  t.notRegex(result.stdout, /^host-pid .*lifted/m, 'a refusal not allowed says nothing of it');
});

test("rules --markdown is the built-in default whatever the user's config says", async (t) => {
  const plain = await runMain(['rules', '--markdown'], sandbox());
  const mine = await runMain(['rules', '--markdown'], sandbox('limits:\n  memory: 1g\n', 'limits:\n  pids: 64\n'));
  t.is(mine.stdout, plain.stdout);
  t.regex(mine.stdout, /`512m, swap 512m`/);
});

test('a strict run without AppArmor is refused, saying why and how out; a config that requires it names itself', async (t) => {
  const box = sandbox('apparmor:\n  required: true\n');
  const result = await runMain(['run', 'alpine'], box);
  t.is(result.code, 125);
  t.deepEqual(result.runs, []);
  t.is(result.stderr, `sdocker: refusing to run: ${box.userFile} requires AppArmor (apparmor.required) and the engine has no AppArmor, so the container would run without AppArmor confinement; run it on a host with AppArmor, or set apparmor.required: false in ${box.userFile}\n`);
  const plain = await runMain(['run', 'alpine'], sandbox());
  t.is(plain.code, 0, 'the default profile runs without AppArmor');
  t.is(plain.stderr, '');
});
