// What learn may grant an image, as the image-profile keys it will write: a user from the
// image, tmpfs folders owned by it (with exec only where the image wrote code it runs there, and
// room for what it wrote), and (only as root) a few harmless capabilities. Each grant keeps the
// evidence that showed it was needed: what the image did under plain docker, or its log line.
import type { Policy } from '../policy/schema.js';

/** Capabilities learn may grant: none of them reaches the host (the rule table refuses the rest). */
export const HARMLESS_CAPS: ReadonlySet<string> = new Set(['CHOWN', 'SETUID', 'SETGID', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'SYS_CHROOT', 'KILL', 'NET_BIND_SERVICE', 'SETPCAP']);

export interface Evidence {
  readonly value: string;
  /** Why: the container's own line, or what was observed. */
  readonly why: string;
}

/** A writable folder: its own mount options (size=, mode=) and, separately provable, exec. */
export interface TmpfsGrant extends Evidence {
  readonly options: readonly string[];
  readonly exec: Evidence | undefined;
  /**
   * `uid=U,gid=G` of the folder's owner under plain docker, when that is not root (evidence.ts).
   * Granted (`owner`) only to a root container that failed to write there: postfix's master, root,
   * opens master.lock as postfix, which a root-owned tmpfs refuses; haproxy's master makes its
   * socket as root, which a tmpfs owned by haproxy refuses without DAC_OVERRIDE. A non-root run
   * user owns its tmpfs folders anyway (the policy's rule).
   */
  readonly referenceOwner: string | undefined;
  readonly owner: Evidence | undefined;
}

export interface Grants {
  /** UID:GID; undefined: the policy's (or the user's own --user). */
  readonly user: Evidence | undefined;
  readonly tmpfs: readonly TmpfsGrant[];
  /** Only with a root user. */
  readonly caps: readonly Evidence[];
}

export const NO_GRANTS: Grants = { user: undefined, tmpfs: [], caps: [] };

export function isRoot(grants: Grants): boolean {
  return grants.user !== undefined && /^0(:|$)/.test(grants.user.value);
}

/** A tmpfs grant with no options of its own. */
export function folder(value: string, why: string, options: readonly string[] = []): TmpfsGrant {
  return { value, why, options, exec: undefined, referenceOwner: undefined, owner: undefined };
}

/** The tmpfs.paths entry of a grant: `PATH` or `PATH:OPTIONS` (see policy/defaults.ts tmpfsValue). */
export function tmpfsEntry(grant: TmpfsGrant, root: boolean): string {
  const options = [...(grant.exec === undefined ? [] : ['exec']), ...grant.options, ...(root && grant.owner !== undefined ? [grant.owner.value] : [])];
  return options.length === 0 ? grant.value : `${grant.value}:${options.join(',')}`;
}

/** The policy a trial runs under: the user's policy plus these grants, nothing else loosened. */
export function grantedPolicy(policy: Policy, grants: Grants): Policy {
  const granted = new Set(grants.tmpfs.map((g) => g.value));
  const paths = [...policy.tmpfs.paths.filter((p) => !granted.has(p)), ...grants.tmpfs.map((g) => tmpfsEntry(g, isRoot(grants)))];
  return {
    ...policy,
    user: grants.user?.value ?? policy.user,
    tmpfs: { ...policy.tmpfs, paths },
    capabilities: { ...policy.capabilities, add: [...policy.capabilities.add, ...grants.caps.map((g) => g.value)] },
  };
}

export function describeGrants(grants: Grants): string {
  const parts = [
    grants.user === undefined ? undefined : `user ${grants.user.value}`,
    grants.tmpfs.length === 0 ? undefined : `tmpfs ${grants.tmpfs.map(describeTmpfs).join(' ')}`,
    grants.caps.length === 0 ? 'no capabilities' : `capabilities ${grants.caps.map((g) => g.value).join(' ')}`,
  ];
  return parts.filter((p) => p !== undefined).join(', ');
}

export function describeTmpfs(grant: TmpfsGrant): string {
  const options = [...(grant.exec === undefined ? [] : ['exec']), ...grant.options, ...(grant.owner === undefined ? [] : [grant.owner.value])];
  return options.length === 0 ? grant.value : `${grant.value}(${options.join(',')})`;
}

/** The grants without one of them (for minimising): a tmpfs's exec or owner alone, or a whole grant. */
export function without(grants: Grants, drop: Evidence): Grants {
  // Capabilities are granted to root only: without root they go too.
  const rootDropped = grants.user === drop && isRoot(grants);
  return {
    user: grants.user === drop ? undefined : grants.user,
    tmpfs: grants.tmpfs.filter((g) => g !== drop).map((g) => (g.exec === drop ? { ...g, exec: undefined } : g.owner === drop ? { ...g, owner: undefined } : g)),
    caps: rootDropped ? [] : grants.caps.filter((g) => g !== drop),
  };
}

/** Every grant in the order minimising drops them: folders, then exec and owners on the folders kept, capabilities, the user. */
export function allGrants(grants: Grants): Evidence[] {
  const parts = grants.tmpfs.flatMap((g) => [g.exec, g.owner].filter((e): e is Evidence => e !== undefined));
  return [...grants.tmpfs, ...parts, ...grants.caps, ...(grants.user === undefined ? [] : [grants.user])];
}
