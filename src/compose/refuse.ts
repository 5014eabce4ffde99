// Dangerous compose settings, found by the same refusal checks as `sdocker run`: each setting
// is written as the docker run option it becomes, and checked on its own, so a finding points
// at the line that holds it.
import { dirname } from 'node:path';
import { CONTAINER_FLAGS, indexFlags } from '../docker/flags.js';
import type { Item } from '../docker/parse.js';
import { isBindOption } from '../docker/values.js';
import { UNKNOWN_FACTS, type RuleContext, type HostFacts } from '../policy/context.js';
import { readOnlyNote } from '../policy/mounts.js';
import { findDeviceWarnings } from '../policy/devices.js';
import { findReadOnlyBinds, findViolations, isAllowed, refusalMessage, type Violation } from '../policy/refusals.js';
import type { Path } from '../yaml.js';
import { list, strings, type ServiceView } from './types.js';

const TABLE = indexFlags(CONTAINER_FLAGS, 'run');

interface Setting {
  readonly path: Path;
  readonly flag: string;
  readonly value: string;
}

/** compose keys that are one docker run option each, and their flag. */
const SCALARS: readonly [key: string, flag: string][] = [
  ['network_mode', 'network'],
  ['pid', 'pid'],
  ['ipc', 'ipc'],
  ['uts', 'uts'],
  ['userns_mode', 'userns'],
  ['cgroup', 'cgroupns'],
  ['cgroup_parent', 'cgroup-parent'],
];

const LISTS: readonly [key: string, flag: string][] = [
  ['cap_add', 'cap-add'],
  ['security_opt', 'security-opt'],
  ['device_cgroup_rules', 'device-cgroup-rule'],
];

function settingsOf(service: ServiceView, topVolumes: Record<string, unknown>): Setting[] {
  const at = (...rest: (string | number)[]): Path => ['services', service.name, ...rest];
  const data = service.data;
  const found: Setting[] = [];
  if (data['privileged'] === true || data['privileged'] === 'true') found.push({ path: at('privileged'), flag: 'privileged', value: 'true' });
  for (const [key, flag] of SCALARS) {
    if (data[key] !== undefined && data[key] !== null) found.push({ path: at(key), flag, value: String(data[key]) });
  }
  for (const [key, flag] of LISTS) {
    strings(data[key]).forEach((value, i) => found.push({ path: at(key, i), flag, value }));
  }
  list(data['devices']).forEach((device, i) => found.push({ path: at('devices', i), flag: 'device', value: deviceValue(device) }));
  list(data['volumes']).forEach((volume, i) => {
    const setting = volumeSetting(volume, topVolumes);
    if (setting !== undefined) found.push({ path: at('volumes', i), ...setting });
  });
  return found;
}

/** A service volume as `-v` or `--mount`; a named volume bound to a host folder by its driver_opts counts as that folder. */
function volumeSetting(volume: unknown, topVolumes: Record<string, unknown>): { flag: string; value: string } | undefined {
  if (typeof volume === 'string') {
    const [source = '', target = '', mode = ''] = volume.split(':');
    const bound = boundDevice(topVolumes[source]);
    if (bound !== undefined) return { flag: 'mount', value: `type=bind,source=${bound},target=${target}${mode.split(',').includes('ro') ? ',readonly' : ''}` };
    return { flag: 'volume', value: volume };
  }
  if (typeof volume !== 'object' || volume === null) return undefined;
  const v = volume as Record<string, unknown>;
  const readOnly = isComposeTrue(v['read_only']) ? ',readonly' : '';
  const source = String(v['source'] ?? '');
  if (v['type'] === 'bind') return { flag: 'mount', value: `type=bind,source=${source},target=${String(v['target'] ?? '')}${readOnly}` };
  const bound = boundDevice(topVolumes[source]);
  if (bound !== undefined) return { flag: 'mount', value: `type=bind,source=${bound},target=${String(v['target'] ?? '')}${readOnly}` };
  return undefined;
}

