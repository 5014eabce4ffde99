// main(argv, deps) -> exit code. Decides between passing a command through, sdocker's own
// commands, and hardening run/create/exec; cli.ts is the only caller that touches process.
// Nothing is loaded up front but a word check: a passed-through command pays for nothing else.
import type { Deps } from '../planner/deps.js';
import { mayNeedSdocker } from '../docker/words.js';
import { exitCodeOf } from '../common/errors.js';

export function main(argv: readonly string[], deps: Deps): Promise<number> {
  return exitCodeOf(async () => {
    if (!mayNeedSdocker(argv)) return deps.run(deps.docker, argv);
    const { parseInvocation } = await import('../docker/invocation.js');
    const inv = parseInvocation(argv);
    if (inv.kind === 'pass') {
      (await import('../docker/typo.js')).refuseOwnTypo(argv, deps.env);
      return deps.run(deps.docker, argv);
    }
    if (inv.kind === 'own') return (await import('./commands.js')).runOwn(inv.args, deps, inv.globals);
    return (await import('../run/run.js')).runHardened(inv, deps);
  }, deps.stderr);
}
