// The grammars of docker's structured flag values, as the CLI and daemon read them.
import { isAbsolute, resolve } from 'node:path';
import { parseBool } from './parse.js';

/** `--security-opt` (cli/command/container/opts.go parseSecurityOpts): `key=value`, legacy `key:value`, or a bare word. */
export function parseSecurityOpt(text: string): { key: string; value: string | undefined } {
  if (text === 'no-new-privileges') return { key: text, value: undefined };
  if (text === 'disable') return { key: 'label', value: 'disable' };
  const at = text.search(/[=:]/);
  return at === -1 ? { key: text, value: undefined } : { key: text.slice(0, at), value: text.slice(at + 1) };
}

/** A host path a mount binds into the container, with where it was written. */
export interface HostBind {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/**
 * `-v SRC:DST[:OPTS]`: a bind when SRC is a path (absolute, or relative as `./x`, `../x`, `~`-free); else a named or anonymous volume.
 * Read-only as the daemon decides (volume/mounts/linux_parser.go ReadWrite): `ro` among the
 * comma-separated modes of the third field (`ro,z`, `z,ro`); `RO` or a fourth field is an error there.
 */
export function parseVolume(text: string, cwd: string): HostBind | undefined {
  const parts = text.split(':');
  if (parts.length < 2) return undefined;
  const [source = '', target = '', options = ''] = parts;
  if (!isAbsolute(source) && !source.startsWith('./') && !source.startsWith('../') && source !== '.' && source !== '..') return undefined;
  return { source: resolve(cwd, source), target, readOnly: parts.length === 3 && options.split(',').includes('ro') };
}

/** Fields of a CSV value (`--mount`), as encoding/csv reads them: commas split, double quotes group. */
export function splitCsv(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (c === '"' && quoted && text[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  fields.push(field);
  return fields;
}

/** `--mount type=...,source=...,target=...`: the host path it binds, if any (a bind, or a local volume with `o=bind` or a path as `device`). */
export function parseMount(text: string, cwd: string): (HostBind & { type: string }) | { type: string; target: string } {
  const keys = new Map<string, string>();
  const volumeOpts = new Map<string, string>();
  let readOnly = false;
  for (const field of splitCsv(text)) {
    const eq = field.indexOf('=');
    const key = (eq === -1 ? field : field.slice(0, eq)).trim().toLowerCase();
    const value = eq === -1 ? '' : field.slice(eq + 1);
    if (key === 'volume-opt') {
      const inner = value.indexOf('=');
      volumeOpts.set(value.slice(0, inner === -1 ? undefined : inner), inner === -1 ? '' : value.slice(inner + 1));
    } else if (key === 'readonly' || key === 'ro') {
      // docker/cli opts/mount.go: a bare `readonly`, or strconv.ParseBool of its value.
      readOnly = eq === -1 || parseBool(value) === true;
    } else {
      keys.set(key, value);
    }
  }
  // `bind-recursive=writable` leaves the mounts below the source writable (docker >= 25).
  if (keys.get('bind-recursive')?.toLowerCase() === 'writable') readOnly = false;
  const type = (keys.get('type') ?? 'volume').toLowerCase();
  const target = keys.get('target') ?? keys.get('dst') ?? keys.get('destination') ?? '';
  const source = keys.get('source') ?? keys.get('src');
  if (type === 'bind' && source !== undefined) return { type, source: resolve(cwd, source), target, readOnly };
  const device = volumeOpts.get('device');
  // A device that is a path, bind option or not, is judged as that path (fail closed: `type=ext4,device=/dev/sda1` mounts the host's disk).
  if (type === 'volume' && device !== undefined && (isBindOption(volumeOpts.get('o') ?? '') || isAbsolute(device))) {
    return { type, source: resolve(cwd, device), target, readOnly };
  }
  return { type, target };
}

/** A local volume's `o` option that makes its `device` a bind of a host path (bind or rbind). */
export function isBindOption(o: string): boolean {
  return /(^|,)r?bind($|,)/.test(o);
}

/** The container path of a `--tmpfs PATH[:OPTS]`. */
export function tmpfsTarget(text: string): string {
  return text.split(':')[0] ?? text;
}

/** `-p [IP:][HOST:]CONTAINER[/PROTO]` split as docker/go-connections nat.splitParts does. */
export interface PortSpec {
  readonly ip: string | undefined;
  readonly host: string;
  readonly container: string;
}

export function parsePort(text: string): PortSpec {
  const parts = text.split(':');
  const container = parts[parts.length - 1] as string;
  if (parts.length === 1) return { ip: undefined, host: '', container };
  if (parts.length === 2) return { ip: undefined, host: parts[0] as string, container };
  return { ip: parts.slice(0, -2).join(':'), host: parts[parts.length - 2] as string, container };
}

export function renderPort(spec: PortSpec): string {
  return spec.ip === undefined ? [spec.host, spec.container].filter((p, i) => i === 1 || p !== '').join(':') : `${spec.ip}:${spec.host}:${spec.container}`;
}

/** `80`, `80/udp`, `8000-8010/tcp` as a list of `PORT/PROTO` keys (docker's ExposedPorts form). */
export function expandPorts(text: string): string[] {
  const [range = '', proto = 'tcp'] = text.split('/');
  const [first = '', last = first] = range.split('-');
  const start = Number(first);
  const end = Number(last);
  if (!Number.isInteger(start) || !Number.isInteger(end) || end < start || end - start > 65535) return [`${range}/${proto}`];
  return Array.from({ length: end - start + 1 }, (_, i) => `${start + i}/${proto}`);
}
