// doctor's judgement of what it found, from made-up engine answers and a made-up kernel; the
// real engine's answers are tested in engine-doctor.test.ts.
import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppArmorHost } from '../src/policy/apparmor.js';
import type { Check } from '../src/doctor/check.js';
import { engineChecks } from '../src/doctor/engine-checks.js';
import { configChecks } from '../src/doctor/host-checks.js';
import { hostIsolation, isolationCheck } from '../src/doctor/isolation-check.js';
import type { EngineProbe } from '../src/doctor/probe.js';
import { loadPolicy } from '../src/policy/load.js';
import type { Policy } from '../src/policy/schema.js';
import { trustFile } from '../src/policy/trust.js';
import { runMain } from './helpers/fakes.js';

const SECCOMP = ['name=seccomp,profile=default'];
const ENGINE: EngineProbe = { endpoint: 'unix:///x.sock', local: true, version: { Version: '20.10.24', ApiVersion: '1.41', MinAPIVersion: '1.12' }, securityOptions: SECCOMP, network: null };
const OURS = { Labels: { 'io.sdocker.managed': 'true' }, Options: { 'com.docker.network.bridge.enable_icc': 'false' } };

function kernel(enabled: string | undefined, profiles = ''): AppArmorHost {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-aa-'));
  const host = { enabledFile: join(dir, 'enabled'), profilesFile: join(dir, 'profiles') };
  if (enabled !== undefined) writeFileSync(host.enabledFile, `${enabled}\n`);
  writeFileSync(host.profilesFile, profiles);
  return host;
}

async function policy(profile = 'default'): Promise<Policy> {
  return (await loadPolicy({ profile, env: {}, cwd: '/', cliAllow: [] })).policy;
}

const line = (checks: readonly Check[], item: string): Check | undefined => checks.find((c) => c.item === item);

test('an engine that answers: one line each for the engine, AppArmor, seccomp and the network', async (t) => {
  const checks = engineChecks({ ...ENGINE, network: OURS }, await policy(), kernel('Y', 'sdocker-default (enforce)\n'));
  t.deepEqual(checks.map((c) => c.item), ['engine', 'apparmor', 'seccomp', 'network']);
  t.is(line(checks, 'engine')?.text, 'unix:///x.sock answers: Docker 20.10.24, API 1.41 (oldest it accepts: 1.12)');
  t.like(line(checks, 'apparmor'), { level: 'warn' }, 'the engine did not report AppArmor');
  t.like(line(checks, 'seccomp'), { level: 'ok' });
  t.like(line(checks, 'network'), { level: 'ok', text: "'sdocker' is sdocker's (io.sdocker.managed), inter-container traffic off (com.docker.network.bridge.enable_icc=false)" });
});

test('AppArmor: loaded is ok, missing warns, and fails where the policy requires it', async (t) => {
  const withAppArmor = { ...ENGINE, securityOptions: ['name=apparmor', ...SECCOMP] };
  t.like(line(engineChecks(withAppArmor, await policy(), kernel('Y', 'sdocker-default (enforce)\n')), 'apparmor'), { level: 'ok', text: "kernel and engine have AppArmor; 'sdocker-default' is loaded (enforce)" });
  t.like(line(engineChecks(withAppArmor, await policy(), kernel('Y')), 'apparmor'), { level: 'warn' });
  t.regex(line(engineChecks(withAppArmor, await policy(), kernel('Y')), 'apparmor')?.text ?? '', /sudo sdocker apparmor install/);
  const none = line(engineChecks(ENGINE, await policy('strict'), kernel(undefined)), 'apparmor');
  t.is(none?.level, 'fail');
  t.regex(none?.text ?? '', /this kernel has no AppArmor.*sdocker run refuses to start containers \(apparmor\.required\); run on a host with AppArmor, or use --sd-profile default$/);
});

test("a network of sdocker's name that sdocker did not create fails, as run refuses it", async (t) => {
  const theirs = line(engineChecks({ ...ENGINE, network: { Labels: {}, Options: {} } }, await policy()), 'network');
  t.is(theirs?.level, 'fail');
  t.regex(theirs?.text ?? '', /^'sdocker' exists but sdocker did not create it \(no io\.sdocker\.managed=true label\)/);
  const open = line(engineChecks({ ...ENGINE, network: { ...OURS, Options: {} } }, await policy()), 'network');
  t.is(open?.level, 'warn', 'ours, but inter-container traffic on');
  t.like(line(engineChecks(ENGINE, await policy()), 'network'), { level: 'ok', text: "'sdocker' does not exist yet: the first sdocker run creates it" });
});

test('an engine without seccomp fails; one that does not answer fails and says how to point at one', async (t) => {
  t.like(line(engineChecks({ ...ENGINE, securityOptions: [] }, await policy()), 'seccomp'), { level: 'fail' });
  const down = engineChecks({ endpoint: 'unix:///x.sock', local: true, error: 'cannot reach the Docker engine at unix:///x.sock (ENOENT); is dockerd running?' }, await policy());
  t.deepEqual(down.map((c) => [c.item, c.level]), [['engine', 'fail'], ['apparmor', 'warn'], ['seccomp', 'ok'], ['network', 'warn']]);
  t.is(down[0]?.text, 'cannot reach the Docker engine at unix:///x.sock (ENOENT); start dockerd, or point DOCKER_HOST, --context or -H at a running engine');
});

