// main(argv, deps) -> exit code. Decides between passing a command through, sdocker's own
// commands, and hardening run/create/exec; cli.ts is the only caller that touches process.
// Nothing is loaded up front but a word check: a passed-through command pays for nothing else.
import type { Deps } from './deps.js';
import { mayNeedSdocker } from './docker/words.js';
import { SdockerError } from './errors.js';

export async function main(argv: readonly string[], deps: Deps): Promise<number> {
  try {
    if (!mayNeedSdocker(argv)) return await deps.run(deps.docker, argv);
    const { parseInvocation } = await import('./docker/invocation.js');
    const inv = parseInvocation(argv);
    if (inv.kind === 'pass') return await deps.run(deps.docker, argv);
    if (inv.kind === 'own') return await (await import('./commands.js')).runOwn(inv.args, deps, inv.globals);
    return await (await import('./run/run.js')).runHardened(inv, deps);
  } catch (error) {
    if (!(error instanceof SdockerError)) throw error;
    deps.stderr(`${error.message}\n`);
    return error.exitCode;
  }
}
