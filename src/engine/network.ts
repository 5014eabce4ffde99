// sdocker's own network: created on first use, and never confused with a same-named network
// somebody else made.
import { SdockerError } from '../common/errors.js';
import type { Engine, NetworkState } from './engine.js';

/** The sdocker network exists (or is created now); refuses a same-named network sdocker did not create. */
export async function ensureNetwork(engine: Engine, name: string, state: NetworkState | undefined, dryRun: boolean): Promise<boolean> {
  if (state !== undefined && !state.managed) {
    throw new SdockerError(`sdocker: network '${name}' exists but sdocker did not create it (no io.sdocker.managed label); remove it, or set network.name in your config`);
  }
  if (state === undefined && !dryRun) await engine.createNetwork(name);
  return state !== undefined;
}
