// Volumes, binds and tmpfs as the user wrote them: HostConfig.Binds keeps each -v string
// verbatim and HostConfig.Mounts each --mount spec (measured on engine 20.10); an anonymous
// volume is only in Config.Volumes, beside the image's own VOLUMEs.
import { entries, flag, hostConfig, list, type Intent, type Origin, type RawMountSpec } from './intent.js';

/** Docker names an anonymous volume with 64 hex digits. */
const ANONYMOUS = /^[0-9a-f]{64}$/;

export function readMounts(origin: Origin, out: Intent): void {
  const host = hostConfig(origin.raw);
  for (const bind of list(host.Binds)) out.pieces.push(flag('volume', bind));
  for (const spec of list(host.Mounts)) out.pieces.push(flag('mount', renderMount(spec)));
  for (const [path, options] of entries(host.Tmpfs)) out.pieces.push(flag('tmpfs', options === '' ? path : `${path}:${options}`));
  for (const from of list(host.VolumesFrom)) out.pieces.push(flag('volumes-from', from));
  if (host.VolumeDriver) out.pieces.push(flag('volume-driver', host.VolumeDriver));
  const imageVolumes = new Set(Object.keys(origin.image?.Volumes ?? {}));
  const own = Object.keys((origin.raw.Config['Volumes'] as Record<string, unknown> | null | undefined) ?? {}).filter((path) => !imageVolumes.has(path));
  for (const path of own) out.pieces.push(flag('volume', path));
  for (const mount of origin.raw.Mounts) {
    if (mount.Type !== 'volume' || mount.Name === undefined || !ANONYMOUS.test(mount.Name)) continue;
    const whose = own.includes(mount.Destination) ? 'its anonymous volume' : "the image's anonymous volume";
    out.lost.push(`${whose} at ${mount.Destination}: the new container gets a new empty one; the data stays in volume ${mount.Name} (to keep it, mount it: -v ${mount.Name}:${mount.Destination})`);
  }
}

/** A --mount value from its spec (docker/cli opts/mount.go reads it as CSV). */
export function renderMount(spec: RawMountSpec): string {
  const fields = [`type=${spec.Type ?? 'volume'}`];
  if (spec.Source) fields.push(`source=${spec.Source}`);
  fields.push(`target=${spec.Target ?? ''}`);
  if (spec.ReadOnly === true) fields.push('readonly');
  if (spec.Consistency) fields.push(`consistency=${spec.Consistency}`);
  const bind = spec.BindOptions;
  if (bind?.Propagation) fields.push(`bind-propagation=${bind.Propagation}`);
  if (bind?.NonRecursive === true) fields.push('bind-nonrecursive=true');
  const volume = spec.VolumeOptions;
  if (volume?.NoCopy === true) fields.push('volume-nocopy');
  if (volume?.DriverConfig?.Name) fields.push(`volume-driver=${volume.DriverConfig.Name}`);
  for (const [key, value] of entries(volume?.DriverConfig?.Options)) fields.push(`volume-opt=${key}=${value}`);
  for (const [key, value] of entries(volume?.Labels)) fields.push(`volume-label=${key}=${value}`);
  const tmpfs = spec.TmpfsOptions;
  if (tmpfs?.SizeBytes) fields.push(`tmpfs-size=${tmpfs.SizeBytes}`);
  if (tmpfs?.Mode) fields.push(`tmpfs-mode=${(tmpfs.Mode & 0o7777).toString(8)}`);
  return fields.map(csvField).join(',');
}

/** encoding/csv quoting: a field holding a comma, a quote or a newline is quoted, quotes doubled. */
function csvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
