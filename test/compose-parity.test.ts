// Compose at parity with run: refusals in compose's words whose suggested fix works as printed
// (`sdocker compose --sd-allow RULE`, the real file in `sdocker trust`), an untrusted
// .sdocker.yml that loosens warned about in one line, `sdocker compose config` printing the
// hardened model, and harden --override failing when a port is left unbound to loopback.
// Process-level cases use the fake docker and docker-compose (test/helpers/compose.ts).
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hardenCompose } from '../src/compose/edit/harden.js';
import { lastCall, runCompose } from './helpers/compose.js';
import { runMain } from './helpers/fakes.js';

const OPTIONS = { profile: 'default', env: {}, cliAllow: [], seccomp: '/opt/sdocker/seccomp.json' };
const IMAGE = '    image: sdocker-test/busybox:1\n';

/** A setting of service `s`, and the start of its refusal. */
const WORDS: [setting: string, message: RegExp][] = [
  ['    network_mode: host\n', /^refusing network_mode: host: .*; publish ports with ports: instead, or allow it: x-sdocker: \{allow: \[host-network\]\} on the service, or --allow host-network$/],
  ['    privileged: true\n', /^refusing privileged: true: .*; add the one capability it needs with cap_add: NAME, or /],
  ['    cap_add: [SYS_ADMIN]\n', /^refusing cap_add: SYS_ADMIN: /],
  ['    cap_add: [sys_admin]\n', /^refusing cap_add: sys_admin: .*--allow dangerous-cap:SYS_ADMIN$/],
  ['    volumes: ["/:/host"]\n', /^refusing volumes: \/:\/host \(\/ is a system folder: refused in any mode\): /],
  ['    volumes: [{type: bind, source: /etc, target: /e}]\n', /^refusing volumes: \{type: bind, source: \/etc, target: \/e\} \(\/etc is a system folder/],
  ['    devices: ["/dev/sda:/dev/sda"]\n', /^refusing devices: \/dev\/sda:\/dev\/sda \(/],
  ['    security_opt: ["seccomp:unconfined"]\n', /^refusing security_opt: seccomp:unconfined: .*give a profile file that allows what it needs: security_opt: seccomp=FILE, or /],
  ['    pid: host\n', /^refusing pid: host: .*; drop pid:, or /],
  ['    extends: {service: base}\n  base:\n' + IMAGE + '    ipc: host\n', /^refusing ipc: host, inherited through extends from service 'base': /],
];

for (const [setting, message] of WORDS) {
  test(`a refusal names the compose key: ${setting.trim().split('\n')[0] ?? ''}`, async (t) => {
    const result = await hardenCompose(`services:\n  s:\n${IMAGE}${setting}`, '/tmp/compose.yaml', OPTIONS);
    const errors = result.findings.filter((f) => f.level === 'error' && f.service === 's');
    t.true(errors.some((f) => message.test(f.message)), errors.map((f) => f.message).join('\n'));
    t.false(errors.some((f) => / --[a-z-]+ /.test(f.message.replace(/, or --allow \S+$/, ''))), 'no docker option in the message');
  });
}

/** A folder with a compose file and a project .sdocker.yml, and a trust store of its own. */
function project(sdockerYml: string, compose = `services:\n  s:\n${IMAGE}`): { cwd: string; env: NodeJS.ProcessEnv } {
  const cwd = mkdtempSync(join(tmpdir(), 'sdocker-parity-'));
  writeFileSync(join(cwd, 'compose.yaml'), compose);
  writeFileSync(join(cwd, '.sdocker.yml'), sdockerYml);
  return { cwd, env: { HOME: cwd, XDG_CONFIG_HOME: join(cwd, 'config'), XDG_DATA_HOME: join(cwd, 'data') } };
}

test('harden warns in one line about an untrusted .sdocker.yml that loosens; trusted or tightening only, it says nothing', async (t) => {
  const loose = project('limits:\n  pids: 9999\nallow: [privileged]\n');
  const file = join(loose.cwd, '.sdocker.yml');
  const untrusted = await runMain(['harden', '--check'], loose);
  const warned = untrusted.stderr.split('\n').filter((line) => line.includes('ignoring'));
  t.deepEqual(warned, [`sdocker: ignoring 'limits.pids', 'allow' from ${file}: they loosen the policy and the file is not trusted; review it, then run 'sdocker trust ${file}'`]);
  t.regex(untrusted.stdout, /pids_limit: 256/, 'the loosening is ignored');
  t.is((await runMain(['trust', file], loose)).code, 0, 'the command printed works');
  const trusted = await runMain(['harden', '--check'], loose);
  t.notRegex(trusted.stderr, /ignoring/);
  t.regex(trusted.stdout, /pids_limit: 9999/);
  const tight = await runMain(['harden', '--check'], project('limits:\n  pids: 64\n'));
  t.notRegex(tight.stderr, /ignoring/);
  t.regex(tight.stdout, /pids_limit: 64/);
});

test('sdocker compose: refused, the hint names the real file; sdocker trust as printed, or --sd-allow as printed, lifts it', (t) => {
  const compose = `services:\n  s:\n${IMAGE}    pid: host\n    x-sdocker: {allow: [host-pid]}\n`;
  const refused = runCompose(['compose', 'up', '-d'], { plugin: true, files: { 'compose.yaml': compose } });
  t.is(refused.code, 125);
  t.regex(refused.stderr, /^sdocker: x-sdocker allow lists ignored: \.\/compose\.yaml not trusted; review, then run 'sdocker trust \.\/compose\.yaml'$/m);
  t.regex(refused.stderr, /^sdocker: service s: refusing pid: host: .*; drop pid:, or allow it: x-sdocker: \{allow: \[host-pid\]\} on the service, then sdocker trust \.\/compose\.yaml, or sdocker compose --sd-allow host-pid \.\.\.$/m);
  t.deepEqual(refused.calls.map((c) => c.argv.at(-1)), ['version', 'config'], 'only asked which compose and its model');
  const allowed = runCompose(['compose', '--sd-allow', 'host-pid', '-p', 'x', 'up', '-d'], { plugin: true, dir: refused.dir });
  t.is(allowed.code, 0, allowed.stderr);
  t.regex(allowed.stderr, /allowed: pid: host/);
  t.deepEqual(lastCall(allowed), ['-H', 'unix://JUDGE', 'compose', '-f', 'HARDENED', '-f', 'LABELS', '--project-directory', refused.dir, '-p', 'x', 'up', '-d'], '--sd-allow is not given to compose');
  t.is(runCompose(['trust', './compose.yaml'], { dir: refused.dir }).code, 0);
  const trusted = runCompose(['compose', 'up', '-d'], { plugin: true, dir: refused.dir });
  t.is(trusted.code, 0, trusted.stderr);
  t.notRegex(trusted.stderr, /not trusted/);
});

test('sdocker compose: --sd-allow after the subcommand or naming no rule is a usage error; a one-off says --sd-allow too', (t) => {
  for (const argv of [['up', '--sd-allow', 'host-pid'], ['run', '--sd-allow=host-pid', 'svc']]) {
    const misplaced = runCompose(['compose', ...argv], { plugin: true });
    t.is(misplaced.code, 2, argv.join(' '));
    t.is(misplaced.stderr, "sdocker: --sd-allow is sdocker's own option: write it right after 'sdocker compose', before compose's subcommand\n");
  }
  t.regex(runCompose(['compose', '--sd-allow', 'nope', 'up'], { plugin: true }).stderr, /^sdocker: 'nope' in --sd-allow is not a refusal rule/);
  const oneOff = runCompose(['compose', 'run', '--cap-add', 'SYS_ADMIN', 'svc'], { plugin: true });
  t.is(oneOff.code, 125);
  t.regex(oneOff.stderr, /, or sdocker compose --sd-allow dangerous-cap:SYS_ADMIN \.\.\.$/m);
  const lifted = runCompose(['compose', '--sd-allow', 'dangerous-cap:SYS_ADMIN', 'run', '--cap-add', 'SYS_ADMIN', 'svc'], { plugin: true, dir: oneOff.dir });
  t.is(lifted.code, 0, lifted.stderr);
  t.deepEqual(lastCall(lifted).slice(9), ['run', '--cap-add', 'SYS_ADMIN', 'svc']);
});

test('sdocker compose warns about an untrusted .sdocker.yml once, as run and harden do', (t) => {
  const first = runCompose(['compose', 'up', '-d'], { files: { 'compose.yaml': `services:\n  s:\n${IMAGE}`, '.sdocker.yml': 'allow: [privileged]\n' } });
  t.is(first.code, 0, first.stderr);
  t.is(first.stderr.split('\n').filter((line) => line.includes('ignoring')).length, 1);
  t.regex(first.stderr, /^sdocker: ignoring 'allow' from \S+\/\.sdocker\.yml: it loosens the policy and the file is not trusted; review it, then run 'sdocker trust \S+\/\.sdocker\.yml'$/m);
  const quiet = runCompose(['compose', 'up', '-d'], { files: { 'compose.yaml': `services:\n  s:\n${IMAGE}`, '.sdocker.yml': 'limits:\n  pids: 64\n' } });
  t.is(quiet.stderr, '', 'a tightening project file says nothing');
});

test('sdocker compose config prints the hardened model with compose\'s own config and flags; refused, it prints nothing and exits 125', (t) => {
  const services = runCompose(['compose', '-p', 'x', 'config', '--services'], { plugin: true });
  t.is(services.code, 0, services.stderr);
  t.deepEqual(lastCall(services), ['-H', 'unix://JUDGE', 'compose', '-f', 'HARDENED', '--project-directory', services.dir, '-p', 'x', 'config', '--services']);
  const preview = runCompose(['compose', 'config'], { plugin: true });
  // The fake's config prints the file it was given: here, the hardened model.
  t.regex(preview.stdout, /read_only: true/);
  t.regex(preview.stdout, /user: "65534:65534"/);
  const refused = runCompose(['compose', 'config'], { plugin: true, files: { 'compose.yaml': `services:\n  s:\n${IMAGE}    privileged: true\n` } });
  t.is(refused.code, 125);
  t.is(refused.stdout, '');
  t.regex(refused.stderr, /^sdocker: service s: refusing privileged: true: /m);
});

test('v2 shapes: watch and up --scale run on the hardened model with their own words', (t) => {
  for (const words of [['watch', '--no-up'], ['up', '-d', '--scale', 's=2'], ['scale', 's=2']]) {
    const run = runCompose(['compose', ...words], { plugin: true });
    t.is(run.code, 0, run.stderr);
    // What makes containers carries the label naming the user's files (a second -f).
    const labels = words[0] === 'watch' ? [] : ['-f', 'LABELS'];
    t.deepEqual(lastCall(run), ['-H', 'unix://JUDGE', 'compose', '-f', 'HARDENED', ...labels, '--project-directory', run.dir, ...words]);
  }
});

test('harden --override exits 1 when a published port cannot be rebound by an override; --check --override lists it; alone with --write it is misuse', async (t) => {
  const dir = (compose: string): string => {
    const cwd = mkdtempSync(join(tmpdir(), 'sdocker-override-'));
    writeFileSync(join(cwd, 'compose.yaml'), compose);
    return cwd;
  };
  const ports = dir(`services:\n  s:\n${IMAGE}    ports: ["8080:80"]\n`);
  const written = await runMain(['harden', '--override'], { cwd: ports });
  t.is(written.code, 1);
  t.regex(written.stdout, /cap_drop:/, 'the override is still printed');
  t.regex(written.stderr, /^compose\.yaml:4:\d+: error loopback-ports \[s\]: .*an override cannot rebind a published port; edit the file \(sdocker harden --write\)$/m);
  const checked = await runMain(['harden', '--check', '--override'], { cwd: ports });
  t.is(checked.code, 1);
  t.regex(checked.stdout, /error loopback-ports \[s\]: .*an override cannot rebind/);
  t.notRegex(checked.stdout, /change loopback-ports/);
  const clean = await runMain(['harden', '--override'], { cwd: dir(`services:\n  s:\n${IMAGE}`) });
  t.is(clean.code, 0, clean.stderr);
  t.regex(clean.stdout, /cap_drop:/);
  t.is((await runMain(['harden', '--write', '--override'], { cwd: ports })).code, 2);
});
