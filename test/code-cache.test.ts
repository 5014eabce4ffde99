// The V8 code cache the launcher compiles sdocker's main bundle from (src/cache/code-cache.ts):
// written once after a miss, read (not rewritten) after, keyed by the bundle file, and never
// read when corrupt or writable by someone else. Driven through the built bin, as users run it.
import test from 'ava';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeCacheFile } from '../src/cache/code-cache.js';
import { FAKE_DOCKER, runCli } from './helpers/cli.js';

function tempCache(): { env: NodeJS.ProcessEnv; dir: string } {
  const home = mkdtempSync(join(tmpdir(), 'sdocker-code-cache-'));
  return { env: { XDG_CACHE_HOME: home }, dir: join(home, 'sdocker') };
}

const codeFiles = (dir: string): string[] => readdirSync(dir).filter((name) => name.startsWith('code-'));

/** `sdocker rules`: an own command, so the main bundle is loaded; no engine needed. */
async function rules(env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runCli(['rules'], env);
  if (result.code !== 0) throw new Error(`sdocker rules exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

test('the first start writes the cache (ours alone); the next reads it and writes nothing', async (t) => {
  const { env, dir } = tempCache();
  const first = await rules(env);
  const [name] = codeFiles(dir);
  t.truthy(name);
  const file = join(dir, name!);
  const written = statSync(file);
  t.is(written.mode & 0o777, 0o600);
  t.true(written.size > 1000);
  t.is(await rules(env), first);
  t.deepEqual(codeFiles(dir), [name]);
  t.is(statSync(file).ino, written.ino, 'a usable cache is not written again');
});

test('run starts the run bundle: its cache sits beside the main bundle\'s, and neither start removes the other', async (t) => {
  const { env, dir } = tempCache();
  const expected = await rules(env);
  const [main] = codeFiles(dir);
  t.regex(main!, /^code-sdocker-main-v/);
  // `run --help` is docker's help: passed through by the run bundle, no engine asked.
  const help = await runCli(['run', '--help'], { ...env, SDOCKER_DOCKER: FAKE_DOCKER });
  t.is(help.code, 0, help.stderr);
  const both = codeFiles(dir).sort();
  t.is(both.length, 2);
  t.regex(both.find((name) => name !== main)!, /^code-sdocker-run-v/);
  const inode = statSync(join(dir, main!)).ino;
  t.is(await rules(env), expected);
  t.deepEqual(codeFiles(dir).sort(), both);
  t.is(statSync(join(dir, main!)).ino, inode, 'the run bundle\'s start left the main cache usable');
});

test('a corrupt cache is ignored and replaced; caches of older bundles go then', async (t) => {
  const { env, dir } = tempCache();
  const expected = await rules(env);
  const [name] = codeFiles(dir);
  const file = join(dir, name!);
  writeFileSync(file, 'not a code cache', { mode: 0o600 });
  writeFileSync(join(dir, 'code-v0.0.0-x64-1-2-3.bin'), 'an older bundle', { mode: 0o600 });
  const before = statSync(file).ino;
  t.is(await rules(env), expected);
  t.deepEqual(codeFiles(dir), [name]);
  t.not(statSync(file).ino, before);
  t.not(readFileSync(file, 'utf8'), 'not a code cache');
});

test('a cache file or folder others can write is not read, and is replaced by one of ours', async (t) => {
  const { env, dir } = tempCache();
  const expected = await rules(env);
  const file = join(dir, codeFiles(dir)[0]!);
  chmodSync(file, 0o666);
  const before = statSync(file).ino;
  t.is(await rules(env), expected);
  t.not(statSync(file).ino, before);
  t.is(statSync(file).mode & 0o777, 0o600);
  chmodSync(dir, 0o777);
  const again = statSync(file).ino;
  t.is(await rules(env), expected);
  t.not(statSync(file).ino, again, 'a folder others can write: the cache in it is not trusted');
});

test('the cache file is named by the bundle: rewritten or touched, it gets another', (t) => {
  const { env } = tempCache();
  const bundle = join(mkdtempSync(join(tmpdir(), 'sdocker-bundle-')), 'main.cjs');
  writeFileSync(bundle, 'module.exports = 1;\n');
  const name = (): string => codeCacheFile(bundle, env)!.file;
  const first = name();
  t.is(name(), first);
  utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
  const touched = name();
  t.not(touched, first);
  writeFileSync(bundle, 'module.exports = 22;\n');
  t.not(name(), touched);
  t.true(first.includes(process.version));
});
