// What learn may grant an image, as the image-profile keys it will write: a user from the
// image, tmpfs folders owned by it, and (only as root) a few harmless capabilities. Each grant
// keeps the log line that showed it was needed.
import type { Policy } from '../policy/schema.js';

/** Capabilities learn may grant: none of them reaches the host (the rule table refuses the rest). */
export const HARMLESS_CAPS: ReadonlySet<string> = new Set(['CHOWN', 'SETUID', 'SETGID', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'SYS_CHROOT', 'KILL', 'NET_BIND_SERVICE', 'SETPCAP']);

export interface Evidence {
  readonly value: string;
  /** Why: the container's own line, or what was observed. */
  readonly why: string;
}

export interface Grants {
  /** UID:GID; undefined: the policy's (or the user's own --user). */
  readonly user: Evidence | undefined;
  readonly tmpfs: readonly Evidence[];
  /** Only with a root user. */
  readonly caps: readonly Evidence[];
}

export const NO_GRANTS: Grants = { user: undefined, tmpfs: [], caps: [] };

export function isRoot(grants: Grants): boolean {
  return grants.user !== undefined && /^0(:|$)/.test(grants.user.value);
}

/** The policy a trial runs under: the user's policy plus these grants, nothing else loosened. */
export function grantedPolicy(policy: Policy, grants: Grants): Policy {
  const paths = [...policy.tmpfs.paths, ...grants.tmpfs.map((g) => g.value).filter((p) => !policy.tmpfs.paths.includes(p))];
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
    grants.tmpfs.length === 0 ? undefined : `tmpfs ${grants.tmpfs.map((g) => g.value).join(' ')}`,
    grants.caps.length === 0 ? 'no capabilities' : `capabilities ${grants.caps.map((g) => g.value).join(' ')}`,
  ];
  return parts.filter((p) => p !== undefined).join(', ');
}

/** The grants without one of them (for minimising). */
export function without(grants: Grants, drop: Evidence): Grants {
  return {
    user: grants.user === drop ? undefined : grants.user,
    tmpfs: grants.tmpfs.filter((g) => g !== drop),
    caps: grants.caps.filter((g) => g !== drop),
  };
}

export function allGrants(grants: Grants): Evidence[] {
  return [...grants.tmpfs, ...grants.caps, ...(grants.user === undefined ? [] : [grants.user])];
}
