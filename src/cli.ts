#!/usr/bin/env node
// The only file that reads process.argv and sets process.exitCode.
import { chooseEngine } from './engine/choose.js';
import { runInherit } from './exec.js';
import { main } from './main.js';

const docker = process.env['SDOCKER_DOCKER'] || 'docker';
process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  docker,
  run: (file, args, options) => runInherit(file, args, options),
  engineFor: (inv) => chooseEngine(inv.globals, process.env, docker),
});
