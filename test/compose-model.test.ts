// Harden keeps the model compose builds (issue 9): for files whose services inherit through
// merge keys and `extends` (same file, another file, chains), `docker-compose config` (v1 1.29,
// the oracle; no engine needed) of the hardened file holds every value of the original's,
// unchanged (ports aside: rebound to 127.0.0.1 as documented; a tmpfs may gain its owner), and
// hardening the result again changes nothing.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hardenCompose } from '../src/compose/edit/harden.js';
import { ServiceModels } from '../src/compose/read/model.js';
import { ComposeDocument, parseYamlData } from '../src/yaml/index.js';
import { CORPUS } from './helpers/model-corpus.js';

// sdocker's own seccomp profile, by absolute path: v1 reads the file when it builds the model.
const OPTIONS = { profile: 'default', env: {}, cliAllow: [], seccomp: undefined } as const;

test.before(() => {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0) throw new Error("docker-compose (v1) is missing: install Debian's docker-compose");
});

function composeConfig(dir: string, file: string): Record<string, unknown> {
  const result = spawnSync('docker-compose', ['-f', file, 'config'], { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`docker-compose config ${file}: ${result.stderr}`);
  return parseYamlData(result.stdout, file) as Record<string, unknown>;
}

interface Port { ip: string; published: string; target: string; protocol: string }

/** v1 prints a port it read long as a mapping and one read short as `IP:PUB:TGT/proto`. */
function port(value: unknown): Port {
  if (typeof value === 'object' && value !== null) {
    const p = value as Record<string, unknown>;
    return { ip: String(p['host_ip'] ?? ''), published: String(p['published'] ?? ''), target: String(p['target']), protocol: String(p['protocol'] ?? 'tcp') };
  }
  const [spec = '', protocol = 'tcp'] = String(value).split('/');
  const parts = spec.split(':');
  const target = parts.pop() ?? '';
  const published = parts.pop() ?? '';
  return { ip: parts.join(':'), published, target, protocol };
}

/** Where `before` is not in `after` unchanged, as paths (empty: all kept). */
function lost(before: unknown, after: unknown, path: string): string[] {
  if (path.endsWith('.ports')) {
    const had = (after as unknown[]).map(port);
    return (before as unknown[]).map(port).filter((p) => !had.some((q) => q.target === p.target && q.published === p.published && q.protocol === p.protocol && q.ip === (p.ip === '' ? '127.0.0.1' : p.ip))).map((p) => `${path}: ${JSON.stringify(p)}`);
  }
  if (path.endsWith('.tmpfs')) {
    // A tmpfs may gain uid=/gid= for the user sdocker sets (user.ts); its path and options stay.
    const had = (after as unknown[]).map(String);
    return (before as unknown[]).map(String).filter((t) => !had.some((h) => h === t || h.startsWith(`${t}${t.includes(':') ? ',' : ':'}`))).map((t) => `${path}: ${t}`);
  }
  if (Array.isArray(before)) {
    if (!Array.isArray(after)) return [path];
    return before.filter((item) => !after.some((other) => lost(item, other, path).length === 0)).map((item) => `${path}: ${JSON.stringify(item)}`);
  }
  if (typeof before === 'object' && before !== null) {
    if (typeof after !== 'object' || after === null) return [path];
    return Object.entries(before).flatMap(([key, value]) => lost(value, (after as Record<string, unknown>)[key], `${path}.${key}`));
  }
  return before === after ? [] : [`${path}: ${JSON.stringify(before)} became ${JSON.stringify(after)}`];
}

for (const [name, files] of Object.entries(CORPUS)) {
  test(`${name}: docker-compose config of the hardened file keeps every value of the original's`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'sdocker-model-'));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    const main = join(dir, 'compose.yml');
    const hardened = await hardenCompose(files['compose.yml'] as string, main, OPTIONS);
    t.deepEqual(hardened.findings.filter((f) => f.level === 'error'), []);
    writeFileSync(join(dir, 'out.yml'), hardened.output);
    const before = composeConfig(dir, 'compose.yml');
    const after = composeConfig(dir, 'out.yml');
    t.deepEqual(lost(before['services'], after['services'], 'services'), [], hardened.output);
    // The same path does act: every service of the corpus gains hardening.
    for (const service of Object.keys(before['services'] as object)) {
      const out = (after['services'] as Record<string, Record<string, unknown>>)[service] ?? {};
      t.deepEqual([out['read_only'], (out['cap_drop'] as unknown[]).includes('ALL')], [true, true], service);
    }
    const again = await hardenCompose(hardened.output, join(dir, 'out.yml'), OPTIONS);
    t.is(again.output, hardened.output);
    t.deepEqual(again.findings.filter((f) => f.level === 'change'), []);
  });
}

test('the model follows extends with compose merge rules and what harden adds to a base of the same file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-model-'));
  const files = CORPUS['extends-other-file'] as Record<string, string>;
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const hardened = await hardenCompose(files['compose.yml'] as string, join(dir, 'compose.yml'), OPTIONS);
  // The base's ulimits.nofile is the service's: nothing added for it; nproc merged beside.
  t.false(hardened.edits.some((e) => e.service === 'api' && e.rule === 'ulimit-nofile'));
  t.true(hardened.edits.some((e) => e.service === 'plain' && e.rule === 'ulimit-nofile'));
});

// compose v1 cannot read `!reset`/`!override` (PyYAML: no constructor for the tag): the model
// is checked against compose-go's rules (loader/reset.go) on the yaml view alone.
test('!reset drops an inherited key and !override replaces it without merging', (t) => {
  const doc = new ComposeDocument(
    [
      'services:',
      '  base:',
      '    image: nginx:alpine',
      '    ports: ["8080:80"]',
      '    ulimits: {nofile: 2048, nproc: 64}',
      '    cap_add: [CHOWN]',
      '  web:',
      '    extends: base',
      '    ports: !reset []',
      '    ulimits: !override {nproc: 32}',
      '    cap_add: [SETUID]',
      '',
    ].join('\n'),
    '/nowhere/compose.yml',
  );
  const model = new ServiceModels(doc).model('web');
  t.false('ports' in model);
  t.deepEqual(model['ulimits'], { nproc: 32 });
  t.deepEqual(model['cap_add'], ['CHOWN', 'SETUID']);
  t.false('extends' in model);
});
