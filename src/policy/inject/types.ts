// What an injection rule returns: flags to add, user items to rewrite, and things to say.
import type { OptionView, RuleContext } from '../context.js';
import type { InjectId, RuleId } from '../rules.js';

export interface Addition {
  readonly rule: InjectId;
  readonly words: readonly string[];
}

/** A user item replaced by other words (published ports bound to loopback). */
export interface Rewrite {
  readonly rule: InjectId;
  readonly item: number;
  readonly words: readonly string[];
  readonly note: string;
}

export interface Notice {
  readonly rule: RuleId | undefined;
  /** error: the run cannot go on (the strict profile's AppArmor requirement). */
  readonly level: 'error' | 'warning' | 'notice';
  readonly text: string;
}

export interface Injected {
  readonly additions: Addition[];
  readonly rewrites: Rewrite[];
  readonly notices: Notice[];
  /** The sdocker network the container joins, to be created when missing. */
  network: string | undefined;
  /** Networks of their own for --link pairs, to be created (or reused) and joined. */
  links: readonly LinkNetwork[];
}

export type Inject = (view: OptionView, ctx: RuleContext, out: Injected) => void;

export function add(out: Injected, rule: InjectId, ...words: string[]): void {
  out.additions.push({ rule, words });
}

export function say(out: Injected, rule: RuleId | undefined, level: Notice['level'], text: string): void {
  out.notices.push({ rule, level, text: `sdocker: ${text}` });
}

/** A network made for one --link (links.ts): a bridge holding the two containers alone. */
export interface LinkNetwork {
  /** The network's name. */
  readonly name: string;
  /** The container linked to, as written (docker's leading '/' dropped). */
  readonly target: string;
  /** The name the new container knows it by; also a network alias of the target there. */
  readonly alias: string;
  /** The new container. */
  readonly container: string;
  /** No route out of the host: the policy wanted no network at all for this container. */
  readonly internal: boolean;
}
