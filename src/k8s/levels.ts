// The Pod Security Standards level a hardened pod meets, as sdocker reads its own result: what
// keeps it from "restricted" is said with the pod (rule pod-security), so a user whose namespace
// enforces restricted knows before applying it. The controls are the standard's
// (kubernetes.io/docs/concepts/security/pod-security-standards, v1.34): Baseline forbids host
// namespaces, privileged, capabilities beyond its list, hostPath, hostPort, unconfined seccomp
// or AppArmor, unmasked /proc and unsafe sysctls; Restricted also wants allowPrivilegeEscalation
// false, non-root users, RuntimeDefault or Localhost seccomp, drop ALL with only
// NET_BIND_SERVICE added, and only its volume types. (The tests check the same with a checker of
// their own, written from the standard's text.)
import { normalizeCap } from '../policy/refusals.js';
import { CONTAINER_LISTS } from './containers.js';
import { items, mapping, type Mapping } from './types.js';

const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

export interface PodLevel {
  readonly level: 'restricted' | 'baseline' | 'privileged';
  /** Why not baseline (privileged), and why not restricted. */
  readonly reasons: readonly string[];
}

export function podLevel(spec: Mapping): PodLevel {
  const baseline: string[] = [];
  const restricted: string[] = [];
  const pod = mapping(spec['securityContext']) ?? {};
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[key] === true) baseline.push(`${key}: true`);
  for (const volume of items(spec['volumes']).map((v) => mapping(v) ?? {})) {
    if (volume['hostPath'] !== undefined) baseline.push(`hostPath volume ${String(volume['name'])}`);
    else if (!RESTRICTED_VOLUMES.some((type) => volume[type] !== undefined)) restricted.push(`volume ${String(volume['name'])} of a type restricted does not allow`);
  }
  for (const sysctl of items(pod['sysctls']).map((s) => String(mapping(s)?.['name']))) if (!SAFE_SYSCTLS.has(sysctl)) baseline.push(`sysctl ${sysctl}`);
  if (mapping(pod['seccompProfile'])?.['type'] === 'Unconfined') baseline.push('seccompProfile Unconfined');
  const podNonRoot = pod['runAsNonRoot'] === true;
  const podSeccomp = ['RuntimeDefault', 'Localhost'].includes(String(mapping(pod['seccompProfile'])?.['type']));
  if (pod['runAsUser'] === 0) restricted.push('runAsUser: 0');
  for (const list of CONTAINER_LISTS) {
    for (const c of items(spec[list]).map((x) => mapping(x) ?? {})) containerLevel(c, { podNonRoot, podSeccomp }, baseline, restricted);
  }
  if (baseline.length > 0) return { level: 'privileged', reasons: [...baseline, ...restricted] };
  return { level: restricted.length > 0 ? 'baseline' : 'restricted', reasons: restricted };
}

function containerLevel(c: Mapping, pod: { podNonRoot: boolean; podSeccomp: boolean }, baseline: string[], restricted: string[]): void {
  const name = String(c['name']);
  const sc = mapping(c['securityContext']) ?? {};
  const caps = mapping(sc['capabilities']) ?? {};
  if (sc['privileged'] === true) baseline.push(`${name}: privileged`);
  for (const cap of items(caps['add']).map((x) => normalizeCap(String(x)))) {
    if (!BASELINE_CAPS.has(cap)) baseline.push(`${name}: capability ${cap}`);
    else if (cap !== 'NET_BIND_SERVICE') restricted.push(`${name}: capability ${cap}`);
  }
  if (items(c['ports']).some((p) => Number(mapping(p)?.['hostPort'] ?? 0) !== 0)) baseline.push(`${name}: hostPort`);
  if (sc['procMount'] !== undefined && sc['procMount'] !== 'Default') baseline.push(`${name}: procMount ${String(sc['procMount'])}`);
  const seccomp = mapping(sc['seccompProfile'])?.['type'];
  if (seccomp === 'Unconfined') baseline.push(`${name}: seccompProfile Unconfined`);
  if (mapping(sc['appArmorProfile'])?.['type'] === 'Unconfined') baseline.push(`${name}: appArmorProfile Unconfined`);
  if (sc['allowPrivilegeEscalation'] !== false) restricted.push(`${name}: allowPrivilegeEscalation not false`);
  if (!items(caps['drop']).map((x) => normalizeCap(String(x))).includes('ALL')) restricted.push(`${name}: capabilities not dropped (drop ALL)`);
  if (sc['runAsNonRoot'] === false || (!pod.podNonRoot && sc['runAsNonRoot'] !== true)) restricted.push(`${name}: runAsNonRoot not true (runs as root, or as the image's user)`);
  if (sc['runAsUser'] === 0) restricted.push(`${name}: runAsUser: 0`);
  if (seccomp === undefined ? !pod.podSeccomp : !['RuntimeDefault', 'Localhost'].includes(String(seccomp))) restricted.push(`${name}: no RuntimeDefault or Localhost seccomp profile`);
}
