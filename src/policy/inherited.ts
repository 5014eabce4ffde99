// What a run inherits from what already exists: the mounts of a `--volumes-from` donor, the
// namespace of a `container:X` it joins, the definition of a named volume. Each is judged as if
// written directly (issue 8 point 2), so `--volumes-from X` is refused when X holds the engine's
// socket, and `--pid container:X` when X shares the host's PID namespace. Pure: the engine's
// answers come in ctx.facts.inherited (src/planner/inherited-facts.ts asks for them).
import { containerRef, namedVolumeRefs, parseVolumesFrom } from '../docker/inherit.js';
import { localVolumeBinds } from '../docker/local-volume.js';
import type { OptionView, RuleContext } from './context.js';
import type { Bind } from './mounts.js';
import type { ContainerConfig, InheritedFacts, MountFact, VolumeDefinition } from './inherited-facts.js';

export type { ContainerConfig, InheritedFacts, MountFact, VolumeDefinition } from './inherited-facts.js';

export type SharedNamespace = 'network' | 'pid' | 'ipc';

export const SHARED_NAMESPACES: readonly SharedNamespace[] = ['network', 'pid', 'ipc'];

const MODE: Readonly<Record<SharedNamespace, (c: ContainerConfig) => string>> = {
  network: (c) => c.networkMode,
  pid: (c) => c.pidMode,
  ipc: (c) => c.ipcMode,
};

/** Longer chains than this are not followed (docker itself refuses most chains at start). */
const MAX_CHAIN = 10;

/** Host paths the run's inherited mounts bind: each judged by judgeBind like a `-v` the user wrote. */
export function inheritedBinds(view: OptionView, ctx: RuleContext): Bind[] {
  // A volume created inline (`--mount ...,volume-opt=...`) is parseMount's (values.ts), judged with the written mounts.
  const facts = ctx.facts.inherited;
  if (facts === undefined) return [];
  const fromDonors = view.values('volumes-from').flatMap((spec) => {
    const { ref, readOnly } = parseVolumesFrom(spec);
    const donor = facts.containers.get(ref);
    // A donor that does not exist: docker itself fails ("No such container").
    return (donor?.mounts ?? []).flatMap((mount) => mountBinds(mount, readOnly, facts, `--volumes-from ${spec}`));
  });
  const fromVolumes = namedVolumeRefs(view.values('volume'), view.values('mount')).flatMap((ref) =>
    volumeBinds(facts.volumes.get(ref.name), ref.readOnly, ref.target, (source) => `${ref.what} (volume ${ref.name} mounts ${source})`),
  );
  return [...fromDonors, ...fromVolumes];
}

/** Namespaces joined through `container:X` that are, at the end of the chain, the host's. */
export function inheritedHostNamespaces(view: OptionView, ctx: RuleContext): { flag: SharedNamespace; what: string }[] {
  const facts = ctx.facts.inherited;
  if (facts === undefined) return [];
  return SHARED_NAMESPACES.flatMap((flag) =>
    view.values(flag).flatMap((value) => {
      const ref = containerRef(value);
      const via = ref === undefined ? undefined : hostVia(facts, flag, ref);
      return via === undefined ? [] : [{ flag, what: `--${flag} ${value} (${via} uses the host's ${flag === 'network' ? 'network' : flag.toUpperCase()} namespace)` }];
    }),
  );
}

/** What a dry run without an engine cannot judge; undefined when nothing is inherited or it was judged. */
export function unjudgedInheritance(view: OptionView, ctx: RuleContext): string | undefined {
  if (ctx.facts.inherited !== undefined) return undefined;
  const written = [
    ...view.values('volumes-from').map((v) => `--volumes-from ${v}`),
    ...SHARED_NAMESPACES.flatMap((flag) => view.values(flag).filter((v) => containerRef(v) !== undefined).map((v) => `--${flag} ${v}`)),
    ...namedVolumeRefs(view.values('volume'), view.values('mount')).map((ref) => ref.what),
  ];
  if (written.length === 0) return undefined;
  return `sdocker: ${written.join(', ')}: what these bring in (mounts, host namespaces, a volume's bind) could not be judged without the engine; a real run refuses them when they carry a danger`;
}

/** The container whose namespace is the host's, following `container:` chains; undefined when none is. */
function hostVia(facts: InheritedFacts, flag: SharedNamespace, first: string): string | undefined {
  const seen = new Set<string>();
  let ref = first;
  for (let depth = 0; depth < MAX_CHAIN && !seen.has(ref); depth += 1) {
    seen.add(ref);
    const config = facts.containers.get(ref);
    if (config === undefined) return undefined;
    const mode = MODE[flag](config);
    if (mode.trim().toLowerCase() === 'host') return ref === first ? first : `${first}, through ${ref},`;
    const next = containerRef(mode);
    if (next === undefined) return undefined;
    ref = next;
  }
  return undefined;
}

function mountBinds(mount: MountFact, readOnly: boolean, facts: InheritedFacts, via: string): Bind[] {
  const ro = readOnly || !mount.rw;
  if (mount.type === 'bind') {
    return [{ source: mount.source, target: mount.destination, readOnly: ro, what: `${via} (brings -v ${mount.source}:${mount.destination}${ro ? ':ro' : ''})` }];
  }
  if (mount.type !== 'volume' || mount.name === undefined) return [];
  const name = mount.name;
  return volumeBinds(facts.volumes.get(name), ro, mount.destination, (source) => `${via} (brings volume ${name}, which mounts ${source})`);
}

/** The host paths a volume's definition mounts (a local volume's bind, block device or overlay folders). */
function volumeBinds(definition: VolumeDefinition | undefined, readOnly: boolean, target: string, what: (source: string) => string): Bind[] {
  // Another driver's options mean what its plugin makes of them: not judged here.
  if (definition === undefined || definition.driver !== 'local') return [];
  return localVolumeBinds(definition.options).map((bind) => ({ ...bind, target, readOnly: readOnly || bind.readOnly, what: what(bind.source) }));
}
