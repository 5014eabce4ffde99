// Work that must run when a test worker is ended by a signal: ava's timeout ends a worker with
// SIGTERM (ava lib/fork.js: worker.kill()) and Ctrl-C sends SIGINT to the whole process group;
// no after hook runs then. Each handler runs once, last registered first; then the worker dies
// of the same signal, as it would have without a handler (ava reports a process.exit as a fault).
const handlers: (() => void)[] = [];
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;
let dying = false;

function runAll(signal: NodeJS.Signals): void {
  // The listeners stay while the handlers run: a second signal (ava sends SIGTERM to a worker
  // that Ctrl-C's SIGINT reached first) must not end the process half-way.
  if (dying) return;
  dying = true;
  for (const handler of handlers.splice(0).reverse()) {
    try {
      handler();
    } catch {
      // One failed removal must not keep the others from running.
    }
  }
  for (const signalName of SIGNALS) process.removeAllListeners(signalName);
  process.kill(process.pid, signal);
}

/** Runs `handler` if this process is ended by SIGINT, SIGTERM or SIGHUP. */
export function onSignal(handler: () => void): void {
  handlers.push(handler);
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) process.on(signal, runAll);
}
