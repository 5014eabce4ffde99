// The engine-info cache decides refusals: its rootDir joins the secret paths (policy/refusals.ts
// pathLists), so a planted entry without it lets a bind of a custom data-root through. A cache
// folder or file another user can write (a shared $XDG_CACHE_HOME, `sudo -E` keeping the user's)
// is not read, as the code cache (cache/code-cache.ts) already refuses.
import test from 'ava';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheEngineInfo } from '../src/engine/engine-info-cache.js';
import type { Engine, EngineInfo } from '../src/engine/engine.js';

const REAL: EngineInfo = { apparmor: true, loggingDriver: 'json-file', rootDir: '/srv/docker', apiVersion: '1.41' };
const PLANTED = [{ key: 'key-a', info: { apparmor: false, loggingDriver: 'none', apiVersion: '1.41' } }];

function fakeEngine(): Engine & { asked: number } {
  const engine = { asked: 0, info: async () => { engine.asked += 1; return REAL; } };
  return engine as unknown as Engine & { asked: number };
}

/** A cache folder holding the planted entry, with the folder's and the file's modes given. */
function planted(dirMode: number, fileMode: number): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'sdocker-cache-owner-'));
  const dir = join(home, 'sdocker');
  mkdirSync(dir);
  writeFileSync(join(dir, 'engine-info.json'), JSON.stringify(PLANTED));
  chmodSync(join(dir, 'engine-info.json'), fileMode);
  chmodSync(dir, dirMode);
  return { XDG_CACHE_HOME: home };
}

for (const [what, dirMode, fileMode] of [['a folder others can write', 0o777, 0o600], ['a file others can write', 0o700, 0o666]] as const) {
  test(`an entry in ${what} is not read: the engine is asked`, async (t) => {
    const engine = cacheEngineInfo(fakeEngine(), '/s', planted(dirMode, fileMode), () => 'key-a');
    t.deepEqual(await engine.info(), REAL);
    t.is(engine.asked, 1);
  });
}

test('the same entry in our own folder and file is read (the cache still saves the question)', async (t) => {
  const engine = cacheEngineInfo(fakeEngine(), '/s', planted(0o700, 0o600), () => 'key-a');
  t.deepEqual(await engine.info(), PLANTED[0]?.info);
  t.is(engine.asked, 0);
});
