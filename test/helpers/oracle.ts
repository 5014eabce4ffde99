// The judge: what a created container can do to the host, read from `docker inspect` alone.
// Written apart from sdocker's own checks (src/policy) so a mistake there is not repeated
// here: a plain list of host roots, the daemon's own field values, and the host's files.
import { realpathSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Kind } from './dangers.js';

export interface Mount {
  Type: string;
  Source: string;
  Destination: string;
  RW: boolean;
  Name?: string;
  Driver?: string;
}

export interface Inspected {
  Id: string;
  Name: string;
  Mounts: Mount[] | null;
  HostConfig: {
    Privileged: boolean;
    NetworkMode: string;
    PidMode: string;
    IpcMode: string;
    UTSMode: string;
    UsernsMode: string;
    CgroupnsMode?: string;
    CapAdd: string[] | null;
    CapDrop: string[] | null;
    SecurityOpt: string[] | null;
    Devices: { PathOnHost: string; PathInContainer: string }[] | null;
    CgroupParent: string;
    MaskedPaths: string[] | null;
    ReadonlyRootfs: boolean;
  };
}

export interface VolumeInspected {
  Driver: string;
  Options: Record<string, string> | null;
}

/** Where the judge looks up what a container refers to. */
export interface World {
  container(ref: string): Inspected | undefined;
  volume(name: string): VolumeInspected | undefined;
  readonly dangerousCaps: readonly string[];
  /** A container created with no options: a namespace mode it has too is the engine's default, not a grant. */
  readonly baseline: Inspected;
}

export interface Finding {
  readonly kind: Kind | 'not-hardened';
  readonly detail: string;
}

// Refused in any mode, with everything below and every folder above: credentials, the
// engine's state and sockets, the kernel's views.
const SECRET = ['/var/lib/docker', '/var/lib/containerd', '/run', '/var/run', '/proc', '/sys', '/dev', '/root', '/boot',
  '/etc/shadow', '/etc/gshadow', '/etc/sudoers', '/etc/ssh', '/etc/ssl/private', '/etc/docker'];
// The folder itself and its ancestors in any mode; what is below only read-only.
const SYSTEM = ['/', '/etc', '/usr', '/bin', '/sbin', '/lib', '/lib64', '/var/log'];
const SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];

function within(path: string, root: string): boolean {
  return path === root || path.startsWith(root === '/' ? '/' : `${root}/`);
}

function hostPaths(path: string): string[] {
  const clean = resolve(path);
  try {
    return [...new Set([clean, realpathSync.native(clean)])];
  } catch {
    return [clean];
  }
}

/** Why binding `path` hands over the host, or undefined. */
export function hostPathDanger(path: string, writable: boolean): string | undefined {
  for (const p of hostPaths(path)) {
    if (basename(p) === 'docker.sock' || SOCKETS.some((s) => within(s, p))) return `${p} is or holds the engine socket`;
    const held = [...SECRET, ...SYSTEM].find((root) => within(root, p));
    if (held !== undefined) return `${p} is or holds ${held}`;
    const secret = SECRET.find((root) => within(p, root));
    if (secret !== undefined) return `${p} is below ${secret}`;
    const system = SYSTEM.find((root) => root !== '/' && within(p, root));
    if (system !== undefined && writable) return `${p} is writable below ${system}`;
  }
  return undefined;
}

function mountDangers(mount: Mount, world: World): Finding[] {
  if (mount.Type === 'bind') {
    const why = hostPathDanger(mount.Source, mount.RW);
    return why === undefined ? [] : [{ kind: 'bind', detail: `${mount.Source} -> ${mount.Destination}${mount.RW ? '' : ' (ro)'}: ${why}` }];
  }
  if (mount.Type !== 'volume' || mount.Name === undefined) return [];
  const options = world.volume(mount.Name)?.Options ?? {};
  const bound = (options['o'] ?? '').split(',').some((o) => o === 'bind' || o === 'rbind') || ['none', 'bind', 'rbind'].includes(options['type'] ?? '');
  const device = options['device'];
  if (!bound || device === undefined) return [];
  const why = hostPathDanger(device, mount.RW);
  return why === undefined ? [] : [{ kind: 'volume', detail: `volume ${mount.Name} binds ${device}: ${why}` }];
}

const NAMESPACES = [['network', 'NetworkMode'], ['pid', 'PidMode'], ['ipc', 'IpcMode'], ['uts', 'UTSMode'], ['userns', 'UsernsMode'], ['cgroupns', 'CgroupnsMode']] as const;

/**
 * `host`, or `container:X` where X is in the host's namespace of that kind (followed a few
 * steps); unless every container has it: on cgroup v1 the daemon's default cgroupns is `host`.
 */
function hostNamespace(c: Inspected, field: (typeof NAMESPACES)[number][1], world: World, depth = 0): boolean {
  const mode = c.HostConfig[field] ?? '';
  if (mode === 'host') return world.baseline.HostConfig[field] !== 'host';
  if (!mode.startsWith('container:') || depth > 3) return false;
  const other = world.container(mode.slice('container:'.length));
  return other !== undefined && hostNamespace(other, field, world, depth + 1);
}

