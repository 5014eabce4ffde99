// sdocker run with the engine-info cache, on the real engine: a cached answer is used only for
// the engine instance that gave it (a different key, as after a restart, is asked again), and
// sdocker's network removed between two runs is created again. The network is a private one
// (network.name in a user config), not the `sdocker` network other tests share.
import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineKey } from '../src/cache/engine-key.js';
import { readEntries } from '../src/engine/engine-info-cache.js';
import { runCli } from './helpers/cli.js';
import { IMAGE, docker, dockerStatus, engineProblem, uniqueName } from './helpers/engine.js';

const SOCKET = '/var/run/docker.sock';
const network = uniqueName('sdtest-net');
const home = mkdtempSync(join(tmpdir(), 'sdocker-cache-run-'));
const env = { XDG_CACHE_HOME: join(home, 'cache'), XDG_CONFIG_HOME: join(home, 'config') };
const cacheFile = join(home, 'cache', 'sdocker', 'engine-info.json');
mkdirSync(join(home, 'config', 'sdocker'), { recursive: true });
writeFileSync(join(home, 'config', 'sdocker', 'config.yml'), `network:\n  name: ${network}\n`);

test.before((t) => {
  const problem = engineProblem();
  if (problem !== undefined) t.fail(problem);
});
test.after.always(() => {
  dockerStatus('network', 'rm', network);
});

test.serial('a run fills the cache for this engine; its answer is the engine\'s own', async (t) => {
  const key = engineKey(SOCKET);
  t.truthy(key, 'dockerd writes /var/run/docker.pid beside its socket');
  const result = await runCli(['run', '--rm', IMAGE, 'true'], env);
  t.is(result.code, 0, result.stderr);
  const entries = readEntries(cacheFile);
  t.deepEqual(entries.map((e) => e.key), [key]);
  t.is(entries[0]?.info.rootDir, docker('info', '--format', '{{.DockerRootDir}}'));
});

test.serial('a cached answer is used for its engine, and not for another key (a restarted engine)', async (t) => {
  const key = engineKey(SOCKET)!;
  const fakeRoot = mkdtempSync(join(tmpdir(), 'sdocker-fake-root-'));
  const args = ['run', '--sd-dry-run', '--rm', '-v', `${fakeRoot}:/x`, IMAGE, 'true'];
  // Planted under this engine's key, a data root answer is believed: the bind is refused.
  writeFileSync(cacheFile, JSON.stringify([{ key, info: { apparmor: false, loggingDriver: 'json-file', rootDir: fakeRoot, apiVersion: '1.41' } }]));
  const believed = await runCli(args, env);
  t.is(believed.code, 125, believed.stdout);
  t.regex(believed.stdout + believed.stderr, /sensitive-mount/);
  // Under any other key (the same socket after a restart has another), it is not: the engine is asked.
  writeFileSync(cacheFile, JSON.stringify([{ key: `${key} restarted`, info: { apparmor: false, loggingDriver: 'json-file', rootDir: fakeRoot, apiVersion: '1.41' } }]));
  const asked = await runCli(args, env);
  t.is(asked.code, 0, asked.stdout + asked.stderr);
  t.deepEqual(readEntries(cacheFile).map((e) => e.key), [key, `${key} restarted`]);
});

test.serial('sdocker\'s network removed between two runs is created again', async (t) => {
  const first = await runCli(['run', '--rm', IMAGE, 'true'], env);
  t.is(first.code, 0, first.stderr);
  t.is(docker('network', 'inspect', '--format', '{{index .Labels "io.sdocker.managed"}}', network), 'true');
  docker('network', 'rm', network);
  const second = await runCli(['run', '--rm', IMAGE, 'true'], env);
  t.is(second.code, 0, second.stderr);
  t.is(docker('network', 'inspect', '--format', '{{index .Labels "io.sdocker.managed"}}', network), 'true');
});
