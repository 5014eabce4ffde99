// A dangerous capability granted by policy (capabilities.add, or asRoot for a root container)
// is refused like the user's own --cap-add, naming the file that grants it, and lifted only by
// the allow a user would need; an image profile cannot lift it itself.
import test from 'ava';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hardenCompose } from '../src/compose/edit/harden.js';
import { dangerousGrants } from '../src/policy/grants.js';
import { IMAGE_PROFILES_DIR } from '../src/policy/images.js';
import { loadPolicy } from '../src/policy/load.js';
import { dockerArgv, runMain } from './helpers/fakes.js';

/** A config folder with config.yml and images/*.yml as given; returns its env and the files' paths. */
function config(files: Record<string, string>): { env: NodeJS.ProcessEnv; path: (name: string) => string } {
  const root = mkdtempSync(join(tmpdir(), 'sdocker-grants-'));
  mkdirSync(join(root, 'sdocker', 'images'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'sdocker', name), text);
  return { env: { HOME: '/nonexistent-home', XDG_CONFIG_HOME: root }, path: (name) => join(root, 'sdocker', name) };
}

const GRANTING = 'images: [sdgrant]\nuser: "999:999"\ncapabilities:\n  asRoot: [CHOWN, cap_sys_admin]\n';
const images = { sdgrant: { user: '', exposedPorts: [] }, 'sdgrant-user': { user: '1000', exposedPorts: [] } };
const caps = (argv: readonly string[]): string[] => argv.flatMap((w, i) => (w === '--cap-add' ? [argv[i + 1] ?? ''] : []));

test('an image profile granting SYS_ADMIN as root: refused, naming the file, nothing run', async (t) => {
  const { env, path } = config({ 'images/sdgrant.yml': GRANTING });
  const result = await runMain(['run', '--user', '0', 'sdgrant'], { env, images });
  t.is(result.code, 125);
  t.deepEqual(result.runs, []);
  t.is(result.stderr, `sdocker: refusing SYS_ADMIN granted by capabilities.asRoot in ${path('images/sdgrant.yml')}: each lets a process reach the host kernel or other processes (SYS_ADMIN mounts, DAC_READ_SEARCH opens host files by handle, SYS_MODULE loads modules); remove it there (a narrower capability may do), or --sd-allow dangerous-cap:SYS_ADMIN\n`);
});

test('the same profile, allowed by the user for that capability: run with it, and said', async (t) => {
  const { env } = config({ 'images/sdgrant.yml': GRANTING });
  const result = await runMain(['run', '--user', '0', '--sd-allow', 'dangerous-cap:SYS_ADMIN', 'sdgrant'], { env, images });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(caps(dockerArgv(result)), ['CHOWN', 'SYS_ADMIN']);
  t.regex(result.stderr, /SYS_ADMIN granted by capabilities\.asRoot/);
});

test('asRoot counts only for a root container: the profile user, or the image user, runs without it', async (t) => {
  const { env } = config({ 'images/sdgrant.yml': GRANTING });
  const profileUser = await runMain(['run', 'sdgrant'], { env, images });
  t.is(profileUser.code, 0, profileUser.stderr);
  t.deepEqual(caps(dockerArgv(profileUser)), []);
  // With no user in the policy, the image's own USER decides, known after the engine is asked.
  const noUser = config({ 'config.yml': 'user: ""\n', 'images/sdgrant.yml': GRANTING.replace('user: "999:999"\n', '').replace('[sdgrant]', '[sdgrant, sdgrant-user]') });
  const imageUser = await runMain(['run', 'sdgrant-user'], { env: noUser.env, images });
  t.is(imageUser.code, 0, imageUser.stderr);
  t.deepEqual(caps(dockerArgv(imageUser)), []);
  const imageRoot = await runMain(['run', 'sdgrant'], { env: noUser.env, images });
  t.is(imageRoot.code, 125);
  t.deepEqual(imageRoot.runs, []);
  t.regex(imageRoot.stderr, /refusing SYS_ADMIN granted by capabilities\.asRoot/);
});

test("capabilities.add in the user's config: refused for any user, unless the config also allows it", async (t) => {
  const plain = config({ 'config.yml': 'capabilities:\n  add: [SYS_PTRACE]\n' });
  const refused = await runMain(['run', 'alpine'], { env: plain.env });
  t.is(refused.code, 125);
  t.deepEqual(refused.runs, []);
  t.true(refused.stderr.includes(`refusing SYS_PTRACE granted by capabilities.add in ${plain.path('config.yml')}`));
  const allowed = config({ 'config.yml': 'allow: [dangerous-cap:SYS_PTRACE]\ncapabilities:\n  add: [SYS_PTRACE]\n' });
  const ran = await runMain(['run', 'alpine'], { env: allowed.env });
  t.is(ran.code, 0, ran.stderr);
  t.deepEqual(caps(dockerArgv(ran)), ['SYS_PTRACE']);
});

