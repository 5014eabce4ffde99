// The user a service runs as (CIS 4.1), and keeping what the file adds working under the user
// sdocker sets: cap_add and privileged need root (docker gives a non-root process no
// capabilities), and a tmpfs over an image folder needs the user's uid/gid (runc mounts it with
// the folder's owner and mode, root 0755).
import { tmpfsHasOwner, tmpfsOwner, tmpfsWithOwner } from '../../policy/defaults.js';
import type { Path } from '../../yaml/index.js';
import { list, strings, type ServiceEdit, type ServiceView } from './types.js';

/** Who chose the user: the file, sdocker's profile, or nobody (root); `capabilities`: root for the file's cap_add. */
export type ServiceUserSource = 'file' | 'profile' | 'capabilities' | 'nobody';

/** The user the service runs as ('' for root), as far as the file tells: compose cannot see the image's USER. */
export function serviceUser(service: ServiceView): { user: string; from: ServiceUserSource } {
  const own = service.data['user'];
  if (own !== undefined && own !== null) return { user: String(own), from: 'file' };
  if (service.policy.user === '') return { user: '', from: 'nobody' };
  if (addedCapabilities(service) !== undefined) return { user: '', from: 'capabilities' };
  return { user: service.policy.user, from: 'profile' };
}

/** The file's own capability grants, as a finding names them, with where they are written. */
function addedCapabilities(service: ServiceView): { what: string; path: Path } | undefined {
  const caps = strings(service.data['cap_add']);
  if (caps.length > 0) return { what: `cap_add ${caps.join(',')}`, path: ['cap_add'] };
  const privileged = service.data['privileged'];
  return privileged === true || privileged === 'true' ? { what: 'privileged: true', path: ['privileged'] } : undefined;
}

/** The service's own short-syntax tmpfs entries given the owner of the user sdocker sets. */
export function ownTmpfsEdits(service: ServiceView, out: ServiceEdit[]): void {
  const { user, from } = serviceUser(service);
  const owner = from === 'profile' ? (tmpfsOwner(user) ?? []) : [];
  // Replaced where the file writes them (a base's entries merge beside, not over, v1 merge_list_or_string).
  const value = (service.written ?? service.data)['tmpfs'];
  if (owner.length === 0 || value === undefined || value === null) return;
  strings(value).forEach((entry, i) => {
    if (tmpfsHasOwner(entry)) return;
    const owned = tmpfsWithOwner(entry, owner);
    out.push({ rule: 'tmpfs', service: service.name, edit: { kind: 'replace', path: Array.isArray(value) ? ['tmpfs', i] : ['tmpfs'], value: owned }, note: `tmpfs: ${owned}` });
  });
}

export interface UserNote {
  readonly rule: 'user' | 'tmpfs';
  /** Under the service. */
  readonly path: Path;
  readonly message: string;
}

/** What the file adds that the user sdocker sets (or does not set) changes: warnings for the report. */
export function userNotes(service: ServiceView): UserNote[] {
  const { user, from } = serviceUser(service);
  const caps = addedCapabilities(service);
  if (from === 'capabilities' && caps !== undefined) {
    return [{ rule: 'user', path: caps.path, message: `${caps.what}: user ${service.policy.user} not set (a non-root user gets no capabilities); the service runs as root unless its image sets a USER (CIS 4.1)` }];
  }
  const owner = tmpfsOwner(user) ?? [];
  if (from !== 'profile' || owner.length === 0) return [];
  const notes: UserNote[] = [];
  list(service.data['volumes']).forEach((volume, i) => {
    const v = volume as { type?: unknown; target?: unknown } | null;
    if (typeof v !== 'object' || v === null || v.type !== 'tmpfs') return;
    const target = String(v.target);
    notes.push({ rule: 'tmpfs', path: ['volumes', i], message: `the tmpfs at ${target} is mounted with the image folder's owner (root) and the long syntax cannot set one: user ${user} cannot write there; write it as tmpfs: ["${tmpfsWithOwner(target, owner)}"]` });
  });
  return notes;
}
