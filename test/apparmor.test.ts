// The bundled AppArmor profile parses (this kernel has no AppArmor: syntax only, nothing
// loaded), and `sdocker apparmor` reports the host's state.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appArmorState } from '../src/apparmor.js';
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

test('on this kernel (no AppArmor) status and install say so clearly and install nothing', async (t) => {
  t.is(appArmorState('sdocker-default').kind, 'absent', 'these machines have no AppArmor; the test expects that');
  const status = await runCli(['apparmor', 'status']);
  t.is(status.code, 1);
  t.regex(status.stdout, /^sdocker: AppArmor is not available: .*this kernel has no AppArmor\. 'sdocker-default' cannot be loaded here; sdocker run leaves the AppArmor option out/);
  const install = await runCli(['apparmor', 'install']);
  t.is(install.code, 1);
  t.regex(install.stderr, /Nothing was installed\.\n$/);
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
