// `--device` as the docker CLI reads it for a Linux engine (docker/cli
// cli/command/container/opts.go, v28: validateLinuxPath, then parseLinuxDevice), and
// `--device-cgroup-rule` (its deviceCgroupRuleRegexp).
import { posix } from 'node:path';

export interface DeviceMapping {
  /** As sent to the engine: cleaned (path.Clean) only when written alone or with a mode, as docker does. */
  readonly host: string;
  readonly container: string;
  readonly permissions: string;
}

export type DeviceValue =
  | { readonly kind: 'path'; readonly mapping: DeviceMapping }
  /** A CDI device name (`vendor/class=name`): the engine host's CDI spec says what it gives. */
  | { readonly kind: 'cdi'; readonly name: string }
  /** A value docker itself rejects ("bad format for path"). */
  | { readonly kind: 'invalid' };

// tags.cncf.io/container-device-interface parser: vendor and class start with a letter and
// end with a letter or digit; a name starts and ends with a letter or digit. Kept no wider
// than CDI's own test, so a value it does not take is judged as the path docker makes of it.
const CDI_NAME = /^[A-Za-z](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\/[A-Za-z](?:[A-Za-z0-9._-]*[A-Za-z0-9])?=[A-Za-z0-9](?:[A-Za-z0-9_.:-]*[A-Za-z0-9])?$/;

/** docker's validDeviceMode: a non-empty mix of r, w and m, each at most once. */
export function isDeviceMode(text: string): boolean {
  return text !== '' && /^[rwm]+$/.test(text) && new Set(text).size === text.length;
}

export function parseDevice(text: string): DeviceValue {
  if (CDI_NAME.test(text)) return { kind: 'cdi', name: text };
  const parts = text.split(':');
  if (parts.length > 3 || parts[0] === '') return { kind: 'invalid' };
  const [first = '', second, third] = parts;
  let mapping: DeviceMapping;
  if (second === undefined) mapping = { host: clean(first), container: clean(first), permissions: 'rwm' };
  else if (third === undefined && isDeviceMode(second)) mapping = { host: clean(first), container: clean(first), permissions: second };
  else if (third === undefined) mapping = { host: first, container: second, permissions: 'rwm' };
  else if (isDeviceMode(third)) mapping = { host: first, container: second, permissions: third };
  else return { kind: 'invalid' };
  return posix.isAbsolute(mapping.container) ? { kind: 'path', mapping } : { kind: 'invalid' };
}

/** Go's path.Clean: normalised, without a trailing slash. */
function clean(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

export interface CgroupRule {
  readonly type: 'a' | 'b' | 'c';
  /** A number, or '*'. */
  readonly major: string;
  readonly minor: string;
  readonly access: string;
}

/** `TYPE MAJOR:MINOR ACCESS` as docker's client accepts it; undefined for what it rejects. */
export function parseCgroupRule(text: string): CgroupRule | undefined {
  const match = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/.exec(text);
  if (match === null) return undefined;
  const [, type, major = '', minor = '', access = ''] = match;
  return { type: type as CgroupRule['type'], major, minor, access };
}
