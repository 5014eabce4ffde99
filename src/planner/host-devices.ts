// The device nodes a `--device HOST` gives, looked at as the engine does (moby
// daemon/pkg/oci/devices_linux.go DevicesFromPath): HOST's symlinks resolved; a device node is
// itself; a folder gives every device node below it, walked with lstat, so symlinks inside it
// (/dev/disk/by-id/...) are not followed.
import { lstatSync, readdirSync, readlinkSync, realpathSync, type BigIntStats } from 'node:fs';
import { basename, join } from 'node:path';
import type { DeviceNode, DeviceScan } from '../policy/context.js';

/** Entries looked at below one folder; past that the scan is incomplete and the value refused. */
const WALK_LIMIT = 20_000;

export function scanDevices(path: string): DeviceScan | undefined {
  let resolved: string;
  try {
    resolved = realpathSync.native(path);
  } catch {
    return { resolved: path, exists: false, nodes: [], truncated: false };
  }
  const nodes: DeviceNode[] = [];
  const state = { seen: 0, truncated: false };
  walk(resolved, nodes, state);
  return { resolved, exists: true, nodes, truncated: state.truncated };
}

function walk(path: string, nodes: DeviceNode[], state: { seen: number; truncated: boolean }): void {
  state.seen += 1;
  if (state.seen > WALK_LIMIT) {
    state.truncated = true;
    return;
  }
  let stat: BigIntStats;
  try {
    stat = lstatSync(path, { bigint: true });
  } catch {
    return;
  }
  const node = deviceNode(path, stat);
  if (node !== undefined) {
    nodes.push(node);
  } else if (stat.isDirectory()) {
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      // A folder sdocker cannot read may still hold devices the engine (root) can: fail closed.
      state.truncated = true;
      return;
    }
    for (const name of names) walk(join(path, name), nodes, state);
  }
}

function deviceNode(path: string, stat: BigIntStats): DeviceNode | undefined {
  const type = stat.isBlockDevice() ? 'b' : stat.isCharacterDevice() ? 'c' : stat.isFIFO() ? 'p' : undefined;
  if (type === undefined) return undefined;
  // glibc's gnu_dev_major/gnu_dev_minor on Linux's 64-bit dev_t.
  const dev = stat.rdev;
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  const subsystem = type === 'p' ? undefined : sysfsSubsystem(type, major, minor);
  return subsystem === undefined ? { path, type, major, minor } : { path, type, major, minor, subsystem };
}

/** /sys/dev/{block,char}/MAJ:MIN/subsystem names the driver class even for a node renamed or made with mknod. */
function sysfsSubsystem(type: 'b' | 'c', major: number, minor: number): string | undefined {
  try {
    return basename(readlinkSync(`/sys/dev/${type === 'b' ? 'block' : 'char'}/${major}:${minor}/subsystem`));
  } catch {
    return undefined;
  }
}
