// The grammar of options that borrow from what already exists: `--volumes-from X[:MODE]`,
// `--network|--pid|--ipc container:X`, and the named volumes of `-v` and `--mount`.
import { goLower } from './go-case.js';
import { parseBool } from './parse.js';
import { networkName, splitCsv } from './values.js';
import { volumeOfV } from './volumes.js';

/** moby volume/mounts linux_parser.go ParseVolumesFrom: `ID[:MODE]`, split at the first colon; read-only when MODE holds `ro`. */
export function parseVolumesFrom(spec: string): { ref: string; readOnly: boolean } {
  const colon = spec.indexOf(':');
  if (colon === -1) return { ref: bareName(spec), readOnly: false };
  return { ref: bareName(spec.slice(0, colon)), readOnly: spec.slice(colon + 1).split(',').includes('ro') };
}

/**
 * The container a namespace value joins: `container:X` (moby container.NetworkMode.IsContainer
 * and friends: the prefix before the first colon), also as docker 28's `--network name=container:X,...`.
 * The prefix is matched in any case: reading too much here only asks the engine once more.
 */
export function containerRef(value: string): string | undefined {
  const mode = networkName(value);
  const colon = mode.indexOf(':');
  if (colon === -1 || goLower(mode.slice(0, colon).trim()) !== 'container') return undefined;
  const ref = bareName(mode.slice(colon + 1).trim());
  return ref === '' ? undefined : ref;
}

/** docker accepts a container's name with its leading slash (`/db`, as inspect shows it). */
function bareName(ref: string): string {
  return ref.replace(/^\/+/, '');
}

/** A named volume a run mounts, with the option as written. */
export interface VolumeRef {
  readonly name: string;
  readonly target: string;
  readonly readOnly: boolean;
  readonly what: string;
}

/** Every named volume of `-v NAME:/x` and `--mount type=volume,src=NAME` (also with volume-opt: an existing volume keeps its own definition). */
export function namedVolumeRefs(volumes: readonly string[], mounts: readonly string[]): VolumeRef[] {
  const fromV = volumes.flatMap((text) => {
    const volume = volumeOfV(text);
    return volume === undefined ? [] : [{ ...volume, what: `-v ${text}` }];
  });
  const fromMount = mounts.flatMap((text) => {
    const volume = volumeOfMountAny(text);
    return volume === undefined ? [] : [{ ...volume, what: `--mount ${text}` }];
  });
  return [...fromV, ...fromMount];
}

/** docker/cli opts/mount.go: keys and the type in any case; `readonly`/`ro` bare or strconv.ParseBool. */
function volumeOfMountAny(text: string): Omit<VolumeRef, 'what'> | undefined {
  const keys = new Map<string, string | undefined>();
  for (const field of splitCsv(text)) {
    const eq = field.indexOf('=');
    keys.set(goLower((eq === -1 ? field : field.slice(0, eq)).trim()), eq === -1 ? undefined : field.slice(eq + 1));
  }
  if (goLower((keys.get('type') ?? 'volume').trim()) !== 'volume') return undefined;
  const name = keys.get('source') ?? keys.get('src') ?? '';
  if (name === '' || name.startsWith('/')) return undefined;
  const target = keys.get('target') ?? keys.get('dst') ?? keys.get('destination') ?? '';
  const ro = keys.has('readonly') ? keys.get('readonly') : keys.get('ro');
  const readOnly = (keys.has('readonly') || keys.has('ro')) && (ro === undefined || parseBool(ro) === true);
  return { name, target, readOnly };
}
