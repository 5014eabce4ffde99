// Aliases at scale: a file where a thousand services merge one anchor is read as compose reads
// it (yaml's maxAliasCount of 100 refused it), an alias bomb is refused in one line, and the
// alias index answers what yaml's Alias.resolve answers.
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlias, parseDocument, visit, type Alias, type Node } from 'yaml';
import { indexAliases } from '../src/yaml/anchors.js';
import { parseYamlData } from '../src/yaml/index.js';
import { SdockerError } from '../src/common/errors.js';
import { runMain } from './helpers/fakes.js';

async function harden(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-aliases-'));
  writeFileSync(join(dir, 'compose.yaml'), text);
  const result = await runMain(['harden', '--write', '--seccomp', '/x.json'], { cwd: dir });
  return { ...result, written: readFileSync(join(dir, 'compose.yaml'), 'utf8') };
}

function merging(n: number): string {
  const services = Array.from({ length: n }, (_, i) => `  svc${i}:\n    <<: *common\n    image: nginx:1.27\n`);
  return `x-common: &common\n  restart: unless-stopped\n  environment:\n    TZ: UTC\nservices:\n${services.join('')}`;
}

/** `levels` anchors, each a list of nine aliases of the one before: 9^levels strings from a few hundred bytes. */
function bomb(levels: number): string {
  const lines = ['x-l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= levels; i += 1) lines.push(`x-l${i}: &l${i} [${Array.from({ length: 9 }, () => `*l${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\nservices:\n  web:\n    image: nginx:1.27\n    environment:\n      BOOM: *l${levels}\n`;
}

test('a thousand services merging one anchor are hardened, each keeping what it inherits', async (t) => {
  const result = await harden(merging(1000));
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /^sdocker: hardened compose\.yaml \(\d+ additions\)\n$/);
  const data = parseDocument(result.written, { merge: true }).toJS({ maxAliasCount: -1 }) as { services: Record<string, { restart?: string; read_only?: boolean; environment?: Record<string, string> }> };
  t.is(Object.keys(data.services).length, 1000);
  for (const name of ['svc0', 'svc500', 'svc999']) {
    t.is(data.services[name]?.restart, 'unless-stopped');
    t.is(data.services[name]?.read_only, true);
    t.is(data.services[name]?.environment?.['TZ'], 'UTC');
  }
});

test('an alias bomb is refused quickly in one line (exit 2), the file untouched; a small nest of aliases is read', async (t) => {
  const text = bomb(9);
  // Unguarded, 9^9 strings take minutes and gigabytes (ava's timeout ends the test); the guard
  // answers after one walk of the file. No time is asserted: a busy machine is not a failure.
  const result = await harden(text);
  t.is(result.code, 2);
  t.is(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
  t.regex(result.stderr, /^sdocker: \S*compose\.yaml:\d+: alias \*l\d expands the file past \d+ values \(an alias bomb\?\); write the values out/);
  t.is(result.written, text);
  const small = await harden(bomb(2));
  t.is(small.code, 0, small.stderr);
});

test('a user config file that is an alias bomb, or holds a recursive alias, is one clear error', (t) => {
  const error = t.throws(() => parseYamlData(bomb(9), 'config.yaml'), { instanceOf: SdockerError });
  t.is(error?.exitCode, 2);
  t.regex(error?.message ?? '', /^sdocker: config\.yaml:\d+: alias \*l\d expands the file past/);
  t.throws(() => parseYamlData('a: &a\n  b: *a\n', 'config.yaml'), { instanceOf: SdockerError, message: /config\.yaml:2: alias \*a is inside the node it names/ });
  t.deepEqual(parseYamlData('a: &a {x: 1}\nb: *a\n', 'config.yaml'), { a: { x: 1 }, b: { x: 1 } });
});

test('the alias index names the node yaml resolves each alias to, a redefined anchor included', (t) => {
  const doc = parseDocument('a: &x 1\nb: *x\nc: &x {k: *x}\nd: [*x, &y 2, *y]\ne: *x\nf: *none\n', { schema: 'failsafe' });
  const aliases: Alias[] = [];
  visit(doc, { Alias: (_key, alias) => void aliases.push(alias) });
  const index = indexAliases(doc);
  t.is(aliases.length, 6);
  for (const alias of aliases) t.is(index.get(alias), alias.resolve(doc) as Node | undefined, `*${alias.source}`);
  t.true(aliases.every((alias) => isAlias(alias) && index.has(alias)));
});