/** `devices:` short `HOST[:CONTAINER[:PERMS]]`, or long `{source, target, permissions}` (compose spec), as docker's --device value. */
function deviceValue(device: unknown): string {
  if (typeof device !== 'object' || device === null) return String(device);
  const { source, target, permissions } = device as Record<string, unknown>;
  return [source, target ?? source, permissions ?? 'rwm'].map(String).join(':');
}

/** compose-go reads `read_only: "yes"` as true too (its interpolation casts y/yes/true/on). */
function isComposeTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && /^(y|yes|true|on)$/i.test(value));
}

/** The host folder a top-level volume's local driver binds (driver_opts o=bind, device=PATH). */
function boundDevice(volume: unknown): string | undefined {
  const opts = (volume as { driver_opts?: Record<string, unknown> } | null | undefined)?.driver_opts;
  const device = opts?.['device'];
  return typeof device === 'string' && isBindOption(String(opts?.['o'] ?? '')) ? device : undefined;
}

export interface ServiceRefusal {
  readonly violation: Violation;
  readonly path: Path;
  readonly allowed: boolean;
  readonly message: string;
}

/**
 * compose's interpolation (${VAR}, ${VAR:-default}, ${VAR-default}, $VAR), with the environment
 * sdocker runs in: a volume written "${DATA:-/etc}:/data" is checked as the path it becomes.
 */
export function interpolate(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/\$\$|\$\{(\w+)(?:(:?)-([^}]*))?\}|\$(\w+)/g, (whole, braced?: string, colon?: string, fallback?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const value = env[braced ?? bare ?? ''];
    if (fallback !== undefined && (value === undefined || (colon === ':' && value === ''))) return fallback;
    return value ?? '';
  });
}

/** The rule context of one setting, as if it were the only option of a docker run. */
function settingContext(service: ServiceView, file: string, setting: Setting, host: HostFacts, env: NodeJS.ProcessEnv): RuleContext | undefined {
  const spec = TABLE.byLong.get(setting.flag);
  if (spec === undefined) return undefined;
  const item: Item = { words: [], opts: [{ spec, value: interpolate(setting.value, env) }] };
  return {
    sub: 'run',
    items: [item],
    policy: service.policy,
    facts: UNKNOWN_FACTS,
    host,
    cwd: dirname(file),
    seccompFile: '',
  };
}

export function findServiceRefusals(service: ServiceView, file: string, topVolumes: Record<string, unknown>, host: HostFacts, allow: readonly string[], env: NodeJS.ProcessEnv): ServiceRefusal[] {
  return settingsOf(service, topVolumes).flatMap((setting) => {
    const ctx = settingContext(service, file, setting, host, env);
    return (ctx === undefined ? [] : findViolations(ctx)).map((violation) => ({
      violation,
      path: setting.path,
      allowed: isAllowed(violation, allow),
      message: refusalMessage(violation).replace(/, or --sd-allow (\S+)$/, ", or allow it: x-sdocker: {allow: [$1]} on the service, or --allow $1"),
    }));
  });
}

/** Volumes allowed only because they are read-only, below a system folder: one note each. */
export function findServiceNotes(service: ServiceView, file: string, topVolumes: Record<string, unknown>, host: HostFacts, env: NodeJS.ProcessEnv): { path: Path; message: string }[] {
  return settingsOf(service, topVolumes).flatMap((setting) => {
    const ctx = settingContext(service, file, setting, host, env);
    return (ctx === undefined ? [] : findReadOnlyBinds(ctx)).map(({ what, folder }) => ({ path: setting.path, message: readOnlyNote(what, folder) }));
  });
}

/** Devices given that are not refused: one warning each, saying what the device gives. */
export function findServiceWarnings(service: ServiceView, file: string, topVolumes: Record<string, unknown>, host: HostFacts, env: NodeJS.ProcessEnv): { path: Path; message: string }[] {
  return settingsOf(service, topVolumes).flatMap((setting) => {
    const ctx = settingContext(service, file, setting, host, env);
    return (ctx === undefined ? [] : findDeviceWarnings(ctx)).map((message) => ({ path: setting.path, message }));
  });
}
