// The README's promises: the two set-up commands; and docs/rules.md's table is the rule table.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { runMain } from './helpers/fakes.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const RULES = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');

test("docs/rules.md's rules table is `sdocker rules --markdown`", async (t) => {
  const result = await runMain(['rules', '--markdown']);
  t.is(result.code, 0);
  const table = RULES.slice(RULES.indexOf('<!-- rules:start -->\n') + 21, RULES.indexOf('<!-- rules:end -->'));
  t.is(table, result.stdout, 'regenerate it with: sdocker rules --markdown');
});

test('the README gives the install and the test command', (t) => {
  t.regex(README, /^npm install && npm link +# /m);
  t.regex(README, /^npm test +# /m);
});

test('.ci/run runs the README test command', (t) => {
  const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
  t.regex(ci, /^npm test$/m);
});
