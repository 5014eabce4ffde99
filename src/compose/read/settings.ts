// What a compose service will run with, as docker run options: its own settings and those it
// inherits through `extends`, `volumes_from` (the source service's volumes, read-only with
// `:ro`; docker never widens a read-only mount: daemon RW = source RW && mode RW) and
// `network_mode`/`pid`/`ipc: service:X` (X's namespace, chains followed). Each setting keeps
// the path it is reported at in the file being judged, and where it came from.
import { dirname, relative } from 'node:path';
import type { EngineView } from './engine-facts.js';
import type { RefuseId } from '../../policy/rules.js';
import type { Path } from '../../yaml/index.js';
import { isOnForRefusal } from './booleans.js';
import { Unresolved } from './interpolate.js';
import type { ComposeProject, Written } from './project.js';
import { volumeBinds, type VolumeBind } from './volumes.js';
import { composeForm } from './wording.js';
import { hostNetworkSettings } from './network-settings.js';
import { bindSettings, buildSettings, deviceValue, fileMount, namedOnEngine } from './mount-settings.js';
import type { Place, Setting } from './setting.js';

export type { Place, Setting } from './setting.js';

export interface Problem extends Place {
  readonly level: 'error' | 'warning';
  readonly rule: RefuseId | 'compose-file';
  readonly message: string;
}

const BOOLEANS: readonly [key: string, flag: string][] = [
  ['privileged', 'privileged'],
  ['use_api_socket', 'use-api-socket'],
];

const NAMESPACES: readonly [key: string, flag: string, rule: RefuseId][] = [
  ['network_mode', 'network', 'host-network'],
  ['pid', 'pid', 'host-pid'],
  ['ipc', 'ipc', 'host-ipc'],
  ['uts', 'uts', 'host-uts'],
  ['userns_mode', 'userns', 'host-userns'],
  ['cgroup', 'cgroupns', 'host-cgroupns'],
  ['cgroup_parent', 'cgroup-parent', 'cgroup-parent'],
];

const LISTS: readonly [key: string, flag: string][] = [
  ['cap_add', 'cap-add'],
  ['security_opt', 'security-opt'],
  ['device_cgroup_rules', 'device-cgroup-rule'],
];

/** `engine`: what `sdocker compose` learned from the engine; without it, what lies outside the file is a warning. */
export function serviceSettings(project: ComposeProject, name: string, engine?: EngineView): { settings: Setting[]; problems: Problem[] } {
  const settings: Setting[] = [];
  const problems: Problem[] = [];
  const resolved = project.service(name);
  const values = (key: string): readonly Written[] => resolved.values.get(key) ?? [];
  const place = (w: Written): Place => locate(project, name, w);
  const refused = (w: Written, reason: string, fix = 'set the variable (environment or .env) or fix the file'): void =>
    void problems.push({ ...place(w), level: 'error', rule: 'compose-file', message: `compose refuses this file: ${reason}; ${fix}` });
  for (const problem of resolved.problems) refused(problem.at, problem.message, 'fix the extends');
  for (const [key, flag] of BOOLEANS) {
    for (const w of values(key)) {
      if (w.value instanceof Unresolved) refused(w, w.value.reason);
      else if (isOnForRefusal(w.value)) settings.push({ ...place(w), flag, value: 'true' });
    }
  }
  for (const [key, flag, rule] of NAMESPACES) {
    for (const w of values(key)) {
      if (w.value instanceof Unresolved) refused(w, w.value.reason);
      else namespaceSetting(project, key, flag, rule, w, place(w), settings, problems, engine);
    }
  }
  settings.push(...hostNetworkSettings(project, name, values('networks'), values('network_mode').length > 0, place));
  for (const [key, flag] of LISTS) {
    for (const w of values(key)) {
      if (w.value instanceof Unresolved) refused(w, w.value.reason);
      else settings.push({ ...place(w), flag, value: String(w.value) });
      // docker-compose 1.29 reads a seccomp profile's path its own way: judged as that file too.
      const v1 = key === 'security_opt' && typeof w.value === 'string' ? v1SeccompPath(w.value) : undefined;
      if (v1 !== undefined) settings.push({ ...place(w), flag, value: `seccomp=${v1}` });
    }
  }
  for (const w of values('devices')) {
    if (w.value instanceof Unresolved) refused(w, w.value.reason);
    else settings.push({ ...place(w), flag: 'device', value: deviceValue(w.value) });
  }
  for (const w of values('volumes')) {
    const binds = volumeBinds(w.value, w.file, project.volumes, project.env);
    const unresolved = binds.find((bind) => bind.kind === 'unresolved');
    if (unresolved !== undefined) refused(w, unresolved.reason);
    else settings.push(...binds.flatMap((bind) => bindSettings(bind, place(w), w.value)), ...namedOnEngine(project, w.value, place(w), engine));
  }
  for (const w of values('build')) settings.push(...buildSettings(w, place(w)));
  for (const kind of ['secrets', 'configs'] as const) {
    for (const w of values(kind)) {
      if (w.value instanceof Unresolved) refused(w, w.value.reason);
      else settings.push(...fileMount(project, kind, w, place(w)));
    }
  }
  for (const w of values('volumes_from')) {
    if (w.value instanceof Unresolved) refused(w, w.value.reason);
    else volumesFrom(project, name, String(w.value), place(w), settings, problems, engine);
  }
  return { settings, problems };
}

