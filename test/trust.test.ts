// sdocker trust --list / --forget, and "changed since you trusted it" wherever a file that is
// not trusted is reported: an edit after trusting is a different fact from never trusted.
import test from 'ava';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCompose } from './helpers/compose.js';
import { runMain } from './helpers/fakes.js';

/** A project folder with a loosening .sdocker.yml and a trust store of its own. */
function project(): { cwd: string; env: NodeJS.ProcessEnv; file: string; store: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'sdocker-trust-'));
  const file = join(cwd, '.sdocker.yml');
  writeFileSync(file, 'limits:\n  pids: 9999\n');
  writeFileSync(join(cwd, 'other.yml'), 'limits:\n  pids: 64\n');
  const env = { HOME: cwd, XDG_CONFIG_HOME: join(cwd, 'config'), XDG_DATA_HOME: join(cwd, 'data') };
  return { cwd, env, file, store: join(cwd, 'data', 'sdocker', 'trusted.json') };
}

test('trust --list: each trusted path, trusted, changed since you trusted it, or missing', async (t) => {
  const p = project();
  const empty = await runMain(['trust', '--list'], p);
  t.is(empty.code, 0);
  t.is(empty.stdout, '');
  t.regex(empty.stderr, /^sdocker: no trusted files \(/);
  t.is((await runMain(['trust', '.sdocker.yml', 'other.yml'], p)).code, 0);
  const other = join(p.cwd, 'other.yml');
  t.is((await runMain(['trust', '--list'], p)).stdout, `${p.file}\ttrusted\n${other}\ttrusted\n`);
  appendFileSync(p.file, '# edited\n');
  rmSync(other);
  const listed = await runMain(['trust', '--list'], p);
  t.is(listed.code, 0);
  t.is(listed.stdout, `${p.file}\tchanged since you trusted it\n${other}\tmissing\n`);
});

test('trust --forget: the store is rewritten without the file; the file is untrusted again; the others stay', async (t) => {
  const p = project();
  await runMain(['trust', '.sdocker.yml', 'other.yml'], p);
  const trusted = await runMain(['run', '--sd-dry-run', 'alpine'], p);
  t.regex(trusted.stdout, /--pids-limit 9999/, 'trusted: the loosening applies');
  const forgot = await runMain(['trust', '--forget', '.sdocker.yml'], p);
  t.is(forgot.code, 0, forgot.stderr);
  t.is(forgot.stdout, `sdocker: forgot ${p.file}: its loosening keys and x-sdocker allow lists are ignored again\n`);
  t.deepEqual(Object.keys(JSON.parse(readFileSync(p.store, 'utf8')) as object), [join(p.cwd, 'other.yml')]);
  t.deepEqual(readdirSync(join(p.cwd, 'data', 'sdocker')), ['trusted.json'], 'no temporary file left beside the store');
  const after = await runMain(['run', '--sd-dry-run', 'alpine'], p);
  t.regex(after.stdout, /--pids-limit 256/);
  t.regex(after.stdout, /the file is not trusted; review it/, 'forgotten is never trusted, not changed');
});

test('trust --forget of a file not in the store: a clear error, exit 2, and the store untouched', async (t) => {
  const p = project();
  await runMain(['trust', 'other.yml'], p);
  const before = readFileSync(p.store, 'utf8');
  const result = await runMain(['trust', '--forget', 'other.yml', '.sdocker.yml'], p);
  t.is(result.code, 2);
  t.is(result.stderr, `sdocker: not trusted, nothing to forget: ${p.file}; 'sdocker trust --list' shows the trusted files\n`);
  t.is(readFileSync(p.store, 'utf8'), before, 'all or nothing: other.yml is still trusted');
  t.is((await runMain(['trust', '--list', '--forget'], p)).code, 2);
  t.is((await runMain(['trust', '--list', 'x.yml'], p)).code, 2);
});

test('run and harden say "changed since you trusted it" after an edit, "not trusted" before any trust', async (t) => {
  const p = project();
  const never = await runMain(['run', '--sd-dry-run', 'alpine'], p);
  t.regex(never.stdout, /ignoring 'limits\.pids' from \S+: it loosens the policy and the file is not trusted; review it, then run 'sdocker trust \S+'/);
  await runMain(['trust'], p);
  appendFileSync(p.file, '# edited\n');
  const run = await runMain(['run', '--sd-dry-run', 'alpine'], p);
  t.regex(run.stdout, /ignoring 'limits\.pids' from \S+: it loosens the policy and the file is changed since you trusted it; review it, then run 'sdocker trust \S+'/);
  writeFileSync(join(p.cwd, 'compose.yaml'), 'services:\n  s:\n    image: sdocker-test/busybox:1\n');
  const harden = await runMain(['harden', '--check'], p);
  t.regex(harden.stderr, /the file is changed since you trusted it/);
});

test('sdocker compose: x-sdocker allow lists of a file edited after trusting are "changed since you trusted it"', (t) => {
  const compose = 'services:\n  s:\n    image: sdocker-test/busybox:1\n    pid: host\n    x-sdocker: {allow: [host-pid]}\n';
  const first = runCompose(['trust', './compose.yaml'], { files: { 'compose.yaml': compose } });
  t.is(first.code, 0, first.stderr);
  const ok = runCompose(['compose', 'up', '-d'], { plugin: true, dir: first.dir });
  t.is(ok.code, 0, ok.stderr);
  appendFileSync(join(first.dir, 'compose.yaml'), '# edited\n');
  const changed = runCompose(['compose', 'up', '-d'], { plugin: true, dir: first.dir });
  t.is(changed.code, 125);
  t.regex(changed.stderr, /^sdocker: x-sdocker allow lists ignored: \.\/compose\.yaml changed since you trusted it; review, then run 'sdocker trust \.\/compose\.yaml'$/m);
});
