// The engine-info cache: keyed per engine instance, tolerant of a corrupt file, never a hit for
// another key. A fake engine counts the questions; engine-key.ts is tried on a socket of our own.
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { cacheEngineInfo, readEntries } from '../src/engine/engine-info-cache.js';
import { engineKey } from '../src/cache/engine-key.js';
import { cacheDir } from '../src/cache/store.js';
import type { Engine, EngineInfo } from '../src/engine/engine.js';

const INFO: EngineInfo = { apparmor: false, loggingDriver: 'json-file', rootDir: '/var/lib/docker', apiVersion: '1.41' };

function fakeEngine(info: EngineInfo = INFO): Engine & { asked: number } {
  const engine = { asked: 0, info: async () => { engine.asked += 1; return info; } };
  return engine as unknown as Engine & { asked: number };
}

function tempHome(): { env: NodeJS.ProcessEnv; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-cache-'));
  return { env: { XDG_CACHE_HOME: dir }, file: join(dir, 'sdocker', 'engine-info.json') };
}

test('the same engine instance is asked once; the second run reads the cache', async (t) => {
  const { env, file } = tempHome();
  const first = cacheEngineInfo(fakeEngine(), '/s', env, () => 'key-a');
  t.deepEqual(await first.info(), INFO);
  t.is(first.asked, 1);
  const second = cacheEngineInfo(fakeEngine({ ...INFO, loggingDriver: 'journald' }), '/s', env, () => 'key-a');
  t.deepEqual(await second.info(), INFO);
  t.is(second.asked, 0);
  t.deepEqual(readEntries(file).map((e) => e.key), ['key-a']);
});

test('another key (a restarted or different engine) is asked, and both entries are kept', async (t) => {
  const { env, file } = tempHome();
  await cacheEngineInfo(fakeEngine(), '/s', env, () => 'key-a').info();
  const restarted = cacheEngineInfo(fakeEngine({ ...INFO, rootDir: '/srv/docker' }), '/s', env, () => 'key-b');
  t.is((await restarted.info()).rootDir, '/srv/docker');
  t.is(restarted.asked, 1);
  t.deepEqual(readEntries(file).map((e) => e.key), ['key-b', 'key-a']);
});

test('no key (no pid file, daemon not running): always asked, nothing written', async (t) => {
  const { env, file } = tempHome();
  for (let i = 0; i < 2; i += 1) {
    const engine = cacheEngineInfo(fakeEngine(), '/s', env, () => undefined);
    await engine.info();
    t.is(engine.asked, 1);
  }
  t.deepEqual(readEntries(file), []);
});

test('a corrupt or ill-typed cache file is ignored and replaced', async (t) => {
  for (const garbage of ['{not json', '[{"key":"key-a","info":{"apparmor":"yes","loggingDriver":"json-file"}}]', '{"key":"key-a"}', '[null,1,"x"]']) {
    const { env, file } = tempHome();
    await cacheEngineInfo(fakeEngine(), '/s', env, () => 'seed').info();
    writeFileSync(file, garbage);
    const engine = cacheEngineInfo(fakeEngine(), '/s', env, () => 'key-a');
    t.deepEqual(await engine.info(), INFO, garbage);
    t.is(engine.asked, 1, garbage);
    t.deepEqual(JSON.parse(readFileSync(file, 'utf8')), [{ key: 'key-a', info: INFO }]);
  }
});

test('a cache folder that cannot be written costs nothing but the saving', async (t) => {
  const { env } = tempHome();
  writeFileSync(join(env['XDG_CACHE_HOME']!, 'sdocker'), 'a file where the folder should be');
  const engine = cacheEngineInfo(fakeEngine(), '/s', env, () => 'key-a');
  t.deepEqual(await engine.info(), INFO);
});

test('cacheDir: $XDG_CACHE_HOME when absolute, else ~/.cache', (t) => {
  t.is(cacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' }), '/c/sdocker');
  t.is(cacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/h' }), '/h/.cache/sdocker');
  t.is(cacheDir({ HOME: '/h' }), '/h/.cache/sdocker');
});

function listen(path: string): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(path, () => resolve(server));
  });
}

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

test('engineKey changes when the socket is recreated or another daemon process owns it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-key-'));
  const socket = join(dir, 'docker.sock');
  let server = await listen(socket);
  t.is(engineKey(socket), undefined, 'no pid file beside the socket: no key');
  writeFileSync(join(dir, 'docker.pid'), `${process.pid}\n`);
  const first = engineKey(socket);
  t.truthy(first);
  t.is(engineKey(socket), first, 'the same instance: the same key');
  await close(server);
  server = await listen(socket);
  const recreated = engineKey(socket);
  t.truthy(recreated);
  t.not(recreated, first, 'a daemon restart recreates its socket');
  // Socket activation: the socket stays, the daemon process changes.
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
  t.teardown(() => other.kill());
  writeFileSync(join(dir, 'docker.pid'), `${other.pid}\n`);
  const otherDaemon = engineKey(socket);
  t.truthy(otherDaemon);
  t.not(otherDaemon, recreated);
  writeFileSync(join(dir, 'docker.pid'), '999999999\n');
  t.is(engineKey(socket), undefined, 'a pid that is not running: no key');
  await close(server);
  t.is(engineKey(socket), undefined, 'no socket: no key');
  rmSync(dir, { recursive: true, force: true });
});
