#!/usr/bin/env -S node --
// The installed bin (dist/bin/sdocker.cjs, scripts/bundle.mjs): a small CommonJS file. A command
// sdocker does not touch is handed to docker from here, having loaded only the word check and
// the process starter; run, create and exec (the commands paid for on every use) run the run
// bundle (dist/bin/sdocker-run.cjs, src/cli/cli-run.ts); anything else runs cli.ts's bundle
// (dist/bin/sdocker-main.cjs), each whole, from V8's code cache when it can
// (src/cache/code-cache.ts).
// CommonJS because Node's ESM loader costs ~15 ms of CPU per start on these machines against
// a budget of 10 ms (bench/run.mjs). Each bundle is self-contained, not chunks sharing modules:
// SdockerError must be one class within the bundle that runs, for main.ts's `instanceof`.
import { join } from 'node:path';
import { mayNeedSdocker, runsOnly } from '../docker/words.js';
import { exitCodeOf } from '../common/errors.js';
import { runInherit } from '../common/exec.js';

const argv = process.argv.slice(2);
if (mayNeedSdocker(argv)) {
  const bundle = join(__dirname, runsOnly(argv) ? 'sdocker-run.cjs' : 'sdocker-main.cjs');
  // Loaded here only: a passed-through command never pays for node:vm and the cache's fs work.
  // Our own require: the bundles sit beside this file, so it resolves their externals alike.
  void import('../cache/code-cache.js').then(({ runCached }) => runCached(bundle, process.env, require));
} else {
  // As main.ts does for a passed-through command.
  void exitCodeOf(() => runInherit(process.env['SDOCKER_DOCKER'] || 'docker', argv), (text) => process.stderr.write(text)).then((code) => {
    process.exitCode = code;
  });
}
