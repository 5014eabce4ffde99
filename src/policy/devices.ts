// Host devices (CIS 5.18): `--device HOST` is refused when it gives a host disk (a block device),
// memory (/dev/mem, /dev/kmem), I/O ports (/dev/port) or raw SCSI/NVMe passthrough; anything else
// is allowed with a warning that says what it gives. Judged by what the engine would hand over:
// HOST's symlinks resolved and, for a folder, every device node below it (moby DevicesFromPath).
// Where the host cannot be looked at (a remote engine), only device names sdocker knows pass.
import { posix } from 'node:path';
import { parseCgroupRule, parseDevice } from '../docker/device.js';
import { OptionView, type DeviceNode, type HostFacts, type RuleContext } from './context.js';
import { givesOf, isDefaultDevice, kindOfName, kindOfNode } from './device-kinds.js';
import type { Violation } from './violation.js';

export type DeviceVerdict =
  | { readonly kind: 'refused'; readonly reason: string }
  /** What the device gives, one phrase per kind of node (none: nothing new, or nothing at all). */
  | { readonly kind: 'given'; readonly gives: readonly string[] };

const FIX = 'give the container a file system of its own (a volume, or a bind of a folder)';

export function judgeDeviceHost(path: string, host: HostFacts): DeviceVerdict {
  if (!posix.isAbsolute(path)) return refused(`a relative path is looked up in the engine's own working folder; write the absolute path`);
  const scan = host.devices?.(path);
  if (scan === undefined) return judgeByName(posix.normalize(path));
  const via = scan.resolved === path ? '' : `resolves to ${scan.resolved}: `;
  if (!scan.exists) return refused(`${path} does not exist here, and docker looks it up again when the container starts`);
  if (scan.truncated) return refused(`${via}a folder too large or unreadable to look through for devices`);
  const dangers = scan.nodes.flatMap((node) => dangerOf(node));
  if (dangers.length > 0) return refused(`${via}${dangers[0] as string}${dangers.length > 1 ? ` (and ${dangers.length - 1} more)` : ''}`);
  const gives = [...new Set(scan.nodes.filter((node) => !isDefaultDevice(node)).map(givesOf))];
  return { kind: 'given', gives };
}

function dangerOf(node: DeviceNode): string[] {
  const danger = kindOfNode(node)?.danger;
  return danger === undefined ? [] : [`${node.path} (${node.type} ${node.major}:${node.minor}) is ${danger}`];
}

/** A remote engine's host: only names of devices sdocker knows are let through (a folder or link there may hold disks). */
function judgeByName(path: string): DeviceVerdict {
  if (/^\/dev\/(null|zero|full|random|urandom|tty)$/.test(path)) return { kind: 'given', gives: [] };
  const kind = kindOfName(path);
  if (kind?.danger !== undefined) return refused(`${path} names ${kind.danger}`);
  if (kind !== undefined) return { kind: 'given', gives: [kind.gives] };
  return refused(`the engine's host cannot be looked at, and ${path} is not a device sdocker knows by name (a folder or link there may give host disks)`);
}

function refused(reason: string): DeviceVerdict {
  return { kind: 'refused', reason };
}

export function checkDevices(view: OptionView, ctx: RuleContext): Violation[] {
  const found: Violation[] = [];
  for (const value of view.values('device')) {
    const parsed = parseDevice(value);
    if (parsed.kind !== 'path') continue;
    const verdict = judgeDeviceHost(parsed.mapping.host, ctx.host);
    if (verdict.kind === 'refused') found.push({ rule: 'host-device', detail: parsed.mapping.host, what: `--device ${value} (${verdict.reason})`, fix: FIX });
  }
  for (const value of view.values('device-cgroup-rule')) {
    const reason = cgroupRuleDanger(value);
    if (reason !== undefined) found.push({ rule: 'host-device', what: `--device-cgroup-rule '${value}' (${reason})`, fix: 'grant the one device it needs with --device' });
  }
  return found;
}

/** A cgroup rule that lets the container open disks, memory or raw SCSI (a wildcard major is the all-devices rule's). */
function cgroupRuleDanger(text: string): string | undefined {
  const rule = parseCgroupRule(text);
  if (rule === undefined || rule.major === '*') return undefined;
  if (rule.type === 'b') return 'allows host block devices: raw disks';
  if (rule.type !== 'c') return undefined;
  if (rule.major === '1' && ['1', '2', '4', '*'].includes(rule.minor)) return 'allows /dev/mem, /dev/kmem or /dev/port';
  if (rule.major === '21') return 'allows SCSI generic devices: raw disk commands';
  return undefined;
}

/** One warning line for each device given that is not refused, and for --gpus. */
export function findDeviceWarnings(ctx: RuleContext): string[] {
  if (ctx.sub === 'exec') return [];
  const view = new OptionView(ctx.items);
  const lines: string[] = [];
  for (const value of view.values('device')) {
    const parsed = parseDevice(value);
    if (parsed.kind === 'cdi') lines.push(`--device ${value} gives what the CDI spec of ${parsed.name} on the engine's host names (rule host-device, CIS 5.18)`);
    if (parsed.kind !== 'path') continue;
    const verdict = judgeDeviceHost(parsed.mapping.host, ctx.host);
    if (verdict.kind === 'given' && verdict.gives.length > 0) lines.push(`--device ${value} gives ${summary(verdict.gives)} (rule host-device, CIS 5.18)`);
  }
  for (const value of view.values('gpus')) lines.push(`--gpus ${value} gives the host's GPUs: their memory and driver are shared with the host (rule host-device, CIS 5.18)`);
  return lines;
}

function summary(gives: readonly string[]): string {
  return gives.length <= 3 ? gives.join('; ') : `${gives.slice(0, 3).join('; ')}; and ${gives.length - 3} more kinds`;
}
