// A compose volume entry as the host path it binds, if any. Short syntax `SRC:DST[:MODE]` binds
// when SRC is a path (starts with `.`, `/` or `~`: compose-go format/volume.go isFilePath, v1
// types.py); otherwise SRC names a top-level volume, which binds a host path when the local
// driver mounts its `device` (driver_opts `o: bind`, or a block device). Long syntax `type` is
// read case-insensitively. `~` is the home folder, relative paths are from the compose file's
// folder; a source that still holds `$` or `~` after that is refused, not guessed.
import { dirname, join, resolve } from 'node:path';
import { isBindOption } from '../docker/values.js';
import { isClearlyTrue } from './booleans.js';
import { Unresolved, type Env } from './interpolate.js';

/** A host path bound into the container, or a source that cannot be judged, or nothing. */
export type VolumeBind =
  | { readonly kind: 'bind'; readonly source: string; readonly target: string; readonly readOnly: boolean; readonly short: boolean }
  | { readonly kind: 'unsafe'; readonly source: string; readonly reason: string }
  | { readonly kind: 'unresolved'; readonly reason: string }
  | { readonly kind: 'none' };

const NONE: VolumeBind = { kind: 'none' };

export function volumeBind(entry: unknown, file: string, topVolumes: Readonly<Record<string, unknown>>, env: Env): VolumeBind {
  const unresolved = findUnresolved(entry);
  if (unresolved !== undefined) return { kind: 'unresolved', reason: unresolved.reason };
  const cwd = dirname(file);
  if (typeof entry === 'string') {
    const [source = '', target = '', mode = ''] = entry.split(':');
    if (target === '' || source === '') return NONE;
    const modes = mode.split(',');
    // compose-go reads the modes in order (a later `rw` undoes `ro`); docker refuses both.
    const readOnly = modes.lastIndexOf('ro') > modes.lastIndexOf('rw');
    if (isFilePath(source)) return hostBind(source, target, readOnly, true, cwd, env);
    return namedBind(topVolumes[source], target, readOnly, '', cwd, env);
  }
  if (typeof entry !== 'object' || entry === null) return NONE;
  const v = entry as Record<string, unknown>;
  const type = typeof v['type'] === 'string' ? v['type'].toLowerCase() : '';
  const source = typeof v['source'] === 'string' ? v['source'] : '';
  const target = String(v['target'] ?? '');
  const readOnly = isClearlyTrue(v['read_only']);
  if (type === 'tmpfs' || type === 'npipe' || source === '') return NONE;
  // Anything but a named volume with a path for source is a bind, whatever its type says (fail closed).
  if (type === 'bind' || isFilePath(source)) return hostBind(source, target, readOnly, false, cwd, env);
  const subpath = (v['volume'] as { subpath?: unknown } | undefined)?.subpath;
  return namedBind(topVolumes[source], target, readOnly, typeof subpath === 'string' ? subpath : '', cwd, env);
}

function isFilePath(source: string): boolean {
  return /^[./~]/.test(source);
}

/** The host folder or device a top-level volume mounts through the local driver, if any. */
function namedBind(definition: unknown, target: string, readOnly: boolean, subpath: string, cwd: string, env: Env): VolumeBind {
  const unresolved = findUnresolved(definition);
  if (unresolved !== undefined) return { kind: 'unresolved', reason: unresolved.reason };
  const def = (definition ?? {}) as { driver?: unknown; driver_opts?: Record<string, unknown> };
  if (def.driver !== undefined && def.driver !== null && def.driver !== 'local') return NONE;
  const device = def.driver_opts?.['device'];
  if (typeof device !== 'string') return NONE;
  const bind = isBindOption(String(def.driver_opts?.['o'] ?? ''));
  // A device that is a path (a block device such as /dev/sda1) is mounted as what it is; `tmpfs`
  // or an NFS export (`:/srv`) is not a host path.
  if (!bind && !device.startsWith('/')) return NONE;
  return hostBind(subpath === '' ? device : join(device, subpath), target, readOnly, false, cwd, env);
}

function hostBind(source: string, target: string, readOnly: boolean, short: boolean, cwd: string, env: Env): VolumeBind {
  const expanded = expandHome(source, env);
  if (expanded === undefined) return { kind: 'unsafe', source, reason: `its source ${source} starts with a '~' that compose expands differently (v1 reads ~user, compose-go the home folder)` };
  if (expanded.includes('$')) return { kind: 'unsafe', source, reason: `its source ${source} still holds '$' after compose's interpolation` };
  if (expanded.includes('~')) return { kind: 'unsafe', source, reason: `its source ${source} still holds '~' after compose expanded the home folder` };
  return { kind: 'bind', source: resolve(cwd, expanded), target, readOnly, short };
}

/** A leading `~` or `~/` as the home folder (Python os.path.expanduser, compose-go paths.ExpandUser); undefined for `~user` or no HOME. */
function expandHome(source: string, env: Env): string | undefined {
  if (source !== '~' && !source.startsWith('~/')) return source.startsWith('~') ? undefined : source;
  const home = env['HOME'];
  return home === undefined || home === '' ? undefined : join(home, source.slice(1));
}

function findUnresolved(value: unknown): Unresolved | undefined {
  if (value instanceof Unresolved) return value;
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) {
      const found = findUnresolved(item);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
