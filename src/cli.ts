#!/usr/bin/env -S node --
// The only file that reads process.argv and sets process.exitCode.
import { runInherit } from './exec.js';
import { main } from './main.js';

const docker = process.env['SDOCKER_DOCKER'] || 'docker';
let stdoutReady = false;

/** Our own output to a pipe closed early (`sdocker harden | head`) ends quietly, as cat does. */
function writeOut(text: string): void {
  if (!stdoutReady) {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? 0);
    });
    stdoutReady = true;
  }
  process.stdout.write(text);
}

// No top-level await: this file is bundled as CommonJS (scripts/bundle.mjs).
void main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: writeOut,
  stderr: (text) => process.stderr.write(text),
  docker,
  run: (file, args, options) => runInherit(file, args, options),
  onInterrupt: (cleanUp) => {
    const handler = (signal: NodeJS.Signals): void => {
      void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
  // Loaded only for run/create/exec: a passed-through command never loads the engine client.
  engineFor: async (inv) => (await import('./engine/choose.js')).chooseEngine(inv.globals, process.env, docker),
}).then((code) => {
  process.exitCode = code;
});