/** Namespace kinds every container on this engine has as `host` (cgroupns on cgroup v1): inspect cannot tell a grant. */
export function engineDefaults(world: World): Kind[] {
  return NAMESPACES.filter(([, field]) => world.baseline.HostConfig[field] === 'host').map(([kind]) => kind);
}

function normalCap(cap: string): string {
  const upper = cap.toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}

/** The daemon's reading of SecurityOpt (moby daemon parseSecurityOpt): `key=value`, else `key:value`. */
function securityDangers(opts: readonly string[]): Finding[] {
  const found: Finding[] = [];
  let newPrivileges = true;
  for (const opt of opts) {
    const sep = opt.includes('=') ? '=' : ':';
    const [key = opt, value = ''] = opt.includes(sep) ? [opt.slice(0, opt.indexOf(sep)), opt.slice(opt.indexOf(sep) + 1)] : [opt];
    if (opt === 'no-new-privileges') newPrivileges = false;
    else if (key === 'no-new-privileges') newPrivileges = !['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value);
    if (key === 'no-new-privileges' && ['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) found.push({ kind: 'new-privileges', detail: opt });
    if ((key === 'seccomp' || key === 'apparmor') && value === 'unconfined') found.push({ kind: key, detail: opt });
    // The client sends a profile file's text: one whose default lets every unlisted call run filters nothing.
    if (key === 'seccomp' && value.startsWith('{') && allowsByDefault(value)) found.push({ kind: 'seccomp', detail: `seccomp profile ${value.slice(0, 40)}` });
    if (key === 'label' && value === 'disable') found.push({ kind: 'label', detail: opt });
  }
  if (newPrivileges && !found.some((f) => f.kind === 'new-privileges')) found.push({ kind: 'new-privileges', detail: 'no-new-privileges is not on' });
  return found;
}

function allowsByDefault(json: string): boolean {
  try {
    const profile = JSON.parse(json) as { defaultAction?: unknown };
    return profile.defaultAction === undefined || profile.defaultAction === 'SCMP_ACT_ALLOW' || profile.defaultAction === 'SCMP_ACT_LOG';
  } catch {
    return false;
  }
}

/** A host block device, or memory and I/O ports. */
function hostDevice(path: string): boolean {
  const paths = hostPaths(path);
  if (paths.some((p) => ['/dev/mem', '/dev/kmem', '/dev/port'].includes(p))) return true;
  if (paths.some((p) => /^\/dev\/(sd|vd|xvd|hd|nvme|loop|dm-|md|mmcblk|zram)/.test(p))) return true;
  return paths.some((p) => statSync(p, { throwIfNoEntry: false })?.isBlockDevice() === true);
}

/**
 * Every danger docker inspect shows. `hardened`: also what sdocker always sets (capabilities
 * dropped, read-only root), for a container sdocker made.
 */
export function findDangers(c: Inspected, world: World, hardened: boolean): Finding[] {
  const host = c.HostConfig;
  const found: Finding[] = [];
  if (host.Privileged) found.push({ kind: 'privileged', detail: 'Privileged' });
  for (const [kind, field] of NAMESPACES) if (hostNamespace(c, field, world)) found.push({ kind, detail: `${field} ${host[field] ?? ''}` });
  for (const cap of host.CapAdd ?? []) if (world.dangerousCaps.includes(normalCap(cap))) found.push({ kind: 'cap', detail: `CapAdd ${cap}` });
  for (const mount of c.Mounts ?? []) found.push(...mountDangers(mount, world));
  for (const device of host.Devices ?? []) if (hostDevice(device.PathOnHost)) found.push({ kind: 'device', detail: `Devices ${device.PathOnHost}` });
  found.push(...securityDangers(host.SecurityOpt ?? []));
  // The CLI turns systempaths=unconfined into empty masked and read-only path lists.
  if (host.MaskedPaths !== null && host.MaskedPaths.length === 0) found.push({ kind: 'systempaths', detail: 'MaskedPaths []' });
  if (host.CgroupParent !== '') found.push({ kind: 'cgroup-parent', detail: `CgroupParent ${host.CgroupParent}` });
  if (hardened && !(host.CapDrop ?? []).some((cap) => normalCap(cap) === 'ALL')) found.push({ kind: 'not-hardened', detail: 'CapDrop lacks ALL' });
  if (hardened && !host.ReadonlyRootfs) found.push({ kind: 'not-hardened', detail: 'root file system writable' });
  // sdocker asks for a private cgroup namespace (API 1.41): on cgroup v1 the host's is the engine's default, not a grant, so only this sees it.
  if (hardened && host.CgroupnsMode === 'host') found.push({ kind: 'cgroupns', detail: 'CgroupnsMode host (sdocker asks for private)' });
  return found;
}
