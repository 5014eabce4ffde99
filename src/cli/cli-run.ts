// The run bundle's entry (dist/bin/sdocker-run.cjs): the launcher (src/cli/launch.ts) runs it for
// an argv that starts with run, create or exec (or `container` and one of them), which
// parseInvocation can only read as a hardened command or a pass-through (docker's own help).
// Without compose, audit, learn, harden and commander it is about a third of the whole
// bundle: less to read and to take from the code cache on every run (bench/run.mjs).
import { mainRun } from './main-run.js';
import { runMain } from './process-deps.js';

runMain(mainRun);
