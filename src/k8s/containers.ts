// The containers of a pod as sdocker judges them: each with the policy of its image (profiles and
// the user's config, as run and compose load it) and the user it will run as.
import { isRootUser } from '../policy/defaults.js';
import { normalizeCap } from '../policy/refusals.js';
import type { Policy } from '../policy/schema.js';
import type { Path } from '../yaml/index.js';
import { items, mapping, type Mapping } from './types.js';
import type { PodView } from './workloads.js';

/** initContainers run before the others with the same securityContext rules (Pod Security Standards name both). */
export const CONTAINER_LISTS = ['initContainers', 'containers'] as const;

export interface ContainerView {
  readonly pod: PodView;
  /** Where the container is in the document. */
  readonly path: Path;
  readonly data: Mapping;
  readonly name: string;
  /** `Kind/name/container`. */
  readonly label: string;
  readonly image: string;
  readonly policy: Policy;
  /** Refusals lifted for it: the command line's, the policy's, the object's x-sdocker/allow annotation. */
  readonly allow: readonly string[];
}

export function podContainers(pod: PodView): { path: Path; data: Mapping }[] {
  return CONTAINER_LISTS.flatMap((list) => items(pod.spec[list]).map((data, i) => ({ path: [...pod.specPath, list, i], data: mapping(data) ?? {} })));
}

export function securityContext(container: ContainerView): Mapping {
  return mapping(container.data['securityContext']) ?? {};
}

export function podSecurityContext(pod: PodView): Mapping {
  return mapping(pod.spec['securityContext']) ?? {};
}

/** Who sets the user: the container, the pod, sdocker's profile, or nobody (root, or the image's USER: unseen here); `capabilities`: root for the file's grants. */
export type UserSource = 'file' | 'profile' | 'capabilities' | 'nobody';

/** The uid and gid a container runs as, as far as the manifest and the profile tell. */
export function containerUser(c: ContainerView): { uid: number | undefined; gid: number | undefined; from: UserSource } {
  const own = securityContext(c);
  const pod = podSecurityContext(c.pod);
  const uid = own['runAsUser'] ?? pod['runAsUser'];
  if (uid !== undefined) return { uid: Number(uid), gid: numberOr(own['runAsGroup'] ?? pod['runAsGroup']), from: 'file' };
  const profile = profileUser(c.policy);
  if (profile === undefined) return { uid: undefined, gid: undefined, from: 'nobody' };
  if (rootGrants(c).length > 0) return { uid: undefined, gid: undefined, from: 'capabilities' };
  return { ...profile, from: 'profile' };
}

/** The profile's user as numbers; undefined for root, none, or a name (a manifest takes only ids). */
export function profileUser(policy: Policy): { uid: number; gid: number | undefined } | undefined {
  const match = /^(\d+)(?::(\d+))?$/.exec(policy.user);
  if (match === null || isRootUser(policy.user)) return undefined;
  return { uid: Number(match[1]), gid: match[2] === undefined ? undefined : Number(match[2]) };
}

/** What the file itself grants that only root gets (compose's rule, user.ts): privileged, or capabilities beyond NET_BIND_SERVICE. */
export function rootGrants(c: ContainerView): string[] {
  const sc = securityContext(c);
  const caps = items(mapping(sc['capabilities'])?.['add']).map((cap) => normalizeCap(String(cap))).filter((cap) => cap !== 'NET_BIND_SERVICE');
  return sc['privileged'] === true ? ['privileged', ...caps] : caps;
}

/** Whether the container runs as root: uid 0, or no user known (the image's USER is not seen here; assumed root, as compose assumes). */
export function runsAsRoot(c: ContainerView): boolean {
  const { uid, from } = containerUser(c);
  if (from === 'nobody' || from === 'capabilities') return podSecurityContext(c.pod)['runAsNonRoot'] !== true && securityContext(c)['runAsNonRoot'] !== true;
  return uid === 0;
}

/** The ports below 1024 the container says it listens on (containerPort). */
export function privilegedPorts(c: ContainerView): number[] {
  return items(c.data['ports']).map((p) => Number(mapping(p)?.['containerPort'])).filter((port) => Number.isInteger(port) && port > 0 && port < 1024);
}

function numberOr(value: unknown): number | undefined {
  return value === undefined || value === null ? undefined : Number(value);
}