test('a project file: trusted, changed since trusted, or not trusted, and whether that ignores anything', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'sdocker-doc-'));
  const env = { HOME: root, XDG_CONFIG_HOME: join(root, 'config'), XDG_DATA_HOME: join(root, 'data') };
  const cwd = join(root, 'repo');
  mkdirSync(cwd);
  const file = join(cwd, '.sdocker.yml');
  const deps = { env, cwd };
  const state = async (): Promise<Check | undefined> => line(configChecks(deps, await loadPolicy({ profile: 'default', env, cwd, cliAllow: [] }), undefined), 'project config');
  writeFileSync(file, 'limits:\n  pids: 64\n');
  t.like(await state(), { level: 'ok', text: `${file}: not trusted; it only tightens, so it applies whole` });
  writeFileSync(file, 'allow: [privileged]\n');
  t.like(await state(), { level: 'warn', text: `${file}: not trusted: 'allow' ignored (loosening); review it, then run 'sdocker trust ${file}'` });
  trustFile(file, env);
  t.like(await state(), { level: 'ok', text: `${file}: trusted, in effect` });
  writeFileSync(file, 'allow: [privileged, host-pid]\n');
  t.like(await state(), { level: 'warn', text: `${file}: changed since you trusted it: 'allow' ignored (loosening); review it, then run 'sdocker trust ${file}'` });
  t.like(line(configChecks(deps, undefined, 'sdocker: x.yml: bad'), 'config'), { level: 'fail', text: 'x.yml: bad: every sdocker run stops on it' });
});

test('image profiles learn wrote are counted where doctor says where they are; none learned says how to get one', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'sdocker-doc-'));
  const env = { HOME: join(root, 'home'), XDG_CONFIG_HOME: join(root, 'config') };
  const deps = { env, cwd: root };
  t.like(line(configChecks(deps, undefined, undefined), 'image profiles'), { level: 'ok', text: 'none learned (sdocker learn IMAGE writes one)' });
  const images = join(root, 'config', 'sdocker', 'images');
  mkdirSync(images, { recursive: true });
  t.like(line(configChecks(deps, undefined, undefined), 'image profiles'), { level: 'ok', text: `none learned (${images} is empty)` });
  writeFileSync(join(images, 'sdlearn_nginx@1.yml'), 'images: ["sdlearn/nginx:1"]\n');
  writeFileSync(join(images, 'sdlearn_redis@1.yml'), 'images: ["sdlearn/redis:1"]\n');
  writeFileSync(join(images, 'notes.txt'), 'not a profile\n');
  t.like(line(configChecks(deps, undefined, undefined), 'image profiles'), { level: 'ok', text: `2 learned in ${images}, in effect before sdocker's own` });
});

test('doctor --format takes text or json only', async (t) => {
  const result = await runMain(['doctor', '--format', 'yaml']);
  t.is(result.code, 2);
  t.is(result.stderr, 'sdocker: doctor --format yaml: use text or json\n');
});

// iptables -S FORWARD as dockerd 20.10 writes it, and as a full test run once left it.
const JUMPS = ['-P FORWARD DROP', '-A FORWARD -j DOCKER-USER', '-A FORWARD -j DOCKER-ISOLATION-STAGE-1'];
const BRIDGE = ['-A FORWARD -o br-1 -j DOCKER', '-A FORWARD -i br-1 ! -o br-1 -j ACCEPT', '-A FORWARD -i br-1 -o br-1 -j DROP'];

test("isolation: dockerd's jumps first is ok; a bridge's own ACCEPT above them is a warning naming it and the fix", (t) => {
  t.like(isolationCheck([...JUMPS, ...BRIDGE].join('\n')), { item: 'isolation', level: 'ok' });
  const broken = isolationCheck(['-P FORWARD DROP', '-A FORWARD -i br-2 ! -o br-2 -j ACCEPT', ...JUMPS.slice(1), ...BRIDGE].join('\n'));
  t.is(broken.level, 'warn');
  t.regex(broken.text, /lets br-2 out before dockerd's isolation .*'docker network create sdocker-order && docker network rm sdocker-order/);
});

test("isolation: a user's own rules above the jumps are theirs; no isolation jump at all is a warning", (t) => {
  const user = ['-P FORWARD DROP', '-A FORWARD -j ufw-before-forward', '-A FORWARD -i eth0 -o wg0 -j ACCEPT', ...JUMPS.slice(1), ...BRIDGE];
  t.like(isolationCheck(user.join('\n')), { level: 'ok' });
  t.like(isolationCheck(['-P FORWARD ACCEPT', ...BRIDGE].join('\n')), { level: 'warn' });
  t.regex(isolationCheck('-P FORWARD ACCEPT').text, /no jump to DOCKER-ISOLATION-STAGE-1/);
});

test('isolation: not read for an engine elsewhere (its kernel is not this one) or one that did not answer', async (t) => {
  t.deepEqual(await hostIsolation({ ...ENGINE, local: false }), []);
  t.deepEqual(await hostIsolation({ ...ENGINE, error: 'no answer' }), []);
});
