// A compose volume entry as the host paths it binds. Short syntax `SRC:DST[:MODE]` binds
// when SRC is a path (starts with `.`, `/` or `~`: compose-go format/volume.go isFilePath, v1
// types.py); otherwise SRC names a top-level volume, whose local driver_opts (type, device, o:
// compose hands them to the engine as written) are judged as mount(2) reads them
// (docker/local-volume.ts: a bind, a disk's device, a kernel view such as proc). Long syntax `type` is
// read case-insensitively. `~` is the home folder, relative paths are from the compose file's
// folder; a source that still holds `$` or `~` after that is refused, not guessed.
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { localVolumeBinds } from '../../docker/local-volume.js';
import { isClearlyTrue } from './booleans.js';
import { Unresolved, type Env } from './interpolate.js';

/** A host path bound into the container, or a source that cannot be judged, or nothing. */
export type VolumeBind =
  | { readonly kind: 'bind'; readonly source: string; readonly target: string; readonly readOnly: boolean; readonly short: boolean }
  | { readonly kind: 'unsafe'; readonly source: string; readonly reason: string; readonly fix?: string }
  | { readonly kind: 'unresolved'; readonly reason: string };

const NONE: VolumeBind[] = [];

/** The host paths a service's volume entry binds (none for a plain named volume). */
export function volumeBinds(entry: unknown, file: string, topVolumes: Readonly<Record<string, unknown>>, env: Env): VolumeBind[] {
  const unresolved = findUnresolved(entry);
  if (unresolved !== undefined) return [{ kind: 'unresolved', reason: unresolved.reason }];
  const cwd = dirname(file);
  if (typeof entry === 'string') {
    const [source = '', target = '', mode = ''] = entry.split(':');
    if (target === '' || source === '') return NONE;
    const modes = mode.split(',');
    // compose-go reads the modes in order (a later `rw` undoes `ro`); docker refuses both.
    const readOnly = modes.lastIndexOf('ro') > modes.lastIndexOf('rw');
    if (isFilePath(source)) return [hostBind(source, target, readOnly, true, cwd, env)];
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
  if (type === 'bind' || isFilePath(source)) return [hostBind(source, target, readOnly, false, cwd, env)];
  const subpath = (v['volume'] as { subpath?: unknown } | undefined)?.subpath;
  return namedBind(topVolumes[source], target, readOnly, typeof subpath === 'string' ? subpath : '', cwd, env);
}

function isFilePath(source: string): boolean {
  return /^[./~]/.test(source);
}

/** The host folders or devices a top-level volume mounts through the local driver. */
function namedBind(definition: unknown, target: string, readOnly: boolean, subpath: string, cwd: string, env: Env): VolumeBind[] {
  const unresolved = findUnresolved(definition);
  if (unresolved !== undefined) return [{ kind: 'unresolved', reason: unresolved.reason }];
  const def = (definition ?? {}) as { driver?: unknown; driver_opts?: Record<string, unknown> };
  if (def.driver !== undefined && def.driver !== null && def.driver !== 'local') return NONE;
  const options = Object.fromEntries(Object.entries(def.driver_opts ?? {}).map(([key, value]) => [key, String(value)]));
  const device = options['device'];
  // Compose itself makes a relative or `~` device absolute when `o` is exactly `bind` (v1
  // config.py format_device_option: os.path.abspath from its current folder; compose-go
  // ResolveRelativePaths: from the project folder): judged from both. Any other relative
  // device reaches the engine as written, and local-volume.ts refuses it.
  if (options['o'] === 'bind' && device !== undefined && !isAbsolute(device)) {
    const written = subpath === '' ? device : join(device, subpath);
    return [...new Set([cwd, process.cwd()])].map((from) => hostBind(written, target, readOnly, false, from, env));
  }
  return localVolumeBinds(options).map((bind): VolumeBind => {
    if (bind.refusal !== undefined) return { kind: 'unsafe', source: bind.source, reason: bind.refusal.reason, fix: bind.refusal.fix };
    // The path is absolute here (a relative one is refused): no home folder, no compose folder.
    const source = subpath === '' ? bind.source : join(bind.source, subpath);
    return hostBind(source, target, readOnly || bind.readOnly, false, cwd, env);
  });
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
