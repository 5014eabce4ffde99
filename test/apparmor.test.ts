// The bundled AppArmor profile parses (syntax only: nothing is loaded into the kernel), and
// `sdocker apparmor` reports the host's state, whichever it is.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appArmorState, type AppArmorState } from '../src/policy/apparmor.js';
import { runCli } from './helpers/cli.js';

const PROFILE = fileURLToPath(new URL('../../apparmor/sdocker-default', import.meta.url));

test('apparmor/sdocker-default passes apparmor_parser -Q -K -T', (t) => {
  const result = spawnSync('apparmor_parser', ['-Q', '-K', '-T', PROFILE], { encoding: 'utf8' });
  t.is(result.error, undefined, "apparmor_parser is missing: install Debian's apparmor package (scripts/engine-up does)");
  t.is(result.status, 0, result.stderr);
});

test('a broken profile fails the same check (the check can fail)', (t) => {
  const result = spawnSync('apparmor_parser', ['-Q', '-K', '-T', '/dev/stdin'], { encoding: 'utf8', input: 'profile broken {\n  deny mount bogus-word,\n}\n' });
  t.not(result.status, 0);
});

test('the AppArmor state of a host: absent, disabled, not loaded, loaded', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-aa-'));
  const host = { enabledFile: join(dir, 'enabled'), profilesFile: join(dir, 'profiles') };
  t.is(appArmorState('sdocker-default', host).kind, 'absent');
  writeFileSync(host.enabledFile, 'N\n');
  t.is(appArmorState('sdocker-default', host).kind, 'absent');
  writeFileSync(host.enabledFile, 'Y\n');
  writeFileSync(host.profilesFile, 'docker-default (enforce)\nsdocker-defaultish (enforce)\n');
  t.is(appArmorState('sdocker-default', host).kind, 'not-loaded');
  writeFileSync(host.profilesFile, 'docker-default (enforce)\nsdocker-default (enforce)\n');
  t.deepEqual(appArmorState('sdocker-default', host), { kind: 'loaded', mode: 'enforce' });
});

/** What `sdocker apparmor status` says in each state this host can be in. */
const STATUS: Readonly<Record<AppArmorState['kind'], RegExp>> = {
  absent: /^sdocker: AppArmor is not available: .*\. 'sdocker-default' cannot be loaded here; sdocker run leaves the AppArmor option out/,
  'not-loaded': /^sdocker: AppArmor is enabled, but 'sdocker-default' is not loaded: run 'sudo sdocker apparmor install'/,
  loaded: /^sdocker: 'sdocker-default' is loaded \(\w+\); sdocker run uses it/,
};

test("status says this host's AppArmor state, detected rather than assumed; install loads nothing where it is absent", async (t) => {
  const state = appArmorState('sdocker-default');
  const status = await runCli(['apparmor', 'status']);
  t.is(status.code, state.kind === 'loaded' ? 0 : 1, state.kind);
  t.regex(status.stdout, STATUS[state.kind]);
  if (state.kind === 'absent') {
    // Where AppArmor exists, install would load the profile into this host's kernel: not a test's business.
    const install = await runCli(['apparmor', 'install']);
    t.is(install.code, 1);
    t.regex(install.stderr, /Nothing was installed\.\n$/);
  }
  const bad = await runCli(['apparmor', 'status', '--profile', '../../etc/passwd']);
  t.is(bad.code, 2);
});

test('the profile denies what it promises', (t) => {
  const text = readFileSync(PROFILE, 'utf8');
  for (const rule of ['deny mount,', 'deny umount,', 'deny pivot_root,', 'deny network inet raw,', 'deny network inet6 raw,', 'deny network packet,', 'deny capability sys_module,', 'deny capability sys_admin,', 'deny @{PROC}/sys/** w,', 'deny /sys/** wklx,', 'ptrace (read, readby, trace, tracedby) peer=sdocker-default,']) {
    t.true(text.includes(`\n  ${rule}\n`), rule);
  }
  t.false(/^\s*ptrace,/m.test(text), 'no blanket ptrace permission');
});
