// Sources that can be swapped (issue 21): a bind's source is looked up again each time the
// container starts (runc mounts the path as it then resolves), and so is a --device path. If
// the container itself can write the folder that holds one of its sources (through another,
// writable bind above it), or another container can, it can replace that source with a
// symlink to /etc or a disk and exit: the injected `restart: on-failure` (or the next `docker
// start`) then mounts what the symlink names. So a source below a writable bind of anyone's is
// refused, and so is a writable bind above another container's source. Every path the lookup
// passes through counts: the path as written, each symlink met on the way, and the end.
import { lstatSync, readlinkSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { RawContainer } from '../audit/types.js';
import type { HostFacts } from '../policy/context.js';
import type { Violation } from '../policy/refusals.js';

/** Another container's mounts, as GET /containers/json?all=1 lists them. */
export interface OtherContainer {
  readonly id: string;
  readonly name: string;
  readonly mounts: readonly { readonly type: string; readonly source: string; readonly rw: boolean }[];
}

const FIX = 'bind the folder that holds it instead, make the bind above it read-only, or use a named volume';

interface Source {
  readonly path: string;
  readonly what: string;
}

export function swappableSources(made: { readonly raw: RawContainer; readonly others: readonly OtherContainer[] }, host: HostFacts): Violation[] {
  const local = host.engineSocket !== undefined;
  const own = made.raw.Mounts.filter((m) => m.Type === 'bind');
  const devices = ((made.raw.HostConfig['Devices'] as { PathOnHost?: string }[] | null | undefined) ?? []).map((d) => d.PathOnHost ?? '').filter((p) => p !== '');
  const sources: Source[] = [...own.map((m) => ({ path: m.Source, what: `-v ${m.Source}:${m.Destination}` })), ...devices.map((path) => ({ path, what: `--device ${path}` }))];
  const writers = own.filter((m) => m.RW).map((m) => ({ path: m.Source, by: `its own writable bind ${m.Source}:${m.Destination}` }));
  const others = made.others.filter((c) => c.id !== made.raw.Id);
  const otherWriters = others.flatMap((c) => c.mounts.filter((m) => m.type === 'bind' && m.rw).map((m) => ({ path: m.source, by: `container ${c.name}'s writable bind of ${m.source}` })));
  const found: Violation[] = [];
  for (const source of sources) {
    const writer = [...writers, ...otherWriters].find((w) => holdsAny(w.path, lookupPaths(source.path, local), host));
    if (writer !== undefined) found.push({ rule: 'swappable-source', detail: source.path, what: `${source.what} (the folder that holds it can be changed through ${writer.by}; as the engine made the container)`, fix: FIX });
  }
  // The other way round: this container's writable bind above another container's source.
  for (const w of writers) {
    for (const c of others) {
      const theirs = c.mounts.find((m) => m.type === 'bind' && holdsAny(w.path, lookupPaths(m.source, local), host));
      if (theirs !== undefined) found.push({ rule: 'swappable-source', detail: w.path, what: `${w.by.replace('its own ', '-v ')} (holds ${theirs.source}, which container ${c.name} binds: this container could swap it)`, fix: FIX });
    }
  }
  return found;
}

/** Whether the writable folder (as written or resolved) strictly holds any of the paths. */
function holdsAny(folder: string, paths: readonly string[], host: HostFacts): boolean {
  const roots = [...new Set([resolve(folder), host.realpath(folder)])];
  return roots.some((root) => paths.some((path) => path !== root && (root === sep ? path.startsWith(sep) : path.startsWith(`${root}${sep}`))));
}

/** The path, every symlink the lookup of it meets (where the link itself lives), and where it ends. */
export function lookupPaths(path: string, local: boolean): string[] {
  const start = resolve(path);
  if (!local) return [start];
  const seen = [start];
  let current: string = sep;
  const rest = start.split(sep).filter(Boolean);
  for (let hops = 0; rest.length > 0 && hops < 64; hops += 1) {
    const next = join(current, rest.shift() as string);
    const link = readLink(next);
    if (link === undefined) {
      current = next;
      continue;
    }
    seen.push(next);
    rest.unshift(...(isAbsolute(link) ? link : join(current, link)).split(sep).filter(Boolean));
    current = sep;
  }
  seen.push(join(current, ...rest));
  return [...new Set(seen)];
}

function readLink(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}
