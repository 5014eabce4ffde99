// Sources that can be swapped (rule swappable-source, issue 21): a bind's source and a --device
// path are looked up again each time the container starts (runc mounts the path as it then
// resolves). Whoever can write the folder that holds one (through a writable bind of it or of a
// folder above it) can replace it with a symlink to /etc or a disk; the injected `restart:
// on-failure`, or the next `docker start`, then mounts what the symlink names. Every path the
// lookup passes through counts: the path as written, each symlink met on the way, and the end.
import { resolve, sep } from 'node:path';
import type { HostFacts } from './context.js';

/** A writable bind: who can change what is below its source. */
export interface Writer {
  readonly path: string;
  /** Who writes through it, for the message: `its own writable bind /a:/b`, `container x's ...`. */
  readonly by: string;
}

export const SWAP_FIX = 'bind the folder that holds it instead, make the bind above it read-only, or use a named volume';

/** The first writer that can change a path the lookup of `source` passes through; undefined when none can. */
export function swappedBy(source: string, writers: readonly Writer[], host: HostFacts): Writer | undefined {
  const paths = host.lookup?.(source) ?? [resolve(source)];
  return writers.find((w) => holdsAny(w.path, paths, host));
}

/** Whether the folder (as written or resolved) strictly holds any of the paths: the folder itself cannot be replaced through itself. */
function holdsAny(folder: string, paths: readonly string[], host: HostFacts): boolean {
  const roots = [...new Set([resolve(folder), host.realpath(folder)])];
  return roots.some((root) => paths.some((path) => path !== root && (root === sep ? path.startsWith(sep) : path.startsWith(`${root}${sep}`))));
}
