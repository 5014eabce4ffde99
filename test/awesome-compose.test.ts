// The awesome-compose corpus (docker/awesome-compose, CC0): files shaped like the ones users
// keep. Hardened, each stays valid against the compose-spec schema, keeps every value it had
// (ports aside: rebound to 127.0.0.1 as documented), gets every addition, and hardening the
// result changes nothing (idempotent).
import test from 'ava';
import { Ajv } from 'ajv';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hardenCompose } from '../src/compose/edit/harden.js';
import { ComposeDocument } from '../src/yaml/index.js';

const DIR = fileURLToPath(new URL('../../test/fixtures/awesome-compose/', import.meta.url));
const SCHEMA = JSON.parse(readFileSync(fileURLToPath(new URL('../../test/fixtures/compose-spec/compose-spec.json', import.meta.url)), 'utf8')) as object;
const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true, validateSchema: false }).compile(SCHEMA);
const FILES = readdirSync(DIR).filter((name) => /\.ya?ml$/.test(name));
const OPTIONS = { profile: 'default', env: { HOME: '/home/u' }, cliAllow: [], seccomp: '/x.json' };

/** Every leaf of `value` as [path, leaf], lists by index. */
function leaves(value: unknown, path: string[] = []): [string, unknown][] {
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => leaves(inner, [...path, key]));
  return [[path.join('.'), value]];
}

test('the corpus is the whole of awesome-compose', (t) => {
  t.true(FILES.length >= 39, `${FILES.length} files`);
});

for (const name of FILES) {
  test(`${name}: valid, nothing lost, complete, idempotent`, async (t) => {
    const file = join(DIR, name);
    const text = readFileSync(file, 'utf8');
    const before = new ComposeDocument(text, file).data;
    t.true(validate(before), `the input validates: ${JSON.stringify(validate.errors)}`);
    const once = await hardenCompose(text, file, OPTIONS);
    const after = new ComposeDocument(once.output, file).data;
    t.true(validate(after), JSON.stringify(validate.errors, null, 2));
    const kept = new Map(leaves(after));
    // Lists may grow (cap_add, security_opt, tmpfs): an original list entry keeps its index.
    const lost = leaves(before).filter(([path, value]) => !/\.ports\.\d+/.test(path) && kept.get(path) !== value);
    t.deepEqual(lost, [], 'every value of the original is in the hardened file');
    const refused = new Set(once.findings.filter((f) => f.level === 'error').map((f) => f.service));
    for (const [service, data] of Object.entries((after['services'] ?? {}) as Record<string, Record<string, unknown>>)) {
      if (refused.has(service)) continue;
      t.deepEqual(data['cap_drop'], ['ALL'], `${service}: cap_drop`);
      t.true((data['security_opt'] as string[] | undefined)?.includes('no-new-privileges:true'), `${service}: no-new-privileges`);
      const limits = (data['deploy'] as { resources?: { limits?: { memory?: unknown } } } | undefined)?.resources?.limits;
      t.not(data['mem_limit'] ?? limits?.memory, undefined, `${service}: a memory limit`);
      // Beside the file's own deploy.resources.limits no pids limit reads on both composes (compose/limits.ts): said instead.
      const pidsSaid = once.findings.some((f) => f.service === service && f.rule === 'pids-limit' && f.message.startsWith('no pids limit added'));
      t.true(limits === undefined ? data['pids_limit'] !== undefined : pidsSaid, `${service}: pids_limit`);
    }
    const twice = await hardenCompose(once.output, file, OPTIONS);
    t.is(twice.output, once.output, 'hardening the hardened file changes nothing');
  });
}

/** `docker-compose -f FILE config -q` in a folder of its own: whether compose v1 reads it, and why not. */
function composeReads(text: string): Promise<{ ok: boolean; why: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-awesome-'));
  writeFileSync(join(dir, 'compose.yaml'), text);
  sampleFiles(dir, new ComposeDocument(text, join(dir, 'compose.yaml')).data);
  return new Promise((done) => {
    const child = spawn('docker-compose', ['-f', 'compose.yaml', 'config', '-q'], { cwd: dir, env: { ...process.env, HOME: '/home/u' } });
    let why = '';
    child.stderr.on('data', (chunk: Buffer) => (why += chunk.toString()));
    child.on('close', (code) => done({ ok: code === 0, why: why.trim().split('\n').at(-1) ?? '' }));
    child.on('error', (error) => done({ ok: false, why: error.message }));
  });
}

/** The sample's own folders and files compose checks for (build contexts, env files, secrets), made empty. */
function sampleFiles(dir: string, data: Record<string, unknown>): void {
  const inside = (path: string): string => join(dir, path.replace(/^\.\/?/, ''));
  for (const service of Object.values((data['services'] ?? {}) as Record<string, Record<string, unknown>>)) {
    const build = service['build'];
    const context = typeof build === 'string' ? build : (build as { context?: unknown } | undefined)?.context;
    if (typeof context === 'string' && !context.includes('://')) mkdirSync(inside(context), { recursive: true });
    const envFiles = service['env_file'];
    for (const envFile of Array.isArray(envFiles) ? envFiles : envFiles === undefined ? [] : [envFiles]) {
      if (typeof envFile === 'string') touch(inside(envFile));
    }
  }
  for (const top of ['secrets', 'configs']) {
    for (const entry of Object.values((data[top] ?? {}) as Record<string, { file?: unknown }>)) {
      if (typeof entry?.file === 'string') touch(inside(entry.file));
    }
  }
}

function touch(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
}

for (const name of FILES) {
  test(`${name}: docker-compose reads the hardened file whenever it reads the original`, async (t) => {
    const text = readFileSync(join(DIR, name), 'utf8');
    // sdocker's own seccomp profile, which compose v1 reads from disk.
    const { output } = await hardenCompose(text, join(DIR, name), { ...OPTIONS, seccomp: undefined });
    const [before, after] = await Promise.all([composeReads(text), composeReads(output)]);
    if (!before.ok) t.log(`compose v1 refuses the original: ${before.why}`);
    t.true(!before.ok || after.ok, after.why);
  });
}
