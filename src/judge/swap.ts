// Swappable sources (policy/swap.ts) as the engine made the container: its own bind and device
// sources below one of its own writable binds or another container's, and its own writable
// binds above another container's source (the other way round). Other containers come from
// GET /containers/json?all=1, which lists every container's mounts.
import type { RawContainer } from '../audit/types.js';
import type { HostFacts } from '../policy/context.js';
import { judgeBind } from '../policy/mounts.js';
import type { Violation } from '../policy/refusals.js';
import { SWAP_FIX, swappedBy, type Writer } from '../policy/swap.js';

/** Another container's mounts, as GET /containers/json?all=1 lists them. */
export interface OtherContainer {
  readonly id: string;
  readonly name: string;
  readonly mounts: readonly { readonly type: string; readonly source: string; readonly rw: boolean }[];
}

type PathLists = Parameters<typeof judgeBind>[2];

const AS_MADE = 'as the engine made the container';

export function swappableSources(made: { readonly raw: RawContainer; readonly others: readonly OtherContainer[] }, host: HostFacts, lists: PathLists): Violation[] {
  const own = made.raw.Mounts.filter((m) => m.Type === 'bind');
  const devices = ((made.raw.HostConfig['Devices'] as { PathOnHost?: string }[] | null | undefined) ?? []).map((d) => d.PathOnHost ?? '').filter((p) => p !== '');
  const sources = [...own.map((m) => ({ path: m.Source, what: `-v ${m.Source}:${m.Destination}` })), ...devices.map((path) => ({ path, what: `--device ${path}` }))];
  // A writable bind that hands over the host is refused as such (sensitive-mount): not counted again here.
  const writers: Writer[] = own.filter((m) => m.RW && !holdsHost(m.Source, host, lists)).map((m) => ({ path: m.Source, by: `its own writable bind ${m.Source}:${m.Destination}` }));
  const others = made.others.filter((c) => c.id !== made.raw.Id);
  // A container that writes a system folder or secret path already has the host: that is the
  // audit's finding about it, not a reason to refuse every other run on the engine.
  const otherWriters: Writer[] = others.flatMap((c) => c.mounts.filter((m) => m.type === 'bind' && m.rw && !holdsHost(m.source, host, lists)).map((m) => ({ path: m.source, by: `container ${c.name}'s writable bind of ${m.source}` })));
  const found: Violation[] = [];
  for (const source of sources) {
    const writer = swappedBy(source.path, [...writers, ...otherWriters], host);
    if (writer !== undefined) found.push({ rule: 'swappable-source', detail: source.path, what: `${source.what} (the folder that holds it can be changed through ${writer.by}; ${AS_MADE})`, fix: SWAP_FIX });
  }
  // The other way round: this container's writable bind above another container's source.
  for (const writer of writers) {
    for (const c of others) {
      const theirs = c.mounts.find((m) => m.type === 'bind' && swappedBy(m.source, [writer], host) !== undefined);
      if (theirs !== undefined) found.push({ rule: 'swappable-source', detail: writer.path, what: `-v ${writer.by.replace('its own writable bind ', '')} (holds ${theirs.source}, which container ${c.name} binds: this container could swap it; ${AS_MADE})`, fix: SWAP_FIX });
    }
  }
  return found;
}

/** Whether a writable bind of `source` is refused by the path lists (it hands over the host itself). */
function holdsHost(source: string, host: HostFacts, lists: PathLists): boolean {
  return judgeBind({ source, target: '/', readOnly: false }, host, lists).kind !== 'free';
}
