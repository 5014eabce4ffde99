// The host paths a `local` volume mounts, read from its options (docker volume create --opt,
// --mount volume-opt=...): the local driver hands type, o and device to mount(2) (moby
// volume/local/local_unix.go), so `o=bind` with a `device` folder binds that host folder, a
// `device` that is a path (`/dev/sda1` with `type=ext4`) mounts that device, and an overlay's
// `lowerdir`/`upperdir`/`workdir` show host folders through the volume.
import { isAbsolute, resolve } from 'node:path';
import { isBindOption } from './values.js';

export interface VolumeBind {
  readonly source: string;
  /** Only an overlay's lower folders are read-only by their nature; a bind follows the mount's own mode. */
  readonly readOnly: boolean;
}

/** An overlay's folders, and whether the volume shows each read-only. */
const OVERLAY_DIRS: ReadonlyMap<string, boolean> = new Map([['lowerdir', true], ['upperdir', false], ['workdir', false]]);

export function localVolumeBinds(options: Readonly<Record<string, string>>): VolumeBind[] {
  const o = options['o'] ?? '';
  const device = options['device'];
  const binds: VolumeBind[] = [];
  // A path as device, with or without a bind option, is judged as that path (fail closed): the
  // daemon resolves a relative one from its own working folder, /.
  if (device !== undefined && (isBindOption(o) || isAbsolute(device))) binds.push({ source: resolve('/', device), readOnly: false });
  for (const field of o.split(',')) {
    const eq = field.indexOf('=');
    const readOnly = OVERLAY_DIRS.get(field.slice(0, eq).trim().toLowerCase());
    if (eq === -1 || readOnly === undefined) continue;
    for (const dir of field.slice(eq + 1).split(':')) {
      if (dir !== '') binds.push({ source: resolve('/', dir), readOnly });
    }
  }
  return binds;
}
