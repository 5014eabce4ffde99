// The pod-wide part of the hardening: the PodSpec fields that hold for every container.
// - automountServiceAccountToken: false unless the pod names a service account (it was given
//   one to call the API) or sets the field itself (CIS Kubernetes Benchmark 5.1.6).
// - securityContext.runAsNonRoot: true once every container has a non-root user; seccompProfile
//   RuntimeDefault (or the Localhost profile named with --seccomp) unless every container has one.
// - sysctls net.ipv4.ip_unprivileged_port_start=0 when a container runs as a non-root user:
//   docker sets it in every container's network namespace (engine >= 20.10), and the image
//   profiles were measured so (nginx as 101 binds port 80 with no capability); a kubelet does not
//   set it, and with containerd a capability added for a non-root user reaches only its bounding
//   set (no ambient capabilities: kubernetes/kubernetes#56374), so NET_BIND_SERVICE alone does not
//   let the process bind. Written for every such pod, since a manifest need not declare the ports
//   its image listens on. It is one of the "safe" sysctls every Pod Security level allows.
// - fsGroup: the run user's group when the pod mounts a PersistentVolumeClaim, so a fresh
//   volume (root-owned) is the user's to write (a kubelet chowns it to fsGroup, setgid).
import type { Path } from '../yaml/index.js';
import { containerUser, podSecurityContext, securityContext, type ContainerView } from './containers.js';
import { scratchName, type Edits } from './container-edits.js';
import { memoryQuantity } from './quantity.js';
import { items, mapping } from './types.js';
import type { PodView } from './workloads.js';

const PORT_START = 'net.ipv4.ip_unprivileged_port_start';

export interface PodOptions {
  /** A Localhost seccomp profile (relative to the kubelet's seccomp folder) instead of RuntimeDefault. */
  readonly seccomp?: string;
}

export function podEdits(pod: PodView, containers: readonly ContainerView[], e: Edits, options: PodOptions): void {
  const at = [...pod.specPath, 'securityContext'];
  const sc = podSecurityContext(pod);
  const account = pod.spec['serviceAccountName'] ?? pod.spec['serviceAccount'];
  if (pod.spec['automountServiceAccountToken'] === undefined) {
    if (account === undefined || account === 'default') e.set('service-account-token', [...pod.specPath, 'automountServiceAccountToken'], false, 'automountServiceAccountToken: false');
    else e.note('service-account-token', 'note', [...pod.specPath, 'serviceAccountName'], `the API token of service account ${String(account)} stays mounted: a pod that names an account is taken to call the API; set automountServiceAccountToken: false if it does not`);
  }
  const users = containers.map(containerUser);
  if (sc['runAsNonRoot'] === undefined && users.length > 0 && users.every((u) => u.uid !== undefined && u.uid !== 0)) e.set('user', [...at, 'runAsNonRoot'], true, 'securityContext.runAsNonRoot: true');
  const own = containers.every((c) => mapping(securityContext(c)['seccompProfile']) !== undefined);
  if (sc['seccompProfile'] === undefined && !own) {
    const profile = options.seccomp === undefined ? { type: 'RuntimeDefault' } : { type: 'Localhost', localhostProfile: options.seccomp };
    e.set('seccomp', [...at, 'seccompProfile'], profile, `securityContext.seccompProfile: ${options.seccomp === undefined ? 'RuntimeDefault' : `Localhost ${options.seccomp}`}`);
  }
  const nonRoot = users.some((u) => u.uid !== undefined && u.uid !== 0);
  const sysctls = items(sc['sysctls']).map((s) => mapping(s)?.['name']);
  if (nonRoot && pod.spec['hostNetwork'] !== true && !sysctls.includes(PORT_START)) e.append('cap-drop', [...at, 'sysctls'], { name: PORT_START, value: '0' }, `securityContext.sysctls: ${PORT_START}=0 (a non-root user binds ports below 1024, as under docker)`);
  const groups = [...new Set(users.map((u) => u.gid))];
  const claims = items(pod.spec['volumes']).some((v) => mapping(v)?.['persistentVolumeClaim'] !== undefined);
  const [group] = groups;
  if (claims && sc['fsGroup'] === undefined && groups.length === 1 && group !== undefined && group !== 0) e.set('user', [...at, 'fsGroup'], group, `securityContext.fsGroup: ${group} (its volume claims become the run user's group's to write)`);
  for (const [i, c] of containers.entries()) claimNotes(pod, c, users[i]?.from === 'profile', e);
  for (const c of containers) scratchEdits(pod, c, e);
  e.note('pids-limit', 'note', pod.specPath, "left to each node's kubelet: the pids limit (podPidsLimit), log rotation (containerLogMaxSize), the open-files limit (the runtime's), and a bound on restarts (a pod restarts with back-off, without a count)");
}

/**
 * A claim mounted by a container whose user sdocker sets: a fresh volume is root's, and a
 * kubelet gives it to fsGroup (group-writable, setgid). Enough for a server that writes there;
 * not for one that checks it owns the folder (PostgreSQL refuses a data folder it does not own,
 * which the image's root start would have chowned): said, so it is not found in production.
 */
function claimNotes(pod: PodView, c: ContainerView, ours: boolean, e: Edits): void {
  if (!ours) return;
  const claims = new Set(items(pod.spec['volumes']).filter((v) => mapping(v)?.['persistentVolumeClaim'] !== undefined).map((v) => mapping(v)?.['name']));
  items(c.data['volumeMounts']).forEach((m, i) => {
    const mount = mapping(m) ?? {};
    if (!claims.has(mount['name'])) return;
    e.note('user', 'warning', [...c.path, 'volumeMounts', i], `${c.name} runs as user ${c.policy.user}, not as root: a fresh claim mounted at ${String(mount['mountPath'])} is root's, given to the group by fsGroup; a server that must own its data folder (PostgreSQL) fails there until the volume is its user's (chown it once, or start the image as root: Pod Security baseline)`);
  });
}

/** An emptyDir (medium: Memory, sizeLimit) at each scratch path of the profile the container does not mount, under a read-only root. */
function scratchEdits(pod: PodView, c: ContainerView, e: Edits): void {
  const readOnly = securityContext(c)['readOnlyRootFilesystem'];
  if (readOnly === false || (readOnly === undefined && !c.policy.readOnly)) return;
  const mounted = new Set(items(c.data['volumeMounts']).map((m) => mapping(m)?.['mountPath']));
  const volumes = new Set(items(pod.spec['volumes']).map((v) => mapping(v)?.['name']));
  const size = memoryQuantity(c.policy.tmpfs.size);
  for (const path of c.policy.tmpfs.paths.filter((p) => !mounted.has(p))) {
    const name = scratchName(c.name, path);
    const volumesAt: Path = [...pod.specPath, 'volumes'];
    if (!volumes.has(name)) e.append('tmpfs', volumesAt, { name, emptyDir: { medium: 'Memory', ...(size === undefined ? {} : { sizeLimit: size }) } }, `volumes: ${name} (emptyDir, medium: Memory${size === undefined ? '' : `, sizeLimit: ${size}`})`);
    volumes.add(name);
    e.append('tmpfs', [...c.path, 'volumeMounts'], { name, mountPath: path }, `volumeMounts: ${name} at ${path}`);
  }
}
