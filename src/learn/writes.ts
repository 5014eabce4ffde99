// Where the image wrote under plain docker (docker diff), as the folders a read-only root must
// leave writable: for a file, the folder it is in; for a new folder, the folder it was made in,
// or the new folder itself when its parent holds the image's own files or is a system folder
// (a tmpfs there would hide them). Each folder says how much was written in it and whether a
// file written there is a program or a shared object (ELF, or an executable mode): the only
// folders whose tmpfs may allow exec. /proc/PID/maps would show what is mapped, but reading it
// needs tools in the image, and the kernel refuses it (without SYS_PTRACE) for a process that
// switched users from root (measured: varnish's manager, "Permission denied").
import { dirname, posix } from 'node:path';
import type { Change, Containers } from '../engine/containers.js';
import type { TarHeader } from '../engine/tar-stream.js';
import { isSystemFolder } from '../diagnose/folders.js';

export interface WrittenFolder {
  readonly path: string;
  /** What it wrote there, for the profile's comment. */
  readonly why: string;
  /** Bytes in the folder after the reference run (at least, when `cut`). */
  readonly bytes: number;
  readonly cut: boolean;
  /** Files it wrote there that can run or be mapped as code. */
  readonly executables: readonly string[];
  /** The image's own folders inside it that a tmpfs would hide: path -> permission bits. */
  readonly hidden: ReadonlyMap<string, number>;
  /** Who owned the folder after the reference run. */
  readonly owner: { readonly uid: number; readonly gid: number } | undefined;
}

export interface Writes {
  readonly folders: readonly WrittenFolder[];
  /** Writes no tmpfs can take (a file in /etc): path and why. */
  readonly unfixable: readonly string[];
  /** Every path it wrote (added or changed), for resolving relative paths in its log. */
  readonly paths: readonly string[];
}

/** How much of one folder is read to measure it. */
const WALK_LIMIT = 512 * 1024 * 1024;

export async function findWrites(containers: Containers, ref: string, changes: readonly Change[], skip: readonly string[]): Promise<Writes> {
  const kept = changes.filter((c) => !skip.some((s) => c.path === s || c.path.startsWith(`${s}/`)));
  const written = new Map(kept.map((c) => [c.path, c.kind]));
  const walks = new Map<string, Promise<Walked>>();
  const walk = (folder: string): Promise<Walked> => {
    const known = walks.get(folder) ?? walkFolder(containers, ref, folder);
    walks.set(folder, known);
    return known;
  };
  const chosen = new Map<string, string>();
  const unfixable: string[] = [];
  for (const change of leaves(kept, written)) {
    const parent = dirname(change.path);
    const parentWalk = isSystemFolder(parent) ? undefined : await walk(parent);
    const self = parentWalk?.entries.get(change.path) ?? (await walk(change.path)).entries.get(change.path);
    const newFolder = change.kind === 'A' && self?.type === 'dir';
    const folder = newFolder && (parentWalk === undefined || holdsImageFiles(parentWalk, written)) ? change.path : parentWalk === undefined ? undefined : parent;
    const what = `${change.kind === 'D' ? 'it deleted' : change.kind === 'A' ? 'it wrote' : 'it changed'} ${change.path}`;
    if (folder === undefined) unfixable.push(`${what}: a tmpfs on ${parent} would hide the image's files`);
    else if (!chosen.has(folder)) chosen.set(folder, what);
  }
  const roots = [...chosen.keys()].filter((f) => ![...chosen.keys()].some((o) => o !== f && f.startsWith(`${o}/`)));
  const folders = await Promise.all(roots.sort().map(async (path) => measure(path, chosen.get(path) ?? '', await walk(path), written)));
  return { folders, unfixable, paths: kept.filter((c) => c.kind !== 'D').map((c) => c.path) };
}

/** The changes that are not just the folders above another change: new roots, deletions, changed files. */
function leaves(changes: readonly Change[], written: ReadonlyMap<string, Change['kind']>): Change[] {
  const parents = new Set(changes.map((c) => dirname(c.path)));
  return changes.filter((c) => {
    if (c.kind === 'A') return written.get(dirname(c.path)) !== 'A';
    if (c.kind === 'D') return written.get(dirname(c.path)) !== 'D';
    return !parents.has(c.path);
  });
}

interface Walked {
  readonly entries: ReadonlyMap<string, TarHeader & { readonly elf: boolean }>;
  readonly cut: boolean;
}

async function walkFolder(containers: Containers, ref: string, folder: string): Promise<Walked> {
  const { entries, cut } = await containers.walk(ref, folder, WALK_LIMIT);
  // docker cp names entries from the folder's own name: `nginx/body` for /var/lib/nginx.
  const base = dirname(folder);
  const byPath = new Map(entries.map(({ header, head }) => [posix.join(base, header.name).replace(/\/+$/, ''), { ...header, elf: head.subarray(0, 4).toString('latin1') === '\x7fELF' }]));
  return { entries: byPath, cut };
}

/** Whether the folder holds files of the image (not written by it); empty folders do not count. */
function holdsImageFiles(walked: Walked, written: ReadonlyMap<string, Change['kind']>): boolean {
  return [...walked.entries].some(([path, entry]) => entry.type !== 'dir' && !written.has(path) && (entry.size > 0 || entry.type === 'symlink'));
}

function measure(path: string, why: string, walked: Walked, written: ReadonlyMap<string, Change['kind']>): WrittenFolder {
  let bytes = 0;
  const executables: string[] = [];
  const hidden = new Map<string, number>();
  for (const [entryPath, entry] of walked.entries) {
    if (entryPath !== path && !entryPath.startsWith(`${path}/`)) continue;
    const mine = written.get(entryPath);
    if (entry.type === 'file') bytes += entry.size;
    if (entry.type === 'file' && (mine === 'A' || mine === 'C') && (entry.elf || (entry.mode & 0o111) !== 0)) executables.push(entryPath);
    if (entry.type === 'dir' && mine !== 'A' && entryPath !== path) hidden.set(entryPath, entry.mode & 0o7777);
  }
  const self = walked.entries.get(path);
  return { path, why, bytes, cut: walked.cut, executables, hidden, owner: self === undefined ? undefined : { uid: self.uid, gid: self.gid } };
}
