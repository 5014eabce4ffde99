// Read the engine once into a Snapshot: /info, /version, the default bridge's icc option, the
// containers (every one, or the ones named) inspected in parallel, /top of the running ones
// (processes without `docker exec`), and each distinct image once with its history. Checks
// are pure functions of what this returns.
import { CONCURRENCY, mapLimit, type AuditSource } from './source.js';
import type { ContainerSnapshot, ImageSnapshot, RawContainer, RawImage, Snapshot } from './types.js';

export interface ReadRequest {
  /** Containers or images the user named; undefined: every container. */
  readonly names?: readonly string[];
  /** Read no container unless named (`audit --engine`). */
  readonly engineOnly?: boolean;
  /** Called as containers are inspected. */
  readonly progress?: (done: number, total: number) => void;
}

/** What a name the user gave turned out to be, resolved as docker resolves it: container first, then image. */
export type Named =
  | { readonly name: string; readonly kind: 'container'; readonly id: string }
  | { readonly name: string; readonly kind: 'image'; readonly id: string }
  | { readonly name: string; readonly kind: 'unknown' };

export interface Read {
  readonly snapshot: Snapshot;
  readonly named: readonly Named[];
}

export async function readSnapshot(source: AuditSource, request: ReadRequest = {}): Promise<Read> {
  // /info first: an engine that does not answer fails here, once, before any fan-out.
  const info = await source.info();
  const [version, bridgeIcc] = await Promise.all([source.version(), source.bridgeIcc()]);
  const names = request.names ?? [];
  const ids = request.names === undefined && request.engineOnly !== true ? await source.containerIds() : [];
  let done = 0;
  const tick = (): void => request.progress?.(++done, ids.length + names.length);
  const listed = await source.containers(ids, tick);
  const named = await mapLimit(names, CONCURRENCY, (name) => resolveName(source, name, tick));
  const raws = uniqueBy([...listed, ...named.flatMap((n) => (n.container ? [n.container] : []))], (raw) => raw.Id);
  const containers = await mapLimit(raws, CONCURRENCY, async (raw): Promise<ContainerSnapshot> => ({ raw, processes: raw.State.Running ? await source.top(raw.Id) : undefined }));
  // The user's own name for an image first: it is the name their findings are reported under.
  const wanted = [...named.flatMap((n) => (n.image ? [{ ref: n.named.name, id: n.image.Id, raw: n.image }] : [])), ...raws.map((raw) => ({ ref: raw.Config.Image, id: raw.Image, raw: undefined }))];
  const images = await readImages(source, wanted);
  const snapshot: Snapshot = { engine: { endpoint: source.endpoint, local: source.local, info, version, bridgeIcc }, containers, images };
  return { snapshot, named: named.map((n) => n.named) };
}

interface Resolved {
  readonly named: Named;
  readonly container?: RawContainer;
  readonly image?: RawImage;
}

async function resolveName(source: AuditSource, name: string, tick: () => void): Promise<Resolved> {
  const [container] = await source.containers([name], tick);
  if (container !== undefined) return { named: { name, kind: 'container', id: container.Id }, container };
  const image = await source.image(name);
  if (image !== undefined) return { named: { name, kind: 'image', id: image.Id }, image };
  return { named: { name, kind: 'unknown' } };
}

/** Each distinct image once (by id), under the first reference it was named by. */
async function readImages(source: AuditSource, wanted: readonly { ref: string; id: string; raw: RawImage | undefined }[]): Promise<Map<string, ImageSnapshot>> {
  const distinct = uniqueBy(wanted, (w) => w.id);
  const read = await mapLimit(distinct, CONCURRENCY, async (w): Promise<ImageSnapshot | undefined> => {
    // By id: the container's reference may since name another image (a newer pull).
    const [raw, history] = await Promise.all([w.raw ?? source.image(w.id), source.history(w.id)]);
    return raw === undefined ? undefined : { ref: w.ref, raw, history };
  });
  return new Map(read.flatMap((image) => (image === undefined ? [] : [[image.raw.Id, image] as const])));
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && seen.add(key(item)) !== undefined);
}