test('an image profile may not lift a refusal itself (allow, a shorter dangerous list), and may tighten', async (t) => {
  for (const line of ['allow: [dangerous-cap:SYS_ADMIN]', 'capabilities:\n  dangerous: [ALL]', 'secretPaths: [/etc/shadow]']) {
    const { env, path } = config({ 'images/sdgrant.yml': `images: [sdgrant]\n${line}\n` });
    const result = await runMain(['run', 'sdgrant'], { env, images });
    t.is(result.code, 2, line);
    t.regex(result.stderr, new RegExp(`^sdocker: ${path('images/sdgrant.yml')}: '[a-zA-Z.]+' cannot be set in an image profile`), line);
  }
  const { env } = config({ 'images/sdgrant.yml': 'images: [sdgrant]\nallow: []\ncapabilities:\n  dangerous: [ALL, SYS_ADMIN, SYS_PTRACE, SYS_MODULE, SYS_RAWIO, SYS_BOOT, SYS_TIME, DAC_READ_SEARCH, MAC_ADMIN, MAC_OVERRIDE, BPF, PERFMON, SYSLOG, NET_ADMIN, LINUX_IMMUTABLE, NET_RAW]\n' });
  const result = await runMain(['run', 'sdgrant'], { env, images });
  t.is(result.code, 0, result.stderr);
});

test('no bundled image profile grants a dangerous capability, as root or not', async (t) => {
  const names = readdirSync(IMAGE_PROFILES_DIR).filter((n) => n.endsWith('.yml')).map((n) => n.slice(0, -4));
  t.true(names.includes('postgres'));
  for (const name of names) {
    const { policy } = await loadPolicy({ profile: 'default', env: { XDG_CONFIG_HOME: '/nonexistent' }, cwd: '/', cliAllow: [], image: name });
    t.deepEqual(dangerousGrants(policy, true), [], name);
  }
});

const COMPOSE = 'services:\n  db:\n    image: sdgrant\n    user: "0"\n';

test('harden: a profile granting SYS_ADMIN to a root service is an error finding, not a cap_add', async (t) => {
  const { env, path } = config({ 'images/sdgrant.yml': GRANTING });
  const result = await hardenCompose(COMPOSE, '/project/compose.yml', { profile: 'default', env, cliAllow: [], seccomp: '/s.json' });
  const errors = result.findings.filter((f) => f.level === 'error');
  t.deepEqual(errors.map((f) => [f.rule, f.line]), [['dangerous-cap', 3]]);
  t.true(errors[0]?.message.includes(`SYS_ADMIN granted by capabilities.asRoot in ${path('images/sdgrant.yml')}`));
  t.regex(errors[0]?.message ?? '', /x-sdocker: \{allow: \[dangerous-cap:SYS_ADMIN\]\}/);
  t.regex(result.output, /cap_add:\n\s+- CHOWN\n/, 'the harmless grant is still written');
  t.notRegex(result.output, /SYS_ADMIN/);
});

test('harden: allowed on the service, the grant is a warning and is written', async (t) => {
  const { env } = config({ 'images/sdgrant.yml': GRANTING });
  const text = `${COMPOSE}    x-sdocker:\n      allow: [dangerous-cap:SYS_ADMIN]\n`;
  const result = await hardenCompose(text, '/project/compose.yml', { profile: 'default', env, cliAllow: [], seccomp: '/s.json' });
  t.deepEqual(result.findings.filter((f) => f.level === 'error'), []);
  t.true(result.findings.some((f) => f.level === 'warning' && f.rule === 'dangerous-cap'));
  t.regex(result.output, /- SYS_ADMIN\n/);
});

test("the policy's own seccomp profile is judged like --security-opt seccomp=FILE: an allow-all one is refused, naming the file that set it", async (t) => {
  const { env, path } = config({ 'allow.json': '{"defaultAction": "SCMP_ACT_ALLOW"}', 'deny.json': '{"defaultAction": "SCMP_ACT_ERRNO"}' });
  writeFileSync(path('config.yml'), `seccomp: ${path('allow.json')}\n`);
  const refused = await runMain(['run', 'sdgrant'], { env, images });
  t.is(refused.code, 125);
  t.deepEqual(refused.runs, []);
  t.regex(refused.stderr, new RegExp(`^sdocker: refusing the seccomp profile set by seccomp in ${path('config.yml')} \\(.*SCMP_ACT_ALLOW`));
  // The user's own profile on the command line replaces the policy's: judged on its own.
  const own = await runMain(['run', '--security-opt', `seccomp=${path('deny.json')}`, 'sdgrant'], { env, images });
  t.is(own.code, 0, own.stderr);
  writeFileSync(path('config.yml'), `seccomp: ${path('deny.json')}\n`);
  const denying = await runMain(['run', 'sdgrant'], { env, images });
  t.is(denying.code, 0, denying.stderr);
  t.true(dockerArgv(denying).includes(`seccomp=${path('deny.json')}`));
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-grants-compose-'));
  writeFileSync(path('config.yml'), `seccomp: ${path('allow.json')}\n`);
  const file = join(dir, 'compose.yaml');
  const { findings } = await hardenCompose('services:\n  s:\n    image: x\n', file, { profile: 'default', env, cliAllow: [], seccomp: undefined });
  t.deepEqual(findings.filter((f) => f.level === 'error').map((f) => f.rule), ['seccomp-unconfined']);
});
