// The image's file system as a container sees it: layers applied in order, as the OCI image
// spec's "Applying Changesets" says (image-spec layer.md): `.wh.NAME` removes NAME and all below
// it from the lower layers, `.wh..wh..opq` empties its folder of the lower layers' entries, and
// an entry for a path replaces the lower one's (so `RUN chmod u-s x` in a later layer, which
// copies x up with its new mode, is what the image has). Only metadata is kept: no content.

export type EntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other' | 'whiteout' | 'opaque';

export interface LayerEntry {
  /** Absolute, normalised: `/bin/su`. For a whiteout, the path it removes; for opaque, its folder. */
  readonly path: string;
  readonly kind: EntryKind;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** A symlink's target, as written. */
  readonly link?: string;
}

interface Node {
  /** The layer whose entry this is; -1 for a folder only implied by its children. */
  layer: number;
  entry: LayerEntry | undefined;
  /** The first layer of the unbroken run of layers that left setuid/setgid on this file. */
  specialSince: number;
  children: Map<string, Node> | undefined;
}

export const SPECIAL_BITS = 0o6000;

/** Tar names (`./etc/x`, `etc/x/`, `/etc/x`) as absolute paths without a trailing slash. */
export function normalisePath(name: string): string {
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  return `/${parts.join('/')}`;
}

/** The entry a tar header stands for, with whiteouts recognised by name. */
export function layerEntry(name: string, kind: Exclude<EntryKind, 'whiteout' | 'opaque'>, mode: number, uid: number, gid: number, size: number, link?: string): LayerEntry {
  const path = normalisePath(name);
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  const dir = path.slice(0, slash) || '/';
  if (base === '.wh..wh..opq') return { path: dir, kind: 'opaque', mode, uid, gid, size };
  if (base.startsWith('.wh.')) return { path: join(dir, base.slice(4)), kind: 'whiteout', mode, uid, gid, size };
  return link === undefined ? { path, kind, mode, uid, gid, size } : { path, kind, mode, uid, gid, size, link };
}

function join(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

function parts(path: string): string[] {
  const all = path.split('/');
  // Normalised paths (`/a/b`) have only the leading empty part: the common case, without filter's copy.
  return all.indexOf('', 1) === -1 && all[0] === '' ? all.slice(1) : all.filter((part) => part !== '');
}

export interface SpecialFile {
  readonly path: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** The layer (0-based, in RootFS order) from which the bit has been on without a break. */
  readonly layer: number;
}

export type Fate = 'kept' | 'deleted' | 'replaced';

export class MergedTree {
  private readonly root: Node = { layer: -1, entry: undefined, specialSince: -1, children: new Map() };

  /** Apply layer `index`: its whiteouts to the lower layers first, then its entries. */
  apply(index: number, entries: readonly LayerEntry[]): void {
    for (const entry of entries) {
      if (entry.kind === 'whiteout') this.remove(entry.path);
      else if (entry.kind === 'opaque') this.empty(entry.path);
    }
    for (const entry of entries) {
      if (entry.kind !== 'whiteout' && entry.kind !== 'opaque') this.put(index, entry);
    }
  }

  /** What became of layer `index`'s entry for `path` in the final image. */
  fate(path: string, index: number): Fate {
    const node = this.find(path);
    if (node === undefined || node.entry === undefined) return 'deleted';
    return node.layer === index ? 'kept' : 'replaced';
  }

  /** Regular files (and hard links to them) that keep setuid or setgid in the final image. */
  specialFiles(): SpecialFile[] {
    const found: SpecialFile[] = [];
    const walk = (node: Node, path: string): void => {
      const entry = node.entry;
      if (entry !== undefined && (entry.kind === 'file' || entry.kind === 'hardlink') && (entry.mode & SPECIAL_BITS) !== 0) {
        found.push({ path, mode: entry.mode, uid: entry.uid, gid: entry.gid, layer: node.specialSince });
      }
      for (const [name, child] of node.children ?? []) walk(child, join(path, name));
    };
    walk(this.root, '/');
    return found.sort((a, b) => a.path.localeCompare(b.path));
  }

  /**
   * The path with its symlinks followed in the final image (`/bin` -> `/usr/bin` where /bin
   * links to usr/bin, as on merged-/usr systems): where a package's folder really is.
   */
  resolve(path: string): string {
    let done: string[] = [];
    let todo = parts(path);
    for (let hops = 0; todo.length > 0; ) {
      const name = todo.shift() as string;
      if (name === '..' || name === '.') {
        if (name === '..') done.pop();
        continue;
      }
      const node = this.find(`/${[...done, name].join('/')}`);
      const link = node?.entry?.kind === 'symlink' ? node.entry.link : undefined;
      if (link === undefined || hops++ > 16) done.push(name);
      else {
        todo = [...parts(link), ...todo];
        if (link.startsWith('/')) done = [];
      }
    }
    return `/${done.join('/')}`;
  }

  private find(path: string): Node | undefined {
    let node: Node | undefined = this.root;
    for (const part of parts(path)) node = node?.children?.get(part);
    return node;
  }

  private remove(path: string): void {
    const names = parts(path);
    const last = names.pop();
    if (last !== undefined) this.find(`/${names.join('/')}`)?.children?.delete(last);
  }

  private empty(path: string): void {
    const node = this.find(path);
    if (node !== undefined) node.children = new Map();
  }

  private put(index: number, entry: LayerEntry): void {
    let node = this.root;
    for (const part of parts(entry.path)) {
      // A lower layer's file where this layer has a folder: the folder replaces it.
      if (node.children === undefined) node.children = new Map();
      let child = node.children.get(part);
      if (child === undefined) {
        child = { layer: -1, entry: undefined, specialSince: -1, children: undefined };
        node.children.set(part, child);
      }
      node = child;
    }
    const wasSpecial = node.entry !== undefined && (node.entry.mode & SPECIAL_BITS) !== 0 && node.entry.kind !== 'dir';
    const isSpecial = (entry.mode & SPECIAL_BITS) !== 0;
    node.specialSince = isSpecial ? (wasSpecial ? node.specialSince : index) : -1;
    node.layer = index;
    node.entry = entry;
    if (entry.kind === 'dir') node.children ??= new Map();
    else node.children = undefined;
  }
}
