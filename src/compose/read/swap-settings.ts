// Sources that can be swapped (policy/swap.ts) across a compose project, before compose runs:
// a service's bind or device source below a writable bind of any service of the project (its
// own or another's) is refused, so `sdocker compose up` stops before the first container
// starts, and `harden --check` says so. Containers outside the project are the engine judge's
// (src/judge/swap.ts). Each service's binds are read once per project.
import { dirname } from 'node:path';
import { parseDevice } from '../../docker/device.js';
import { parseMount, parseVolume } from '../../docker/values.js';
import type { HostFacts } from '../../policy/context.js';
import { judgeBind } from '../../policy/mounts.js';
import type { Violation } from '../../policy/refusals.js';
import { SWAP_FIX, swappedBy, type Writer } from '../../policy/swap.js';
import type { EngineView } from './engine-facts.js';
import type { ComposeProject } from './project.js';
import { serviceSettings, type Place } from './settings.js';

interface Source {
  readonly service: string;
  readonly path: string;
  readonly writable: boolean;
  /** The setting as the file writes it. */
  readonly shown: string;
  readonly place: Place;
}

const SOURCES = new WeakMap<ComposeProject, Source[]>();

/** The service's sources that a writable bind of the project (other than itself) can swap. */
export function swapSettings(name: string, project: ComposeProject, host: HostFacts, lists: Parameters<typeof judgeBind>[2], engine?: EngineView): { violation: Violation; place: Place }[] {
  const all = projectSources(project, engine);
  return all
    .filter((source) => source.service === name)
    .flatMap((source) => {
      // A writable bind that hands over the host is refused as such (sensitive-mount): not counted again here.
      const writers: Writer[] = all.filter((w) => w.writable && w !== source && judgeBind({ source: w.path, target: '/', readOnly: false }, host, lists).kind === 'free').map((w) => ({ path: w.path, by: w.service === name ? `the writable ${w.shown}` : `service ${w.service}'s writable ${w.shown}` }));
      const writer = swappedBy(source.path, writers, host);
      return writer === undefined ? [] : [{ place: source.place, violation: { rule: 'swappable-source', detail: source.path, what: `${source.shown} (the folder that holds it can be changed through ${writer.by})`, fix: SWAP_FIX } }];
    });
}

function projectSources(project: ComposeProject, engine?: EngineView): Source[] {
  const known = SOURCES.get(project);
  if (known !== undefined) return known;
  const cwd = dirname(project.file);
  const sources = project.serviceNames.flatMap((service) =>
    serviceSettings(project, service, engine).settings.flatMap((setting): Source[] => {
      if (!('flag' in setting)) return [];
      const shown = setting.shown ?? `${setting.flag === 'device' ? 'devices' : 'volumes'}: ${setting.value}`;
      if (setting.flag === 'volume') {
        const bind = parseVolume(setting.value, cwd);
        return bind === undefined ? [] : [{ service, path: bind.source, writable: !bind.readOnly, shown, place: setting }];
      }
      if (setting.flag === 'mount') return parseMount(setting.value, cwd).binds.filter((b) => b.refusal === undefined).map((b) => ({ service, path: b.source, writable: !b.readOnly, shown, place: setting }));
      const device = setting.flag === 'device' ? parseDevice(setting.value) : undefined;
      return device?.kind === 'path' ? [{ service, path: device.mapping.host, writable: false, shown, place: setting }] : [];
    }),
  );
  SOURCES.set(project, sources);
  return sources;
}
