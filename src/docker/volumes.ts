// Named volumes in `-v` and `--mount` values: the ones docker creates when missing, whose new
// root folder takes the owner of the image folder it is mounted over (docker's copy-up).
import { readMount } from './mount.js';

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
  const mount = readMount(text);
  if (mount.type !== 'volume' || mount.volumeDriver !== undefined || mount.volumeOpts.size > 0) return undefined;
  const name = mount.source ?? '';
  if (mount.target === '' || !VOLUME_NAME.test(name)) return undefined;
  return { name, target: mount.target, readOnly: mount.readOnly };
}

/** Every named volume of a run's `-v` and `--mount` values. */
export function namedVolumes(volumes: readonly string[], mounts: readonly string[]): NamedVolume[] {
  return [...volumes.map(volumeOfV), ...mounts.map(volumeOfMount)].filter((v): v is NamedVolume => v !== undefined);
}
