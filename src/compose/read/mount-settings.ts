// Compose settings that mount or hand over something of the host, as the docker options they
// become: a volume bind (`-v`/`--mount`), a device, a named volume as the engine knows it, a
// secret or config file (a read-only bind), and the build's own container.
import { engineVolumeName, type EngineView } from './engine-facts.js';
import { isOnForRefusal } from './booleans.js';
import { Unresolved } from './interpolate.js';
import type { ComposeProject, Written } from './project.js';
import type { Place, Setting } from './setting.js';
import { volumeBinds, type VolumeBind } from './volumes.js';
import { composeForm } from './wording.js';

export function bindSettings(bind: VolumeBind, place: Place, written: unknown): Setting[] {
  if (bind.kind === 'unsafe') {
    const what = `${place.shown ?? `volume ${typeof written === 'string' ? written : bind.source}`} (${bind.reason})`;
    return [{ ...place, violation: { rule: 'sensitive-mount', detail: bind.source, what, fix: bind.fix ?? 'write the host path out in full' } }];
  }
  if (bind.kind !== 'bind') return [];
  const { source, target, readOnly } = bind;
  if (bind.short && !`${source}${target}`.includes(':')) return [{ ...place, flag: 'volume', value: `${source}:${target}${readOnly ? ':ro' : ''}` }];
  return [{ ...place, flag: 'mount', value: `type=bind,${csvField(`source=${source}`)},${csvField(`target=${target}`)}${readOnly ? ',readonly' : ''}` }];
}

/** A --mount field quoted as encoding/csv needs when it holds a comma or a quote. */
function csvField(field: string): string {
  return /[",]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** A compose device (`HOST:CONTAINER:PERMS`, or long syntax `{source, target, permissions}`) as docker's --device value. */
export function deviceValue(device: unknown): string {
  if (typeof device !== 'object' || device === null) return String(device);
  const { source, target, permissions } = device as Record<string, unknown>;
  return [source, target ?? source, permissions ?? 'rwm'].map(String).join(':');
}

/** A named volume as the engine knows it (`-v ENGINE_NAME:/x`): its existing definition is judged like a run's. */
export function namedOnEngine(project: ComposeProject, entry: unknown, at: Place, engine: EngineView | undefined): Setting[] {
  if (engine === undefined) return [];
  const short = typeof entry === 'string' ? entry.split(':') : undefined;
  const long = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : undefined;
  const source = short?.[0] ?? (typeof long?.['source'] === 'string' ? long['source'] : '');
  const target = short?.[1] ?? String(long?.['target'] ?? '');
  const type = typeof long?.['type'] === 'string' ? long['type'].toLowerCase() : 'volume';
  if (source === '' || target === '' || /^[./~]/.test(source) || type !== 'volume' || !Object.hasOwn(project.volumes, source)) return [];
  const readOnly = short !== undefined ? (short[2] ?? '').split(',').includes('ro') : long?.['read_only'] === true;
  return [{ ...at, flag: 'volume', value: `${engineVolumeName(source, project.volumes[source], engine.project)}:${target}${readOnly ? ':ro' : ''}` }];
}

/**
 * A secret or config with a `file:` is a read-only bind of that host file (docker-compose 1.29
 * mounts `secrets: [s]` with `file: /etc/shadow` at /run/secrets/s, measured; compose v2 binds
 * configs the same way): judged as the bind it is.
 */
export function fileMount(project: ComposeProject, kind: 'secrets' | 'configs', w: Written, at: Place): Setting[] {
  const ref = typeof w.value === 'object' && w.value !== null ? (w.value as { source?: unknown; target?: unknown }) : { source: w.value };
  const name = String(ref.source ?? '');
  const definition = project.topFiles(kind)[name] as { file?: unknown } | null | undefined;
  const file = definition?.file;
  if (typeof file !== 'string' || file === '') return [];
  const target = typeof ref.target === 'string' && ref.target !== '' ? ref.target : name;
  const path = target.startsWith('/') ? target : kind === 'secrets' ? `/run/secrets/${target}` : `/${target}`;
  const entry = { type: 'bind', source: file, target: path, read_only: true };
  // The message names the secret (`secrets: k`); the reason names its file.
  const place = { path: at.path, origin: at.origin, shown: `${kind}: ${name}` };
  return volumeBinds(entry, project.file, project.volumes, project.env).flatMap((bind) => bindSettings(bind, place, file));
}

/**
 * The build's own container (compose-spec `build.privileged`, `build.network`: compose v2 hands
 * them to BuildKit as entitlements): a privileged or host-network build runs the file's
 * Dockerfile with that power on this host, so it is refused like the service setting.
 */
export function buildSettings(w: Written, at: Place): Setting[] {
  if (typeof w.value !== 'object' || w.value === null || w.value instanceof Unresolved) return [];
  const build = w.value as { privileged?: unknown; network?: unknown };
  const out: Setting[] = [];
  if (build.privileged !== undefined && !(build.privileged instanceof Unresolved) && isOnForRefusal(build.privileged)) out.push({ ...at, shown: composeForm('build.privileged', build.privileged), flag: 'privileged', value: 'true' });
  if (typeof build.network === 'string') out.push({ ...at, shown: composeForm('build.network', build.network), flag: 'network', value: build.network });
  return out;
}
