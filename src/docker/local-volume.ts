// What a `local` volume mounts, read from its options (docker volume create --opt, --mount
// volume-opt=..., compose driver_opts) as the driver hands them to mount(2): moby
// volume/local/local_unix.go reads exactly the keys `type`, `device` and `o` (any other key,
// `Type` too, is "invalid option"), then moby/sys/mount.Mount(device, _data, type, o) runs in
// dockerd's own namespaces. `o` is split at commas and each field matched exactly against its
// flag table (`bind`, `rbind`: MS_BIND); the rest is the filesystem's data. With MS_BIND the
// kernel ignores the type and binds `device`; otherwise the type decides what `device` is.
import { isAbsolute, resolve } from 'node:path';

/** A host path the volume shows, or a definition sdocker refuses outright. */
export interface VolumeBind {
  readonly source: string;
  /** Only an overlay's lower folders are read-only by their nature; a bind follows the mount's own mode. */
  readonly readOnly: boolean;
  /** Set when the definition cannot be judged as a host path: refused with this reason (source is then the detail to lift). */
  readonly refusal?: { readonly reason: string; readonly fix: string };
}

/**
 * Kernel filesystems that show the host kernel's state, mounted from dockerd's namespaces: each
 * as the host path that shows the same (proc is the host's PID namespace, mqueue its IPC
 * namespace's queues, devtmpfs every device node), so the bind judgement refuses it.
 */
const KERNEL_VIEWS: ReadonlyMap<string, string> = new Map([
  ['proc', '/proc'],
  ['nsfs', '/proc'],
  ['binfmt_misc', '/proc/sys/fs/binfmt_misc'],
  ['sysfs', '/sys'],
  ['cgroup', '/sys/fs/cgroup'],
  ['cgroup2', '/sys/fs/cgroup'],
  ['cpuset', '/sys/fs/cgroup'],
  ['debugfs', '/sys/kernel/debug'],
  ['tracefs', '/sys/kernel/tracing'],
  ['securityfs', '/sys/kernel/security'],
  ['configfs', '/sys/kernel/config'],
  ['bpf', '/sys/fs/bpf'],
  ['efivarfs', '/sys/firmware/efi/efivars'],
  ['pstore', '/sys/fs/pstore'],
  ['fusectl', '/sys/fs/fuse/connections'],
  ['selinuxfs', '/sys/fs/selinux'],
  ['devtmpfs', '/dev'],
  ['devpts', '/dev/pts'],
  ['mqueue', '/dev/mqueue'],
  ['hugetlbfs', '/dev/hugepages'],
]);

/** Fresh memory: nothing of the host's. */
const MEMORY = new Set(['tmpfs', 'ramfs']);

/** Network filesystems: the device names a server's export (`host:/srv`, `//server/share`), not a host path. */
const NETWORK = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'ceph']);

/** Disk filesystems: the device is a host path (a block device, or an image file), judged as such. */
const DISK = new Set([
  'ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'vfat', 'msdos', 'exfat', 'ntfs', 'ntfs3', 'f2fs', 'iso9660', 'udf',
  'squashfs', 'erofs', 'jfs', 'reiserfs', 'hfs', 'hfsplus', 'nilfs2', 'minix',
]);

/** An overlay's folders, and whether the volume shows each read-only (`lowerdir+=`, `datadir+=`: kernel 6.8 appends). */
const OVERLAY_DIRS: ReadonlyMap<string, boolean> = new Map([['lowerdir', true], ['datadir', true], ['upperdir', false], ['workdir', false]]);

const RELATIVE_FIX = 'write the absolute path';

/** A local volume's `o` option that makes its `device` a bind of a host path (bind or rbind, matched as moby/sys/mount does). */
export function isBindOption(o: string): boolean {
  return o.split(',').some((field) => field === 'bind' || field === 'rbind');
}

/** What a local volume with these options mounts: the host paths it shows, and what is refused outright. */
export function localVolumeBinds(options: Readonly<Record<string, string>>): VolumeBind[] {
  const o = options['o'] ?? '';
  return [...deviceBinds(options['type'], options['device'], o), ...overlayBinds(o)];
}

/** What mount(2) makes of `device` for this type and `o`. */
function deviceBinds(type: string | undefined, device: string | undefined, o: string): VolumeBind[] {
  // The driver mounts only when type or device is set (localVolume.needsMount); it refuses one without the other.
  if (type === undefined && device === undefined) return [];
  if (isBindOption(o) || DISK.has(type ?? '')) return device === undefined ? [] : [hostPath(device)];
  const view = KERNEL_VIEWS.get(type ?? '');
  if (view !== undefined) return [{ source: view, readOnly: false }];
  if (MEMORY.has(type ?? '') || NETWORK.has(type ?? '') || type === 'overlay') return [];
  const what = `type=${type ?? ''}`;
  return [{ source: what, readOnly: false, refusal: { reason: `sdocker cannot tell what the local volume's ${what} mounts (not memory, network, disk, overlay or a bind it knows)`, fix: 'use tmpfs, a network or disk filesystem, or o=bind with a folder of your own' } }];
}

/** A host path as the engine reads it: an absolute one as it is; a relative one from dockerd's working folder, which sdocker cannot see. */
function hostPath(path: string): VolumeBind {
  if (isAbsolute(path)) return { source: resolve(path), readOnly: false };
  return { source: path, readOnly: false, refusal: { reason: `its path ${path} is relative: the engine reads it from its own working folder, which sdocker cannot see`, fix: RELATIVE_FIX } };
}

/** An overlay's folders in `o` (read whatever the type: fail closed). */
function overlayBinds(o: string): VolumeBind[] {
  const binds: VolumeBind[] = [];
  for (const field of o.split(',')) {
    const eq = field.indexOf('=');
    const readOnly = OVERLAY_DIRS.get(field.slice(0, eq).trim().toLowerCase().replace(/\+$/, ''));
    if (eq === -1 || readOnly === undefined) continue;
    for (const dir of field.slice(eq + 1).split(':')) {
      if (dir !== '') binds.push({ ...hostPath(dir), readOnly });
    }
  }
  return binds;
}
