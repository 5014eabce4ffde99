// Named volumes in `-v` and `--mount` values: the ones docker creates when missing, whose new
// root folder takes the owner of the image folder it is mounted over (docker's copy-up).
import { splitCsv } from './values.js';

export interface NamedVolume {
  readonly name: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** A volume name as the daemon accepts it (moby daemon/names: RestrictedNamePattern); anything else is a path. */
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** `-v NAME:/path[:OPTS]`; undefined for a bind (a path) or an anonymous volume (no source). */
export function volumeOfV(text: string): NamedVolume | undefined {
  const [source = '', target = '', options = ''] = text.split(':');
  if (target === '' || !VOLUME_NAME.test(source)) return undefined;
  return { name: source, target, readOnly: options.split(',').includes('ro') };
}

/** `--mount type=volume,source=NAME,target=/path`; undefined for other types, and for a volume with its own driver or options. */
export function volumeOfMount(text: string): NamedVolume | undefined {
  const keys = new Map<string, string>();
  for (const field of splitCsv(text)) {
    const eq = field.indexOf('=');
    keys.set((eq === -1 ? field : field.slice(0, eq)).trim().toLowerCase(), eq === -1 ? '' : field.slice(eq + 1));
  }
  if ((keys.get('type') ?? 'volume') !== 'volume' || keys.has('volume-driver') || keys.has('volume-opt')) return undefined;
  const name = keys.get('source') ?? keys.get('src') ?? '';
  const target = keys.get('target') ?? keys.get('dst') ?? keys.get('destination') ?? '';
  if (target === '' || !VOLUME_NAME.test(name)) return undefined;
  const ro = keys.get('readonly') ?? keys.get('ro');
  return { name, target, readOnly: ro !== undefined && (ro === '' || ['1', 'true'].includes(ro.toLowerCase())) };
}

/** Every named volume of a run's `-v` and `--mount` values. */
export function namedVolumes(volumes: readonly string[], mounts: readonly string[]): NamedVolume[] {
  return [...volumes.map(volumeOfV), ...mounts.map(volumeOfMount)].filter((v): v is NamedVolume => v !== undefined);
}
