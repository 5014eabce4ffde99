// harden --check as a user reads it: every finding, then one summary line; values said the way
// the file writes them (`cpus: 1.0` is not echoed as `cpus: 1`).
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asWritten } from '../src/compose/keys/types.js';
import { runMain } from './helpers/fakes.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-check-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const WEB = 'services:\n  web:\n    image: sdocker-test/busybox:1\n    cpus: 2.50\n  api:\n    image: sdocker-test/busybox:1\n    privileged: true\n';
const DB = 'services:\n  db:\n    image: sdocker-test/busybox:1\n    mem_limit: 1g\n    memswap_limit: 2g\n    cpus: 1.0\n    deploy:\n      resources:\n        limits:\n          cpus: 2.0\n';

test('--check ends with one summary line: files, services, changes, refusals, warnings; counts match the lines above it', async (t) => {
  const cwd = project({ 'a.yml': WEB, 'b.yml': DB });
  const result = await runMain(['harden', '--check', '--seccomp', '/x.json', 'a.yml', 'b.yml'], { cwd });
  t.is(result.code, 1);
  const lines = result.stdout.trimEnd().split('\n');
  const count = (level: string): number => lines.filter((line) => line.includes(`: ${level} `)).length;
  t.true(count('change') > 20);
  t.is(count('error'), 1);
  t.is(lines.at(-1), `2 files, 3 services: ${count('change')} changes, 1 refused, ${count('warning')} warnings`);
});

test('--check on a clean file: the summary alone, exit 0; the same file unhardened is counted and exits 1', async (t) => {
  const raw = 'services:\n  web:\n    image: sdocker-test/busybox:1\n';
  const hardened = (await runMain(['harden', '--seccomp', '/x.json'], { cwd: project({ 'compose.yaml': raw }) })).stdout;
  const clean = await runMain(['harden', '--check', '--seccomp', '/x.json'], { cwd: project({ 'compose.yaml': hardened }) });
  t.is(clean.code, 0);
  t.is(clean.stdout, '1 file, 1 service: 0 changes, 0 refused\n');
  const dirty = await runMain(['harden', '--check', '--seccomp', '/x.json'], { cwd: project({ 'compose.yaml': raw }) });
  t.is(dirty.code, 1);
  t.regex(dirty.stdout, /\n1 file, 1 service: \d+ changes, 0 refused\n$/);
});

test('--check --target swarm counts what a swarm will not enforce in the summary, apart from the changes', async (t) => {
  const raw = 'services:\n  web:\n    image: sdocker-test/busybox:1\n    ports: ["8080:80"]\n';
  const result = await runMain(['harden', '--check', '--target', 'swarm', '--seccomp', '/x.json'], { cwd: project({ 'compose.yaml': raw }) });
  t.is(result.code, 1);
  const lines = result.stdout.trimEnd().split('\n');
  const unenforced = lines.filter((line) => line.includes(': unenforced ')).length;
  t.true(unenforced >= 3, 'no-new-privileges, seccomp and the loopback port at least');
  t.regex(lines.at(-1) ?? '', new RegExp(`^1 file, 1 service: \\d+ changes, 0 refused, ${unenforced} not enforced by a swarm$`));
});

test('values are said as the file writes them: 2.50, 1.0 and 2.0, not 2.5, 1 and 2', async (t) => {
  const result = await runMain(['harden', '--check', '--seccomp', '/x.json', 'a.yml', 'b.yml'], { cwd: project({ 'a.yml': WEB, 'b.yml': DB }) });
  t.regex(result.stdout, /^a\.yml:4:11: warning cpus \[web\]: cpus 2\.50 is above the profile's 1\.0$/m);
  t.regex(result.stdout, /warning cpus \[db\]: cpus 1\.0 and deploy\.resources\.limits\.cpus 2\.0 differ: .* v1 uses 2\.0; keep one value$/m);
  t.regex(result.stdout, /warning memory \[db\]: memswap_limit 2g lets the container swap beyond the memory limit 1g$/m);
  // Through a merge key too: the text is the anchor's.
  const merged = 'x-base: &base\n  cpus: 4.0\nservices:\n  web:\n    <<: *base\n    image: sdocker-test/busybox:1\n';
  const inherited = await runMain(['harden', '--check', '--seccomp', '/x.json'], { cwd: project({ 'compose.yaml': merged }) });
  t.regex(inherited.stdout, /warning cpus \[web\]: cpus 4\.0 is above the profile's 1\.0$/m);
});

test('asWritten: the written text when it reads back as the value, else the value', (t) => {
  t.is(asWritten(1, '1.0'), '1.0');
  t.is(asWritten(100, '0100'), '0100');
  t.is(asWritten(true, 'True'), 'True');
  t.is(asWritten('1g', '1g'), '1g');
  t.is(asWritten(2, '1.0'), '2', 'a value from elsewhere (extends) is not given the wrong text');
  t.is(asWritten(3, undefined), '3');
});
