// What a host device node is, by its numbers (linux Documentation/admin-guide/devices.txt),
// the sysfs class of its driver, or, where the host cannot be looked at, its name.
import type { DeviceNode } from './context.js';

interface Kind {
  /** Why it is refused; absent for a device that is allowed with a warning. */
  readonly danger?: string;
  readonly gives: string;
  readonly node?: (node: DeviceNode) => boolean;
  readonly name?: RegExp;
}

const char = (major: number, minor?: number) => (node: DeviceNode) => node.type === 'c' && node.major === major && (minor === undefined || node.minor === minor);
// SCSI generic (sg, bsg): SG_IO passes SCSI commands to the disk, and the kernel lets anyone who
// opened the node send READ and WRITE (linux block/scsi_ioctl.c scsi_cmd_allowed): every block
// of the disk, with no capability and past the block layer.
const RAW_SCSI = 'SCSI generic: raw READ and WRITE commands to a host disk';

export const KINDS: readonly Kind[] = [
  { node: (n) => n.type === 'b', name: /^\/dev\/((sd|hd|vd|xvd)[a-z]+\d*|nvme\d+n\d+(p\d+)?|mmcblk\d+(p\d+)?|loop\d+|dm-\d+|md\d+|nbd\d+|zram\d+|sr\d+|(mapper|disk|block)(\/.*)?)$/, danger: 'a block device: a host disk', gives: '' },
  { node: char(1, 1), name: /^\/dev\/mem$/, danger: "the host's physical memory (/dev/mem)", gives: '' },
  { node: char(1, 2), name: /^\/dev\/kmem$/, danger: "the kernel's memory (/dev/kmem)", gives: '' },
  { node: char(1, 4), name: /^\/dev\/port$/, danger: "the host's I/O ports (/dev/port)", gives: '' },
  { node: (n) => char(21)(n) || n.subsystem === 'scsi_generic' || n.subsystem === 'bsg', name: /^\/dev\/(sg\d+|bsg(\/.*)?)$/, danger: RAW_SCSI, gives: '' },
  { node: (n) => n.subsystem === 'nvme' || n.subsystem === 'nvme-generic', name: /^\/dev\/(nvme\d+|ng\d+n\d+)$/, danger: 'NVMe passthrough: raw commands to a host disk', gives: '' },
  { node: char(10, 229), name: /^\/dev\/fuse$/, gives: 'user-space file systems (FUSE)' },
  { node: char(10, 200), name: /^\/dev\/net\/tun$/, gives: 'TUN/TAP network interfaces' },
  { node: char(10, 232), name: /^\/dev\/kvm$/, gives: 'hardware virtual machines (KVM) on the host CPU' },
  { node: char(10, 237), gives: 'loop device allocation (using one still needs its block device)' },
  { node: char(226), name: /^\/dev\/dri(\/.*)?$/, gives: "the host's GPU (DRM): its memory and driver are shared with the host" },
  { node: char(195), name: /^\/dev\/nvidia[\w-]*$/, gives: "the host's NVIDIA GPU: its memory and driver are shared with the host" },
  { node: char(116), name: /^\/dev\/snd(\/.*)?$/, gives: "the host's sound devices: its microphone can be recorded" },
  { node: (n) => (char(4)(n) && n.minor >= 64) || char(188)(n) || char(166)(n), name: /^\/dev\/tty(S|USB|ACM)\d+$/, gives: 'a serial port: whatever is attached to it' },
  { node: (n) => char(4)(n) && n.minor < 64, gives: "a host virtual console: what the host's screen shows and its keyboard types" },
  { node: char(81), name: /^\/dev\/video\d+$/, gives: 'a camera or video capture device' },
  { node: char(13), gives: "host input devices: every key typed on the host's keyboard" },
  { node: char(189), gives: "raw USB devices (usbfs): their kernel drivers can be bypassed, a USB disk's too" },
  { node: char(29), gives: "the host's screen (framebuffer)" },
];

/** Already in every container (docker's default device list): giving them again gives nothing. */
const DEFAULTS = new Set(['c1:3', 'c1:5', 'c1:7', 'c1:8', 'c1:9', 'c5:0', 'c5:1', 'c5:2']);

export function isDefaultDevice(node: DeviceNode): boolean {
  return DEFAULTS.has(`${node.type}${node.major}:${node.minor}`);
}

export function kindOfNode(node: DeviceNode): Kind | undefined {
  return KINDS.find((kind) => kind.node?.(node) === true) ?? KINDS.find((kind) => kind.name?.test(node.path) === true);
}

export function kindOfName(path: string): Kind | undefined {
  return KINDS.find((kind) => kind.name?.test(path) === true);
}

/** What a node gives, for a warning. */
export function givesOf(node: DeviceNode): string {
  const kind = kindOfNode(node);
  if (kind !== undefined && kind.danger === undefined) return kind.gives;
  return node.type === 'p' ? `a host pipe (${node.path})` : `a host character device (${node.path}, ${node.major}:${node.minor})`;
}
