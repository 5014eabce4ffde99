// The least any Node wrapper can cost: start Node, spawn the command with our stdio, mirror
// its exit code. bench/run.mjs compares sdocker's passthrough with this floor.
const { spawn } = require('node:child_process');
const [file, ...args] = process.argv.slice(2);
spawn(file, args, { stdio: 'inherit' }).on('exit', (code) => {
  process.exitCode = code ?? 1;
});
