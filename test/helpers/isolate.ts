// Loaded by ava in every worker before its test file (package.json ava.require): the worker's
// temporary folder and sdocker's XDG folders (config, cache incl. the code and engine-info
// caches, trust store) point into a folder of the worker's own, so no test writes to the user's
// ~/.config, ~/.cache or ~/.local. HOME is kept: the docker CLI reads its contexts and
// credentials from ~/.docker. Under `npm test` the folder is inside the run's own (test/run.ts
// passes SDOCKER_TEST_TMP and removes it at the end, also after a crash).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onSignal } from './on-signal.js';

const root = process.env['SDOCKER_TEST_TMP'] || tmpdir();
const own = mkdtempSync(join(root, 'sdocker-test-worker-'));
const XDG = { XDG_CONFIG_HOME: 'config', XDG_CACHE_HOME: 'cache', XDG_DATA_HOME: 'data', XDG_STATE_HOME: 'state' } as const;
for (const [variable, folder] of Object.entries(XDG)) {
  mkdirSync(join(own, folder));
  process.env[variable] = join(own, folder);
}
const tmp = join(own, 'tmp');
mkdirSync(tmp);
// os.tmpdir() reads TMPDIR on each call; child processes inherit it.
process.env['TMPDIR'] = tmp;

const remove = (): void => {
  try {
    rmSync(own, { recursive: true, force: true });
  } catch {
    // A file a container made under another uid (not root's run): the run's wrapper removes the rest.
  }
};
process.once('exit', remove);
onSignal(remove);
