// Which services of the hardened model run as a user sdocker injected and mount a volume of the
// file writable: their new volumes get their root folder given to that user (src/volumes/). The
// volume entries are read as the refusals read them (mount-settings.ts namedOnEngine).
import type { ServiceVolumes } from '../../volumes/compose.js';
import { probeView } from '../read/engine-facts.js';
import { namedOnEngine } from '../read/mount-settings.js';
import { ComposeProject } from '../read/project.js';
import type { ServiceEdit } from '../keys/types.js';

type Data = Record<string, unknown>;

/** `model`: compose's own `config` of the project (interpolated), `file` naming it. */
export function injectedUserVolumes(file: string, model: Data, edits: readonly ServiceEdit[], project: string): ServiceVolumes[] {
  const services = (model['services'] ?? {}) as Record<string, Data>;
  const compose = new ComposeProject(file, model, {});
  const view = probeView(project);
  return edits.flatMap(({ rule, service, edit }) => {
    if (rule !== 'user' || edit.kind !== 'set' || edit.path.join('.') !== 'user') return [];
    const entries = (services[service]?.['volumes'] ?? []) as unknown[];
    const volumes = entries.flatMap((entry) => namedOnEngine(compose, entry, { path: [], origin: undefined }, view)).flatMap((setting) => {
      const [name = '', target = '', mode] = 'value' in setting ? setting.value.split(':') : [];
      return mode === 'ro' || name === '' ? [] : [{ name, target }];
    });
    return volumes.length === 0 ? [] : [{ service, user: String(edit.value), volumes }];
  });
}
