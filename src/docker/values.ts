// The grammars of docker's structured flag values, as the CLI and daemon read them.
import { isAbsolute, resolve } from 'node:path';
import { goLower } from './go-case.js';
import { isBindOption, localVolumeBinds, type VolumeBind } from './local-volume.js';
import { csvRecord, readMount } from './mount.js';

/**
 * `--security-opt` (cli/command/container/opts.go parseSecurityOpts, and the daemon's
 * parseSecurityOpt): `key=value`; only without any `=`, legacy `key:value`; or a bare word.
 */
export function parseSecurityOpt(text: string): { key: string; value: string | undefined } {
  if (text === 'no-new-privileges') return { key: text, value: undefined };
  if (text === 'disable') return { key: 'label', value: 'disable' };
  const at = text.includes('=') ? text.indexOf('=') : text.indexOf(':');
  return at === -1 ? { key: text, value: undefined } : { key: text.slice(0, at), value: text.slice(at + 1) };
}

/** A host path a mount binds into the container, with where it was written. */
export interface HostBind {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/**
 * `-v SRC:DST[:OPTS]`: a bind when SRC is a path: absolute, or any source that starts with `.`,
 * which the docker CLI makes absolute from the working folder (`.foo`, `...`, `.x/../..`:
 * docker/cli run opts, `strings.HasPrefix(hostPart, ".")` then filepath.Abs; measured with
 * docker 28.2); else a named or anonymous volume.
 * Read-only as the daemon decides (volume/mounts/linux_parser.go ReadWrite): `ro` among the
 * comma-separated modes of the third field (`ro,z`, `z,ro`); `RO` or a fourth field is an error there.
 */
export function parseVolume(text: string, cwd: string): HostBind | undefined {
  const parts = text.split(':');
  if (parts.length < 2) return undefined;
  const [source = '', target = '', options = ''] = parts;
  if (!isAbsolute(source) && !source.startsWith('.')) return undefined;
  return { source: resolve(cwd, source), target, readOnly: parts.length === 3 && options.split(',').includes('ro') };
}

/** Fields of a CSV value (`--mount`, `--network name=...`), as docker's encoding/csv reader reads its one record. */
export function splitCsv(text: string): string[] {
  return csvRecord(text);
}

/** A host path a `--mount` shows, or a local volume definition refused outright (local-volume.ts). */
export type MountBind = HostBind & Pick<VolumeBind, 'refusal'>;

/**
 * `--mount type=...,source=...,target=...`: the host paths it shows: a bind's source, or what a
 * local volume created inline mounts (its `volume-opt` type, device and o, judged as mount(2) reads them).
 */
export function parseMount(text: string, cwd: string): { type: string; target: string; binds: MountBind[] } {
  const mount = readMount(text);
  const { type, target } = mount;
  const readOnly = mount.readOnly && !mount.recursiveWritable;
  if (type === 'bind' && mount.source !== undefined) return { type, target, binds: [{ source: resolve(cwd, mount.source), target, readOnly }] };
  if (type !== 'volume') return { type, target, binds: [] };
  const binds = localVolumeBinds(Object.fromEntries(mount.volumeOpts)).map((bind) => ({ ...bind, target, readOnly: readOnly || bind.readOnly }));
  return { type, target, binds };
}

export { isBindOption };

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

/**
 * The network (or namespace mode) a `--network` value names, as docker/cli opts/network.go reads
 * it: the advanced syntax when the value matches `\w+=\w+(,\w+=\w+)*` anywhere (Go's
 * unanchored MatchString), one CSV record whose every field is lower-cased whole with Go's
 * strings.ToLower (key and value: `name=CONTAİNER:DB` is `container:db`), trimmed, the last
 * `name` winning; else the value as written (the daemon then compares it exactly).
 */
export function networkName(value: string): string {
  if (!/\w+=\w+(,\w+=\w+)*/.test(value)) return value.trim();
  const named = splitCsv(value)
    .map((field) => goLower(field))
    .filter((field) => field.includes('=') && field.slice(0, field.indexOf('=')).trim() === 'name')
    .at(-1);
  return named === undefined ? '' : named.slice(named.indexOf('=') + 1).trim();
}
