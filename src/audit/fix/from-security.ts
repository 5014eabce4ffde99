// HostConfig's privileges: capabilities, namespaces, security options, devices and kernel
// settings, minus what the engine adds by itself. Refused ones are written here as the user
// had them; container.ts drops what sdocker's planner refuses and says why.
import { entries, flag, hostConfig, list, type Intent, type Origin } from './intent.js';

/** Namespace modes a run without the flag gets (engine 20.10: IpcMode private or the daemon's default-ipc-mode shareable). */
const DEFAULT_IPC = new Set(['', 'private', 'shareable']);

export function readSecurity(origin: Origin, out: Intent): void {
  const host = hostConfig(origin.raw);
  if (host.Privileged === true) out.pieces.push(flag('privileged'));
  // Engine 20.10 stores capabilities as CAP_NAME whatever was written.
  for (const cap of list(host.CapAdd)) out.pieces.push(flag('cap-add', cap.replace(/^CAP_/i, '')));
  for (const cap of list(host.CapDrop)) out.pieces.push(flag('cap-drop', cap.replace(/^CAP_/i, '')));
  readNamespaces(origin, out);
  readSecurityOpts(origin, out);
  for (const d of list(host.Devices)) {
    const perms = d.CgroupPermissions ?? 'rwm';
    const inside = d.PathInContainer ?? '';
    const value = [d.PathOnHost ?? '', ...(inside === d.PathOnHost && perms === 'rwm' ? [] : [inside]), ...(perms === 'rwm' ? [] : [perms])].join(':');
    out.pieces.push(flag('device', value));
  }
  for (const rule of list(host.DeviceCgroupRules)) out.pieces.push(flag('device-cgroup-rule', rule));
  if (list(host.DeviceRequests).length > 0) out.lost.push('--gpus (HostConfig.DeviceRequests): not rewritten; add the --gpus it was created with');
  for (const group of list(host.GroupAdd)) out.pieces.push(flag('group-add', group));
  for (const [key, value] of entries(host.Sysctls)) out.pieces.push(flag('sysctl', `${key}=${value}`));
  if (host.Init === true) out.pieces.push(flag('init'));
  if (host.ReadonlyRootfs === true) out.pieces.push(flag('read-only'));
  if (host.Runtime !== undefined && host.Runtime !== '' && host.Runtime !== 'runc') out.pieces.push(flag('runtime', host.Runtime));
  if (host.CgroupParent !== undefined && host.CgroupParent !== '') out.pieces.push(flag('cgroup-parent', host.CgroupParent));
}

function readNamespaces(origin: Origin, out: Intent): void {
  const host = hostConfig(origin.raw);
  if (host.PidMode) out.pieces.push(flag('pid', host.PidMode));
  if (!DEFAULT_IPC.has(host.IpcMode ?? '')) out.pieces.push(flag('ipc', host.IpcMode ?? ''));
  if (host.UTSMode) out.pieces.push(flag('uts', host.UTSMode));
  if (host.UsernsMode) out.pieces.push(flag('userns', host.UsernsMode));
  // The daemon's default cgroup namespace: host on cgroup v1, private on v2 (moby
  // daemon/config: DefaultCgroupNamespaceMode); another value was asked for.
  const cgroupDefault = String(origin.engine.info['CgroupVersion'] ?? '1') === '2' ? 'private' : 'host';
  const cgroupns = host.CgroupnsMode ?? '';
  if (cgroupns !== '' && cgroupns !== cgroupDefault) out.pieces.push(flag('cgroupns', cgroupns));
}

function readSecurityOpts(origin: Origin, out: Intent): void {
  const host = hostConfig(origin.raw);
  // The engine adds label=disable by itself to a container sharing the host's pid or ipc
  // namespace, or privileged (moby daemon/create.go), measured with --pid host on 20.10.
  const engineLabel = host.Privileged === true || host.PidMode === 'host' || host.IpcMode === 'host';
  for (const opt of list(host.SecurityOpt)) {
    if (engineLabel && opt === 'label=disable') continue;
    // docker's CLI reads seccomp=FILE and sends the JSON (docker/cli opts.go parseSecurityOpts);
    // inspect keeps the JSON, which the CLI would take for a file name.
    if (/^seccomp[=:]\s*\{/.test(opt)) {
      if (compact(opt.slice('seccomp='.length)) === origin.policySeccomp) continue;
      out.lost.push("its own seccomp profile (HostConfig.SecurityOpt holds the JSON, not the file it came from): sdocker's profile applies; give yours with --security-opt seccomp=FILE");
      continue;
    }
    out.pieces.push(flag('security-opt', opt));
  }
  // --security-opt systempaths=unconfined empties MaskedPaths (docker/cli opts.go); privileged containers have none anyway.
  if (host.Privileged !== true && host.MaskedPaths !== undefined && host.MaskedPaths !== null && host.MaskedPaths.length === 0) {
    out.pieces.push(flag('security-opt', 'systempaths=unconfined'));
  }
}

/** JSON as docker's CLI sends a profile (json.Compact keeps the key order); undefined when it is not JSON. */
export function compact(text: string): string | undefined {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return undefined;
  }
}
