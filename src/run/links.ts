// The run room's side of --link: check the targets, make (or reuse) each pair's network, attach
// the target to it, and clear away the link networks whose container is gone.
import { MANAGED_LABEL, type Engine, type NetworkSpec } from '../engine/engine.js';
import { EXIT_REFUSED, SdockerError } from '../common/errors.js';
import { LINK_CONTAINER_LABEL, LINK_TARGET_LABEL, type LinkNetwork } from '../policy/inject/links.js';

/**
 * Another run's link network younger than this is never cleared: that sdocker may be between
 * making it and docker creating its container (seconds; images are pulled before).
 */
const GRACE_MS = 60 * 1000;

/** docker's own random names are known only after create; the pair's network must exist before. */
export function generateName(): string {
  // Loaded here, not imported: node:crypto costs every run a few ms at start (bench/run.mjs).
  return `sdocker-${process.getBuiltinModule('node:crypto').randomBytes(4).toString('hex')}`;
}

/** Every target exists: on a user-defined network docker itself says nothing of a missing one (measured). */
export async function checkTargets(engine: Engine, links: readonly LinkNetwork[]): Promise<void> {
  for (const link of links) {
    if ((await engine.inspectContainer(link.target)) === undefined) {
      throw new SdockerError(`sdocker: --link ${link.target}: no such container`, EXIT_REFUSED);
    }
  }
}

function specOf(link: LinkNetwork): NetworkSpec {
  // Inter-container traffic on: the two containers of the pair are the only ones on it.
  const labels = { [MANAGED_LABEL]: 'true', [LINK_TARGET_LABEL]: link.target, [LINK_CONTAINER_LABEL]: link.container };
  return { labels, options: {}, internal: link.internal };
}

/** Each link's network exists (made now, or reused when it is this pair's) with the target on it. */
export async function prepareLinks(engine: Engine, links: readonly LinkNetwork[]): Promise<void> {
  await clearStale(engine, Date.now()).catch(() => undefined);
  for (const link of links) {
    const state = await engine.inspectNetwork(link.name);
    const labels = state?.labels ?? {};
    if (state !== undefined && (!state.managed || labels[LINK_TARGET_LABEL] !== link.target || labels[LINK_CONTAINER_LABEL] !== link.container)) {
      throw new SdockerError(`sdocker: network '${link.name}' exists but is not sdocker's network for --link ${link.target} from ${link.container}; remove it, or name a --network`);
    }
    if (state === undefined) await engine.createNetwork(link.name, specOf(link));
    // The alias makes the link's name resolve on this network whichever network carries the
    // --link itself (docker records a link on the endpoint of the run's first network).
    await engine.connectNetwork(link.name, link.target, [link.alias]);
  }
}

/** After docker: `create` joins its other link networks before anything starts it; a container already gone (`run --rm`) leaves none behind. */
export async function afterLinks(engine: Engine, links: readonly LinkNetwork[], code: number): Promise<void> {
  if (code === 0) for (const link of links.slice(1)) await engine.connectNetwork(link.name, link.container, []);
  await clearStale(engine, undefined, links.map((link) => link.name)).catch(() => undefined);
}

/**
 * Link networks whose container is gone (or no longer configured on them) are removed, the
 * target detached first: left alone, one per `run --rm --link` would pile up until the engine's
 * address pools (31 networks by default) run dry. `now`: the grace period applies (networks of
 * other runs); undefined: these are this run's own networks and its docker command has ended.
 */
export async function clearStale(engine: Engine, now: number | undefined, names?: readonly string[]): Promise<string[]> {
  const cleared: string[] = [];
  for (const name of names ?? (await engine.listNetworks(LINK_CONTAINER_LABEL))) {
    const state = await engine.inspectNetwork(name);
    const container = state?.labels?.[LINK_CONTAINER_LABEL];
    if (state === undefined || !state.managed || container === undefined) continue;
    // NaN (no creation time) is never old enough.
    if (now !== undefined && !(now - Date.parse(state.created ?? '') >= GRACE_MS)) continue;
    const owner = await engine.inspectContainer(container);
    if (owner !== undefined && owner.networks.includes(name)) continue;
    try {
      for (const attached of state.containers ?? []) await engine.disconnectNetwork(name, attached);
      await engine.removeNetwork(name);
      cleared.push(name);
    } catch {
      // Another sdocker cleared it first, or a container joined it meanwhile: leave it.
    }
  }
  return cleared;
}
