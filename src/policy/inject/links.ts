// --link on sdocker's bridge: the alias resolves but every packet is dropped, since the bridge
// has inter-container traffic off (measured, DESIGN.md §2). So each link gets what `harden
// --segment` gives a pair of compose services: a bridge of its own holding the two containers
// alone. Pure: this says which networks to make; the run room makes them.
import type { OptionView, RuleContext } from '../context.js';
import { add, say, type Injected, type LinkNetwork } from './types.js';

export type { LinkNetwork } from './types.js';

/** Labels on a link network: sdocker made it, and for which pair. */
export const LINK_TARGET_LABEL = 'io.sdocker.link.target';
export const LINK_CONTAINER_LABEL = 'io.sdocker.link.container';


/** docker's `--link name[:alias]` (opts.ParseLink): the alias defaults to the name. */
export function parseLink(value: string): { target: string; alias: string } {
  const [name = '', alias] = value.split(':');
  const target = name.replace(/^\//, '');
  return { target, alias: alias === undefined || alias === '' ? target : alias };
}

/** A name that says the pair when it is short enough to read, a digest of it otherwise. */
export function linkNetworkName(target: string, container: string): string {
  const plain = `sdocker-link-${target}-${container}`;
  if (plain.length <= 64) return plain;
  // Loaded here, not imported: node:crypto costs every run a few ms at start (bench/run.mjs).
  return `sdocker-link-${process.getBuiltinModule('node:crypto').createHash('sha256').update(`${target}\n${container}`).digest('hex').slice(0, 16)}`;
}

/**
 * The links of a run with no --network of the user's: the container starts on its first link
 * network (docker 20.10 takes one --network at create; `create` joins the others after).
 * `none`: the policy would have given --network none (no published port under `strict`).
 */
export function injectLinks(view: OptionView, ctx: RuleContext, out: Injected, none: boolean): void {
  const container = view.last('name') ?? ctx.generatedName;
  if (container === undefined) {
    say(out, 'network', 'error', '--link needs a container name for its network; give --name');
    return;
  }
  const links = view.values('link').map(parseLink);
  if (ctx.sub === 'run' && links.length > 1) {
    say(out, 'network', 'error', `several --link on run: docker 20.10 starts a container on one network, and each link needs its own; use 'sdocker create' with the links, then 'docker start', or name a --network`);
    return;
  }
  out.links = links.map(({ target, alias }) => ({ name: linkNetworkName(target, container), target, alias, container, internal: none }));
  if (!view.has('name')) add(out, 'network', '--name', container);
  add(out, 'network', '--network', out.links[0]?.name ?? '');
}
