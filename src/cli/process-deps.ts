// The process side of Deps (src/common/deps.ts), for both entries: cli.ts (the whole of sdocker) and
// cli-run.ts (run/create/exec alone, the launcher's fast path). Each entry is bundled on its
// own, so each gets its own copy of this file, as of every class it uses (src/cli/launch.ts).
import type { Deps } from '../planner/deps.js';
import { runInherit } from '../common/exec.js';

/** Our own output to a pipe closed early (`sdocker harden | head`) ends quietly, as cat does. */
function outWriter(): (text: string) => void {
  let ready = false;
  return (text) => {
    if (!ready) {
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
        process.exit(process.exitCode ?? 0);
      });
      ready = true;
    }
    process.stdout.write(text);
  };
}

function onInterrupt(cleanUp: () => Promise<void>): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Run `main` on our argv with the process's deps, and exit with its code. */
export function runMain(main: (argv: readonly string[], deps: Deps) => Promise<number>): void {
  const docker = process.env['SDOCKER_DOCKER'] || 'docker';
  void main(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdout: outWriter(),
    stderr: (text) => process.stderr.write(text),
    docker,
    run: (file, args, options) => runInherit(file, args, options),
    onInterrupt,
    // Loaded only for run/create/exec: a passed-through command never loads the engine client.
    engineFor: async (inv) => (await import('../engine/choose.js')).chooseEngine(inv.globals, process.env, docker),
  }).then((code) => {
    process.exitCode = code;
  });
}
