// main() for run/create/exec alone (src/cli/cli-run.ts): the same decisions as main.ts for an argv
// whose first word is run, create, exec or `container` (src/cli/launch.ts, runsOnly).
import type { Deps } from '../planner/deps.js';
import { parseInvocation } from '../docker/invocation.js';
import { exitCodeOf } from '../common/errors.js';
import { runHardened } from '../run/run.js';

export function mainRun(argv: readonly string[], deps: Deps): Promise<number> {
  return exitCodeOf(async () => {
    const inv = parseInvocation(argv);
    if (inv.kind === 'pass') return deps.run(deps.docker, argv);
    // parseInvocation reads an own command only from its first word or a leading --sd- flag.
    if (inv.kind === 'own') throw new Error(`sdocker: internal error: the run bundle was given '${argv[0] ?? ''}'`);
    return runHardened(inv, deps);
  }, deps.stderr);
}
