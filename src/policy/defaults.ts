// Values derived from the policy that `run` and `harden` both inject: the capabilities granted
// back, the tmpfs mounts with their owner (also on the user's own tmpfs), and the address ports
// are bound to.
import { normalizeCap } from './refusals.js';
import type { Policy } from './schema.js';

/** Root in the container: no user, `root`, uid 0 written any way (`0`, `00`: measured, docker runs both as uid 0), with or without a group. */
export function isRootUser(user: string): boolean {
  const name = user.split(':')[0] ?? '';
  return name === '' || name === 'root' || /^0+$/.test(name);
}

/** Capabilities added after --cap-drop ALL: always `add`, and `asRoot` when the user is root. */
export function grantedCaps(policy: Policy, user: string | undefined): string[] {
  const { add, asRoot } = policy.capabilities;
  return [...new Set([...add, ...(user === undefined || isRootUser(user) ? asRoot : [])].map(normalizeCap))];
}

/**
 * runc applies the image's mode to a tmpfs and ignores `mode=`, so ownership is the way to let
 * a non-root user write: `uid=`/`gid=` of a numeric user; none for root; undefined for a user
 * given by name (its ids are unknown here).
 */
export function tmpfsOwner(user: string | undefined): string[] | undefined {
  if (user === undefined || isRootUser(user)) return [];
  const match = /^(\d+)(?::(\d+))?$/.exec(user);
  if (match === null) return undefined;
  return match[2] === undefined ? [`uid=${match[1]}`] : [`uid=${match[1]}`, `gid=${match[2]}`];
}

/** Whether a `--tmpfs PATH[:OPTIONS]` value sets its own uid= or gid=. */
export function tmpfsHasOwner(value: string): boolean {
  return /^[^:]*:(.*,)?\s*(uid|gid)=/.test(value);
}

/** `PATH[:OPTIONS]` with the owner appended; the options written are kept byte for byte. */
export function tmpfsWithOwner(value: string, owner: readonly string[]): string {
  const colon = value.indexOf(':');
  if (colon === -1) return `${value}:${owner.join(',')}`;
  return `${value}${colon === value.length - 1 ? '' : ','}${owner.join(',')}`;
}

/**
 * `PATH:OPTIONS` of a tmpfs mount as the policy writes it. An entry of tmpfs.paths may carry
 * options of its own after a colon, as docker's --tmpfs does (`/var/lib/varnish:exec,size=144m`,
 * what sdocker learn writes for a folder a program maps code from): each replaces the policy's
 * option of the same name (`exec` replaces `noexec`, `size=` the size).
 */
export function tmpfsValue(policy: Policy, entry: string, owner: readonly string[]): string {
  const { options, size } = policy.tmpfs;
  const path = tmpfsPath(entry);
  const own = entry.slice(path.length + 1).split(',').filter((o) => o !== '');
  const base = [...options.split(','), size === '' ? '' : `size=${size}`].filter((o) => o !== '' && !own.some((mine) => sameOption(mine, o)));
  // An entry that names its own owner keeps it (a root program that drops to its service user).
  const opts = [...base, ...own, ...(own.some((o) => /^(uid|gid)=/.test(o)) ? [] : owner)].join(',');
  return opts === '' ? path : `${path}:${opts}`;
}

/** The container path of a tmpfs.paths entry (before its own options). */
export function tmpfsPath(entry: string): string {
  const colon = entry.indexOf(':');
  return colon === -1 ? entry : entry.slice(0, colon);
}

/** Two mount options that set the same thing: `exec`/`noexec`, `size=1m`/`size=2m`. */
function sameOption(a: string, b: string): boolean {
  const key = (o: string): string => (o.includes('=') ? o.split('=')[0] ?? o : o.replace(/^no/, ''));
  return key(a) === key(b) && (a.includes('=') === b.includes('='));
}

/** The policy's bind address as a port mapping takes it: an IPv6 address in brackets. */
export function bindAddress(policy: Policy): string {
  const address = policy.ports.bindAddress;
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}
