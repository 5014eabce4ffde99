// One behaviour for mistakes (issue 23): a near miss of an own command gets the nearest one,
// as a mistyped option does; docker's commands, plugins and words far from any own command are
// docker's, untouched.
import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from './helpers/fakes.js';

test('sdocker lern names learn, runs nothing, exit 2; after docker globals too', async (t) => {
  for (const argv of [['lern', 'nginx'], ['-H', 'unix:///var/run/docker.sock', 'lern'], ['audti', '--engine'], ['doctr'], ['exlpain', 'web'], ['hardne', 'compose.yaml']]) {
    const result = await runMain(argv);
    t.is(result.code, 2, argv.join(' '));
    t.regex(result.stderr, /^sdocker: unknown command "\w+" \(neither docker's nor sdocker's\); did you mean (learn|audit|doctor|explain|harden)\?\n$/, argv.join(' '));
    t.deepEqual(result.runs, [], 'docker was not run');
  }
  t.is((await runMain(['help', 'lern'])).stderr, 'sdocker: unknown command "lern" (neither docker\'s nor sdocker\'s); did you mean learn?\n');
});

test("docker's commands, words far from every own command and a word after a docker command go to docker as written", async (t) => {
  for (const argv of [['ps'], ['logs', 'lern'], ['lerna'], ['stack', 'ls'], ['tag', 'a', 'b'], ['frobnicate']]) {
    const result = await runMain(argv);
    t.is(result.code, 0, argv.join(' '));
    t.deepEqual(result.runs.map((r) => r.args), [argv], argv.join(' '));
  }
});

test('a docker CLI plugin of that name is docker\'s: never shadowed by a suggestion', async (t) => {
  const config = mkdtempSync(join(tmpdir(), 'sdocker-typo-'));
  mkdirSync(join(config, 'cli-plugins'));
  writeFileSync(join(config, 'cli-plugins', 'docker-lern'), '#!/bin/sh\n', { mode: 0o755 });
  const result = await runMain(['lern'], { env: { HOME: '/nonexistent-home', DOCKER_CONFIG: config } });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.runs.map((r) => r.args), [['lern']]);
});

test('an own command\'s mistyped option names the nearest one: audit too', async (t) => {
  const audit = await runMain(['audit', '--formt', 'json']);
  t.is(audit.code, 2);
  t.is(audit.stderr, "sdocker audit: unknown option '--formt'; did you mean --format?\n");
  t.is((await runMain(['audit', '--bogus'])).stderr, "sdocker audit: unknown option '--bogus'; see sdocker audit --help\n");
  t.regex((await runMain(['harden', '--chek'])).stderr, /did you mean --check\?/);
});

test('stack is listed among the commands of sdocker help', async (t) => {
  const help = await runMain(['help']);
  t.regex(help.stdout, /^ {2}stack +deploy a compose file to a swarm, hardened/m);
});
