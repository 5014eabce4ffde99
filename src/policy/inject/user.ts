// The user a container runs as (CIS 4.1), and keeping what the user adds working under the
// non-root user sdocker injects: added capabilities need root, a --tmpfs needs the user's
// uid/gid, and a new named volume over a root-owned image folder needs preparing.
import { namedVolumes } from '../../docker/volumes.js';
import type { Opt } from '../../docker/parse.js';
import { canonical, type OptionView, type RuleContext } from '../context.js';
import { isRootUser, tmpfsHasOwner, tmpfsOwner, tmpfsWithOwner } from '../defaults.js';
import { renderOpt } from './network.js';
import { add, say, type Inject } from './types.js';

export type UserSource = 'command line' | 'image' | 'profile' | 'capabilities' | 'nobody';

/** The user the container will run as (undefined: root), and who chose it. */
export function runUser(view: OptionView, ctx: RuleContext): { user: string | undefined; from: UserSource } {
  const given = view.last('user');
  if (given !== undefined) return { user: given, from: 'command line' };
  const image = ctx.facts.image;
  if (image !== undefined && !isRootUser(image.user)) return { user: image.user, from: 'image' };
  if (ctx.policy.user === '') return { user: undefined, from: 'nobody' };
  // Docker gives a non-root process no effective capabilities (CapEff 0, measured on 20.10):
  // under the profile's user an added capability would do nothing, so the container stays root.
  if (addedCapabilities(view) !== undefined) return { user: undefined, from: 'capabilities' };
  return { user: ctx.policy.user, from: 'profile' };
}

/** The user's own capability grants as written (`--cap-add NET_ADMIN`, `--privileged`), or undefined. */
function addedCapabilities(view: OptionView): string | undefined {
  const caps = view.values('cap-add').flatMap((v) => v.split(',')).map((c) => c.trim()).filter((c) => c !== '');
  const words = [...(caps.length > 0 ? [`--cap-add ${caps.join(',')}`] : []), ...(view.isOn('privileged') ? ['--privileged'] : [])];
  return words.length > 0 ? words.join(' ') : undefined;
}

const user: Inject = (view, ctx, out) => {
  const { user: chosen, from } = runUser(view, ctx);
  const caps = addedCapabilities(view);
  if (from === 'profile' && chosen !== undefined) add(out, 'user', '--user', chosen);
  if (from === 'capabilities') say(out, 'user', 'warning', `${caps}: not injecting --user ${ctx.policy.user} (a non-root user gets no capabilities); the container runs as root (CIS 4.1)`);
  if (from === 'image' && caps !== undefined) say(out, 'user', 'warning', `${caps}: the image runs as user '${chosen}', which docker gives no capabilities; they take effect only with --user 0`);
  if (from === 'command line' && chosen !== undefined && isRootUser(chosen)) say(out, 'user', 'warning', `the container runs as root (--user ${chosen})`);
  if (from === 'nobody') say(out, 'user', 'warning', 'the container runs as root: the profile sets no user');
  if (from === 'profile' && ctx.facts.image === undefined) say(out, 'user', 'notice', 'the image is not present locally: assuming it runs as root');
};

/** uid=/gid= of the user sdocker chose; none when the user or the image chose it, or it is a name. */
function injectedOwner(view: OptionView, ctx: RuleContext): string[] {
  const { user: chosen, from } = runUser(view, ctx);
  return from === 'profile' ? (tmpfsOwner(chosen) ?? []) : [];
}

/** A --tmpfs whose options set no uid= or gid= of their own. */
function ownerless(opt: Opt): boolean {
  return canonical(opt.spec.long) === 'tmpfs' && !tmpfsHasOwner(opt.value);
}

/** runc mounts a --tmpfs over an image folder with the folder's owner and mode (root 0755), which the injected user cannot write. */
const userTmpfs: Inject = (view, ctx, out) => {
  const owner = injectedOwner(view, ctx);
  if (owner.length === 0) return;
  ctx.items.forEach((item, index) => {
    if (!item.opts.some(ownerless)) return;
    const words = item.opts.flatMap((opt) => (ownerless(opt) ? ['--tmpfs', tmpfsWithOwner(opt.value, owner)] : renderOpt(opt)));
    out.rewrites.push({ rule: 'tmpfs', item: index, words, note: `${item.words.join(' ')} -> ${words.join(' ')}` });
  });
};

/**
 * A new named volume's root takes the owner of the image folder under it (docker's copy-up),
 * root when there is none: sdocker gives it to the injected user between create and start
 * (src/volumes/), which the dry run says.
 */
const newVolumes: Inject = (view, ctx, out) => {
  const { user: chosen, from } = runUser(view, ctx);
  if (from !== 'profile' || chosen === undefined) return;
  for (const { name, target } of namedVolumes(view.values('volume'), view.values('mount')).filter((v) => !v.readOnly)) {
    if (ctx.facts.volumes?.get(name) !== false) continue;
    say(out, 'user', 'notice', `the new volume '${name}' at ${target}: sdocker gives the volume's root folder to user ${chosen} between the container's create and its start (docker leaves it to the owner of the image's ${target}, root if the image has none)`);
  }
};

export const USER_INJECTIONS: readonly Inject[] = [user, userTmpfs, newVolumes];
