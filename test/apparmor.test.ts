// The bundled AppArmor profile parses (this kernel has no AppArmor: syntax only, nothing loaded).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