/** The report place of a value: its own path, or the `extends` line of the service judged. */
function locate(project: ComposeProject, name: string, w: Written): Place {
  const shown = composeForm(String(w.path[2]), w.value);
  if (w.file === project.file && w.service === name) return { path: w.path, origin: undefined, shown };
  if (w.service === name && project.beneath.includes(w.file)) return { path: ['services', name], origin: `merged from ${relative(dirname(project.file), w.file)}`, shown, layered: true };
  const where = w.file === project.file ? '' : ` in ${relative(dirname(project.file), w.file)}`;
  return { path: ['services', name, 'extends'], origin: `inherited through extends from service '${w.service}'${where}`, shown };
}

function joinOrigin(place: Place, origin: string, shown = place.shown): Place {
  const joined = { path: place.path, origin: place.origin === undefined ? origin : `${origin}, ${place.origin}`, ...(place.layered === true ? { layered: true } : {}) };
  return shown === undefined ? joined : { ...joined, shown };
}

/** `service:X` followed to the mode X runs with; `container:NAME` cannot be judged here. */
function namespaceSetting(project: ComposeProject, key: string, flag: string, rule: RefuseId, w: Written, at: Place, settings: Setting[], problems: Problem[], engine: EngineView | undefined): void {
  let mode = String(w.value);
  const via: string[] = [];
  while (['network_mode', 'pid', 'ipc'].includes(key) && mode.startsWith('service:')) {
    const other = mode.slice('service:'.length);
    if (!project.has(other) || via.includes(other)) {
      problems.push({ ...at, level: 'error', rule: 'compose-file', message: `compose refuses this file: ${key} ${mode} ${via.includes(other) ? 'is circular' : 'names no service of this file'}` });
      return;
    }
    via.push(other);
    const next = project.service(other).values.get(key)?.[0]?.value;
    // X with no mode of its own runs with the default; X's unreadable mode is reported on X.
    if (next === undefined || next instanceof Unresolved) return;
    mode = String(next);
  }
  const place = via.length === 0 ? at : joinOrigin(at, `${key} of service '${via.at(-1)}' (through ${key}: service:${via[0]})`, composeForm(key, mode));
  if (mode.startsWith('container:') && engine === undefined) {
    problems.push({ ...place, level: 'warning', rule, message: `${key} ${mode} joins a container outside this file, which cannot be judged without the engine: sdocker compose checks it when it runs` });
  } else settings.push({ ...place, flag, value: mode });
}

/** `svc`, `svc:ro`, `service:svc[:mode]`, `container:NAME[:mode]` (v1 VolumeFromSpec, compose-go). */
function volumesFrom(project: ComposeProject, name: string, text: string, at: Place, settings: Setting[], problems: Problem[], engine: EngineView | undefined): void {
  const parts = text.split(':');
  const kind = parts.length > 1 && (parts[0] === 'service' || parts[0] === 'container') ? parts.shift() : 'service';
  const [source = '', mode = ''] = parts;
  // The engine judges a container's volumes as docker run --volumes-from would bring them in.
  if (kind === 'container' && engine !== undefined) {
    settings.push({ ...at, flag: 'volumes-from', value: mode === '' ? source : `${source}:${mode}` });
    return;
  }
  if (kind === 'container' || !project.has(source)) {
    problems.push({ ...at, level: 'warning', rule: 'sensitive-mount', message: `volumes_from ${text}: the volumes of a container outside this file cannot be judged without the engine: sdocker compose checks them when it runs` });
    return;
  }
  for (const { w, bind, via } of inheritedVolumes(project, source, [name])) {
    const forced = bind.kind === 'bind' && mode.split(',').includes('ro') ? { ...bind, readOnly: true } : bind;
    const place = joinOrigin(at, `from service '${via.join("' through '")}' through volumes_from`, composeForm('volumes', w.value));
    settings.push(...bindSettings(forced, place, w.value));
  }
}

/** Every volume a service's container holds: its own and, recursively, those of its volumes_from services. */
function inheritedVolumes(project: ComposeProject, name: string, seen: readonly string[]): { w: Written; bind: VolumeBind; via: string[] }[] {
  if (seen.includes(name)) return [];
  const values = project.service(name).values;
  const own = (values.get('volumes') ?? []).flatMap((w) => volumeBinds(w.value, w.file, project.volumes, project.env).map((bind) => ({ w, bind, via: [name] })));
  const deeper = (values.get('volumes_from') ?? []).flatMap((w) => {
    const parts = String(w.value).split(':');
    const source = parts.length > 1 && (parts[0] === 'service' || parts[0] === 'container') ? (parts[0] === 'service' ? parts[1] : undefined) : parts[0];
    if (source === undefined || !project.has(source)) return [];
    const ro = (parts.at(-1) ?? '') === 'ro';
    return inheritedVolumes(project, source, [...seen, name]).map((found) => ({
      ...found,
      bind: ro && found.bind.kind === 'bind' ? { ...found.bind, readOnly: true } : found.bind,
      via: [...found.via, name],
    }));
  });
  return [...own, ...deeper];
}

/**
 * The seccomp profile path docker-compose 1.29 opens for a `security_opt` entry, where it is not
 * the one docker's reading gives (config/types.py SecurityOpt.parse): `value.split('=', 2)`,
 * else `split(':', 2)`, so the path ends at the next `=` (or `:`), and unquote_path drops
 * surrounding double quotes (`seccomp:"/p.json"`). compose v2 splits once and quotes nothing.
 */
export function v1SeccompPath(value: string): string | undefined {
  const sep = value.includes('=') ? '=' : ':';
  const [key, path] = value.split(sep);
  if (key !== 'seccomp' || path === undefined || path === 'unconfined') return undefined;
  const unquoted = path.startsWith('"') && path.endsWith('"') ? path.slice(1, -1) : path;
  return unquoted === value.slice(value.indexOf(sep) + 1) ? undefined : unquoted;
}
