#!/usr/bin/env -S node --
// The installed bin (dist/bin/sdocker.cjs, scripts/bundle.mjs): a small CommonJS file. A command
// sdocker does not touch is handed to docker from here, having loaded only the word check and
// the process starter; anything else runs cli.ts's bundle (dist/bin/sdocker-main.cjs), whole,
// from V8's code cache when it can (src/cache/code-cache.ts).
// CommonJS because Node's ESM loader costs ~15 ms of CPU per start on these machines against
// a budget of 10 ms (bench/run.mjs); one bundle, not chunks, so that SdockerError is one class
// and main.ts's `instanceof` holds.
import { join } from 'node:path';
import { mayNeedSdocker } from './docker/words.js';
import { SdockerError } from './errors.js';
import { runInherit } from './exec.js';

const argv = process.argv.slice(2);
if (mayNeedSdocker(argv)) {
  // Loaded here only: a passed-through command never pays for node:vm and the cache's fs work.
  void import('./cache/code-cache.js').then(({ runCached }) => runCached(join(__dirname, 'sdocker-main.cjs'), process.env));
} else {
  // As main.ts does for a passed-through command.
  runInherit(process.env['SDOCKER_DOCKER'] || 'docker', argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (!(error instanceof SdockerError)) throw error;
      process.stderr.write(`${error.message}\n`);
      process.exitCode = error.exitCode;
    },
  );
}
