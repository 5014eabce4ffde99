// From a parsed invocation and a rule context to a plan: the final docker argv, what was
// added or rewritten and why, and what is refused. Pure: nothing here touches the engine.
import type { ContainerInvocation, ExecInvocation } from '../docker/invocation.js';
import type { Item } from '../docker/parse.js';
import { OptionView, type RuleContext } from '../policy/context.js';
import { LIMIT_INJECTIONS } from '../policy/inject/limits.js';
import { NETWORK_INJECTIONS } from '../policy/inject/network.js';
import { isRootUser } from '../policy/defaults.js';
import { containerGrants } from '../policy/grants.js';
import { SECURITY_INJECTIONS } from '../policy/inject/security.js';
import type { LinkNetwork } from '../policy/inject/links.js';
import type { Addition, Injected, Notice, Rewrite } from '../policy/inject/types.js';
import { unjudgedInheritance } from '../policy/inherited.js';
import { findDeviceWarnings } from '../policy/devices.js';
import { readOnlyNote } from '../policy/mounts.js';
import { findReadOnlyBinds, findViolations, isAllowed, type Violation } from '../policy/refusals.js';

export interface Plan {
  /** The docker argv, without the `docker` word. */
  readonly argv: readonly string[];
  readonly additions: readonly Addition[];
  readonly rewrites: readonly Rewrite[];
  readonly notices: readonly Notice[];
  /** Refusals the policy lets through (printed as warnings). */
  readonly allowed: readonly Violation[];
  /** Refusals that stop the run. */
  readonly refused: readonly Violation[];
  /** The sdocker network to create when missing. */
  readonly network: string | undefined;
  /** Link networks to create when missing and join (run/create with --link). */
  readonly links: readonly LinkNetwork[];
}

const INJECTIONS = [...SECURITY_INJECTIONS, ...LIMIT_INJECTIONS, ...NETWORK_INJECTIONS];

/** Refusals alone: decided before the engine is asked anything, so a refused run costs nothing. `extra`: the policy's own grants, judged once the run's user is known. */
export function checkRefusals(ctx: RuleContext, extra: readonly Violation[] = []): { allowed: Violation[]; refused: Violation[] } {
  const violations = [...findViolations(ctx), ...extra];
  const allowed = violations.filter((v) => isAllowed(v, ctx.policy.allow));
  return { allowed, refused: violations.filter((v) => !allowed.includes(v)) };
}

export function planContainer(inv: ContainerInvocation, ctx: RuleContext): Plan {
  const view = new OptionView(ctx.items);
  const out: Injected = { additions: [], rewrites: [], notices: [], network: undefined, links: [] };
  for (const inject of INJECTIONS) inject(view, ctx, out);
  for (const { what, folder } of findReadOnlyBinds(ctx)) out.notices.push({ rule: 'sensitive-mount', level: 'notice', text: `sdocker: ${readOnlyNote(what, folder)}` });
  const unjudged = unjudgedInheritance(view, ctx);
  if (unjudged !== undefined) out.notices.push({ rule: undefined, level: 'notice', text: unjudged });
  for (const text of findDeviceWarnings(ctx)) out.notices.push({ rule: 'host-device', level: 'warning', text: `sdocker: ${text}` });
  const rewritten = new Map(out.rewrites.map((r) => [r.item, r.words]));
  const argv = [
    ...globalWords(inv.globals),
    ...inv.path,
    ...ctx.items.flatMap((item, i) => (isOwn(item) ? [] : (rewritten.get(i) ?? item.words))),
    ...out.additions.flatMap((a) => a.words),
    ...(inv.flags.dashdash ? ['--'] : []),
    inv.image,
    ...inv.args,
  ];
  // The capabilities the policy grants depend on the user, hence on the image's: judged here,
  // with the engine's facts, and refused by run.ts before anything is created.
  return { argv, ...out, ...checkRefusals(ctx, containerGrants(view, ctx)) };
}

export function planExec(inv: ExecInvocation, ctx: RuleContext): Plan {
  const argv = [
    ...globalWords(inv.globals),
    ...inv.path,
    ...ctx.items.flatMap((item) => (isOwn(item) ? [] : item.words)),
    ...(inv.flags.dashdash ? ['--'] : []),
    ...inv.flags.rest,
  ];
  const user = new OptionView(ctx.items).last('user');
  // CIS 5.24: exec as root gives the command root's capabilities in the container.
  const notices: Notice[] = user !== undefined && isRootUser(user) ? [{ rule: undefined, level: 'warning', text: `sdocker: exec runs as root (--user ${user}, CIS 5.24)` }] : [];
  return { argv, additions: [], rewrites: [], notices, network: undefined, links: [], ...checkRefusals(ctx) };
}

function isOwn(item: Item): boolean {
  return item.opts.some((opt) => opt.spec.own === true);
}

function globalWords(globals: readonly Item[]): string[] {
  return globals.flatMap((item) => item.words);
}
