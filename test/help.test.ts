// Help and typos, run as a user runs sdocker: every own command answers --help (and -h) and
// `sdocker help CMD`; docker's commands keep docker's help; mistyped options name the nearest.
import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWN_COMMANDS } from '../src/docker/words.js';
import { editDistance, suggest } from '../src/common/suggest.js';
import { FAKE_DOCKER, runCli } from './helpers/cli.js';

const FAKE = { SDOCKER_DOCKER: FAKE_DOCKER };
/** compose's --help is compose's own: sdocker's part is --sd-help. */
const HELPED = [...OWN_COMMANDS].filter((name) => !['help', '__complete'].includes(name));

for (const name of HELPED) {
  test(`${name}: --help, -h and 'help ${name}' print its usage and exit 0`, async (t) => {
    const flag = name === 'compose' ? '--sd-help' : '--help';
    const direct = await runCli([name, flag], FAKE);
    t.is(direct.code, 0, direct.stderr);
    t.true(direct.stdout.startsWith(`Usage: sdocker ${name} `), direct.stdout);
    const viaHelp = await runCli(['help', name], FAKE);
    t.is(viaHelp.code, 0, viaHelp.stderr);
    t.is(viaHelp.stdout, direct.stdout);
    // learn reads docker run's grammar, where -h is --hostname (as docker's own run).
    if (name !== 'compose' && name !== 'learn') t.is((await runCli([name, '-h'], FAKE)).stdout, direct.stdout);
  });
}

test('help and --sd-help list every own command; nested commands have help too', async (t) => {
  const bare = await runCli(['help'], FAKE);
  t.is(bare.code, 0);
  t.is(bare.stdout, (await runCli(['--sd-help'], FAKE)).stdout);
  for (const name of HELPED.filter((n) => n !== '__complete')) t.regex(bare.stdout, new RegExp(`^  ${name}\\b`, 'm'), name);
  const nested = await runCli(['help', 'apparmor', 'status'], FAKE);
  t.is(nested.code, 0);
  t.true(nested.stdout.startsWith('Usage: sdocker apparmor status'));
});

test("compose --help stays compose's; sdocker help compose is sdocker's part", async (t) => {
  const own = await runCli(['compose', '--help'], FAKE);
  t.notRegex(own.stdout, /Usage: sdocker compose/);
  t.regex((await runCli(['help', 'compose'], FAKE)).stdout, /--sd-allow RULE/);
});

test("help run is docker's help for run, then sdocker's run options; run --help stays docker's alone", async (t) => {
  const help = await runCli(['help', 'run']);
  t.is(help.code, 0, help.stderr);
  const options = help.stdout.indexOf('--sd-dry-run');
  t.true(help.stdout.indexOf('Usage:  docker run') === 0 && options > help.stdout.indexOf('--workdir'), help.stdout);
  const dockers = await runCli(['run', '--help']);
  t.is(dockers.code, 0);
  t.notRegex(dockers.stdout, /--sd-dry-run/);
  const other = await runCli(['help', 'ps']);
  t.true(other.code === 0 && other.stdout.startsWith('Usage:  docker ps'));
});

test('a mistyped --sd-* option names the nearest, exit 125, nothing reaches docker', async (t) => {
  const typo = await runCli(['run', '--sd-dryrun', 'img'], FAKE);
  t.is(typo.code, 125);
  t.is(typo.stderr, 'sdocker: unknown option --sd-dryrun; did you mean --sd-dry-run?\n');
  t.is(typo.stdout, '', 'the stand-in docker was not run');
  const far = await runCli(['exec', '--sd-zzz', 'box', 'ls'], FAKE);
  t.is(far.stderr, "sdocker: unknown option --sd-zzz; sdocker's own are --sd-dry-run, --sd-allow, --sd-profile, --sd-settle\n");
  const right = await runCli(['run', '--sd-dry-run', 'img'], FAKE);
  t.is(right.code, 0, right.stderr);
  const docker = await runCli(['run', '--priviliged', 'img'], FAKE);
  t.is(docker.code, 125);
  t.regex(docker.stderr, /^sdocker: unknown flag --priviliged for 'docker run'; did you mean --privileged\?\n$/);
});

test('a mistyped rule id, profile or own-command option names the nearest', async (t) => {
  const rule = await runCli(['run', '--sd-allow', 'privilegd', 'img'], FAKE);
  t.is(rule.code, 2);
  t.regex(rule.stderr, /'privilegd' in --sd-allow is not a refusal rule; did you mean privileged\?\n$/);
  const harden = await runCli(['harden', '--allow', 'privilegd', '--check', 'test/fixtures/compose/basic.in.yml'], FAKE);
  t.is(harden.code, 2);
  t.regex(harden.stderr, /'privilegd' in --allow is not a refusal rule; did you mean privileged\?\n$/);
  const profile = await runCli(['run', '--sd-profile', 'strct', 'img'], FAKE);
  t.is(profile.stderr, "sdocker: unknown profile 'strct'; did you mean strict?\n");
  const option = await runCli(['rules', '--markdwn'], FAKE);
  t.is(option.code, 2);
  t.is(option.stderr, "sdocker: unknown option '--markdwn'; did you mean --markdown?\n");
  const sub = await runCli(['apparmor', 'statu'], FAKE);
  t.is(sub.stderr, "sdocker: unknown command 'statu'; did you mean status?\n");
});

test('suggest: adjacent swaps are one edit; far words suggest nothing', (t) => {
  t.is(editDistance('privilgeed', 'privileged'), 1);
  t.is(editDistance('', 'abc'), 3);
  t.is(suggest('privilegd', ['privileged', 'pid-host']), 'privileged');
  t.is(suggest('xyz', ['privileged']), undefined);
  t.is(suggest('SD-DRY-RUN', ['sd-dry-run']), 'sd-dry-run');
});

test("a mistyped rule id in config.yml or a compose file's x-sdocker.allow names the file and the nearest rule", async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'sdocker-help-'));
  mkdirSync(join(home, 'sdocker'));
  const config = join(home, 'sdocker', 'config.yml');
  writeFileSync(config, 'allow: [host-pdi]\n');
  const fromConfig = await runCli(['run', '--sd-dry-run', 'img'], { ...FAKE, XDG_CONFIG_HOME: home });
  t.is(fromConfig.code, 2);
  t.is(fromConfig.stderr, `sdocker: 'host-pdi' in ${config} is not a refusal rule; did you mean host-pid?\n`);
  writeFileSync(config, 'allow: [host-pid]\n');
  t.is((await runCli(['run', '--sd-dry-run', 'img'], { ...FAKE, XDG_CONFIG_HOME: home })).code, 0, 'the right id is read');
  const file = join(home, 'compose.yaml');
  writeFileSync(file, 'services:\n  app:\n    image: img\n    x-sdocker: {allow: [privilegd]}\n');
  const fromCompose = await runCli(['harden', '--check', file], FAKE);
  t.is(fromCompose.code, 2);
  t.regex(fromCompose.stderr, /'privilegd' in x-sdocker\.allow of service 'app' in .*compose\.yaml is not a refusal rule; did you mean privileged\?/);
});
