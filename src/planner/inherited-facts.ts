// Asking the engine what a run inherits: the containers it borrows volumes or namespaces from,
// the containers those join in turn, and the named volumes it or its donors mount. Asked only
// when the run has such options, in parallel with the image and info (src/planner/facts.ts).
import { containerRef, namedVolumeRefs, parseVolumesFrom } from '../docker/inherit.js';
import type { Engine, VolumeState } from '../engine/engine.js';
import type { ContainerConfig, InheritedFacts, VolumeDefinition } from '../policy/inherited-facts.js';

/** What a run names that already exists: donors of volumes, containers whose namespace it joins, named volumes. */
export interface InheritAsk {
  readonly donors: readonly string[];
  readonly namespaces: readonly string[];
  readonly volumes: readonly string[];
}

/** Namespace chains longer than this are not followed (see policy/inherited.ts MAX_CHAIN). */
const MAX_ROUNDS = 10;

/** From the run's option values (by documented long name); empty lists when nothing is inherited. */
export function inheritAsk(values: (long: string) => string[]): InheritAsk {
  return {
    donors: values('volumes-from').map((spec) => parseVolumesFrom(spec).ref),
    namespaces: ['network', 'pid', 'ipc'].flatMap((flag) => values(flag).map(containerRef)).filter((ref): ref is string => ref !== undefined),
    volumes: namedVolumeRefs(values('volume'), values('mount')).map((ref) => ref.name),
  };
}

export function asksAnything(ask: InheritAsk): boolean {
  return ask.donors.length + ask.namespaces.length + ask.volumes.length > 0;
}

/** Rounds of parallel questions: first what the run names, then what those name (their volumes, the container they join). */
export async function gatherInherited(engine: Engine, ask: InheritAsk, volume: (name: string) => Promise<VolumeState | undefined>): Promise<InheritedFacts> {
  const containers = new Map<string, ContainerConfig | undefined>();
  const volumes = new Map<string, VolumeDefinition | undefined>();
  let refs = [...new Set([...ask.donors, ...ask.namespaces])];
  let names = [...new Set(ask.volumes)];
  const donors = new Set(ask.donors);
  for (let round = 0; round < MAX_ROUNDS && refs.length + names.length > 0; round += 1) {
    const [found, defined] = await Promise.all([Promise.all(refs.map((ref) => engine.inspectContainer(ref))), Promise.all(names.map(volume))]);
    refs.forEach((ref, i) => containers.set(ref, found[i]?.config));
    names.forEach((name, i) => volumes.set(name, defined[i]));
    const next = followUps(refs, containers, donors);
    refs = next.refs.filter((ref) => !containers.has(ref));
    names = next.names.filter((name) => !volumes.has(name));
  }
  return { containers, volumes };
}

/** The containers the just-inspected ones join (namespace chains) and the local volumes the donors mount. */
function followUps(refs: readonly string[], containers: ReadonlyMap<string, ContainerConfig | undefined>, donors: ReadonlySet<string>): { refs: string[]; names: string[] } {
  const next = { refs: new Set<string>(), names: new Set<string>() };
  for (const ref of refs) {
    const config = containers.get(ref);
    if (config === undefined) continue;
    for (const mode of [config.networkMode, config.pidMode, config.ipcMode]) {
      const joined = containerRef(mode);
      if (joined !== undefined) next.refs.add(joined);
    }
    if (!donors.has(ref)) continue;
    for (const mount of config.mounts) {
      if (mount.type === 'volume' && mount.name !== undefined && (mount.driver ?? 'local') === 'local') next.names.add(mount.name);
    }
  }
  return { refs: [...next.refs], names: [...next.names] };
}
