// The run engine's defaults as a container's securityContext, resources and volumes. A field
// the manifest sets is kept; only what is missing is added (as harden does for compose).
// - user: runAsUser/runAsGroup of the image profile (a manifest takes ids only); not when the
//   file grants what only root gets (privileged, capabilities beyond NET_BIND_SERVICE).
// - capabilities: drop ALL; add back the profile's grants for that user, and NET_BIND_SERVICE for
//   a non-root container that listens below 1024 (Pod Security Standards "restricted" allows only
//   that one; pod-edits.ts also lowers the port start with a sysctl, which a kubelet applies).
// - readOnlyRootFilesystem with an emptyDir (medium: Memory, sizeLimit) at each scratch path of
//   the profile: a kubelet's emptyDir is empty and world-writable (0777), so no owner is needed.
// - resources.limits memory and cpu: the profile's, or a request above it (the API server
//   refuses a limit below the request); a limit of the file's above the profile's is warned about.
import { dangerousGrants } from '../policy/grants.js';
import { grantedCaps } from '../policy/defaults.js';
import { isAllowed, normalizeCap } from '../policy/refusals.js';
import type { Path } from '../yaml/index.js';
import { containerUser, privilegedPorts, securityContext, type ContainerView } from './containers.js';
import { cpuQuantity, memoryQuantity, readQuantity } from './quantity.js';
import { k8sRefusalMessage, type K8sRefusal } from './refuse.js';
import { items, mapping, type K8sEdit, type K8sFinding, type K8sRule } from './types.js';

export type Note = Pick<K8sFinding, 'rule' | 'level' | 'message'> & { readonly path: Path };

export class Edits {
  readonly edits: K8sEdit[] = [];
  readonly notes: Note[] = [];

  constructor(
    private readonly doc: number,
    private readonly service: string,
  ) {}

  set(rule: K8sRule, path: Path, value: unknown, note: string): void {
    this.edits.push({ doc: this.doc, kind: 'set', path, value, rule, service: this.service, note });
  }

  append(rule: K8sRule, path: Path, value: unknown, note: string): void {
    this.edits.push({ doc: this.doc, kind: 'append', path, value, rule, service: this.service, note });
  }

  note(rule: K8sRule, level: Note['level'], path: Path, message: string): void {
    this.notes.push({ rule, level, path, message });
  }
}

/** The dangerous capabilities the profile would grant this container: refused unless allowed, and then not written. */
export function grantRefusals(c: ContainerView, root: boolean): K8sRefusal[] {
  return dangerousGrants(c.policy, root).map((violation) => ({ violation, path: [...c.path, 'image'], service: c.label, allowed: isAllowed(violation, c.allow), message: k8sRefusalMessage(violation) }));
}

/** A scratch volume's name: `sd-CONTAINER-PATH`, a DNS label of at most 63 characters. */
export function scratchName(container: string, path: string): string {
  const slug = `sd-${container}-${path}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/-$/, '');
  return slug.length <= 63 ? slug : `${slug.slice(0, 54)}-${hash(slug)}`;
}

function hash(text: string): string {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, '0');
}

export function containerEdits(c: ContainerView, e: Edits, refused: ReadonlySet<string>): void {
  const sc = securityContext(c);
  const at = [...c.path, 'securityContext'];
  const user = containerUser(c);
  if (user.from === 'profile' && user.uid !== undefined) {
    e.set('user', [...at, 'runAsUser'], user.uid, `runAsUser: ${user.uid}`);
    if (user.gid !== undefined && sc['runAsGroup'] === undefined) e.set('user', [...at, 'runAsGroup'], user.gid, `runAsGroup: ${user.gid}`);
  }
  if (c.policy.noNewPrivileges && sc['allowPrivilegeEscalation'] === undefined) e.set('no-new-privileges', [...at, 'allowPrivilegeEscalation'], false, 'allowPrivilegeEscalation: false');
  capabilityEdits(c, e, refused, user.uid === undefined || user.uid === 0 ? '' : String(user.uid));
  if (c.policy.readOnly && sc['readOnlyRootFilesystem'] === undefined) e.set('read-only', [...at, 'readOnlyRootFilesystem'], true, 'readOnlyRootFilesystem: true');
  limitEdits(c, e);
  // A hostPort is published on the node's interfaces, as docker -p publishes on the host's (CIS 5.14): bound to the policy's address.
  const bind = c.policy.ports.bindAddress;
  items(c.data['ports']).forEach((port, i) => {
    const p = mapping(port) ?? {};
    if (bind !== '' && p['hostPort'] !== undefined && Number(p['hostPort']) !== 0 && p['hostIP'] === undefined) e.set('loopback-ports', [...c.path, 'ports', i, 'hostIP'], bind, `ports[${i}].hostIP: ${bind} (hostPort ${String(p['hostPort'])})`);
  });
}

function capabilityEdits(c: ContainerView, e: Edits, refused: ReadonlySet<string>, user: string): void {
  const caps = mapping(securityContext(c)['capabilities']) ?? {};
  const at = [...c.path, 'securityContext', 'capabilities'];
  if (!items(caps['drop']).map((cap) => normalizeCap(String(cap))).includes('ALL')) e.append('cap-drop', [...at, 'drop'], 'ALL', 'capabilities.drop: ALL');
  const added = new Set(items(caps['add']).map((cap) => normalizeCap(String(cap))));
  const bind = user !== '' && privilegedPorts(c).length > 0 ? ['NET_BIND_SERVICE'] : [];
  for (const cap of [...grantedCaps(c.policy, user), ...bind]) {
    if (added.has(cap) || refused.has(cap)) continue;
    added.add(cap);
    const why = bind.includes(cap) ? ` (a non-root user listening on port ${privilegedPorts(c).join(', ')})` : '';
    e.append('cap-drop', [...at, 'add'], cap, `capabilities.add: ${cap}${why}`);
  }
}

/** resources.limits memory and cpu; requests are left to the file (a kubelet takes the limit for a missing request). */
function limitEdits(c: ContainerView, e: Edits): void {
  const resources = mapping(c.data['resources']) ?? {};
  const limits = mapping(resources['limits']) ?? {};
  const requests = mapping(resources['requests']) ?? {};
  for (const [key, rule, profile] of [
    ['memory', 'memory', memoryQuantity(c.policy.limits.memory)],
    ['cpu', 'cpus', cpuQuantity(c.policy.limits.cpus)],
  ] as const) {
    const path = [...c.path, 'resources', 'limits', key];
    const own = limits[key];
    if (own !== undefined) {
      const [given, bound] = [readQuantity(own), readQuantity(profile)];
      if (given !== undefined && bound !== undefined && given > bound) e.note(rule, 'warning', path, `limits.${key} ${String(own)} is above the profile's ${profile ?? ''}`);
      continue;
    }
    if (profile === undefined) continue;
    const request = requests[key];
    const above = request !== undefined && (readQuantity(request) ?? 0) > (readQuantity(profile) ?? 0);
    if (above) e.note(rule, 'warning', [...c.path, 'resources', 'requests', key], `the ${key} request ${String(request)} is above the profile's limit ${profile}: the limit added is ${String(request)} (the API server refuses a limit below the request)`);
    const value = above ? String(request) : profile;
    e.set(rule, path, value, `resources.limits.${key}: ${value}`);
  }
}
