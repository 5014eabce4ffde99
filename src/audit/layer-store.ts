// The audit's layer cache: what a layer held (its entries' metadata, and the file facts found
// in it), kept by the layer's content digest (its diff_id), and each image's config by its id
// (the digest of the config). Both are content addresses, so a record never goes stale for its
// name; what may change is how a layer is judged, so the folder is named by the scanner's key
// (scanner-key.ts) and a new scanner starts from an empty one. A record that does not have the
// expected shape is not used (the layer is read again).
import { keyedCache, type KeyedCache } from '../cache/keyed.js';
import type { FileFact } from './file-facts.js';
import type { EntryKind, LayerEntry } from './layer-merge.js';
import type { LayerRead } from './export-read.js';
import type { ImageConfig } from './layout.js';
import { SCANNER_KEY } from './scanner-key.js';

/** One layer as read: its bytes in the export and their sha256 (to know it again there), and what it held. */
export interface LayerRecord extends LayerRead<FileFact> {
  readonly size: number;
  readonly sha256: string;
}

export interface LayerStore {
  layer(diffId: string): LayerRecord | undefined;
  putLayer(diffId: string, record: LayerRecord): void;
  config(imageId: string): ImageConfig | undefined;
  putConfig(imageId: string, config: ImageConfig): void;
}

/** Records kept: a few hundred layers (a Debian base's record is a few hundred KiB gzipped). */
const KEEP = 400;
const KINDS: readonly EntryKind[] = ['file', 'dir', 'symlink', 'hardlink', 'other', 'whiteout', 'opaque'];

type EntryRow = [path: string, kind: number, mode: number, uid: number, gid: number, size: number, link?: string];

export function openLayerStore(env: NodeJS.ProcessEnv): LayerStore | undefined {
  const cache = keyedCache(env, 'audit-layers', SCANNER_KEY, KEEP);
  return cache === undefined ? undefined : layerStore(cache);
}

export function layerStore(cache: KeyedCache): LayerStore {
  return {
    layer: (diffId) => {
      const name = nameOf('layer', diffId);
      return name === undefined ? undefined : toRecord(cache.get(name));
    },
    putLayer: (diffId, record) => {
      const name = nameOf('layer', diffId);
      if (name !== undefined) cache.put(name, { size: record.size, sha256: record.sha256, entries: record.entries.map(toRow), found: record.found });
    },
    config: (imageId) => {
      const name = nameOf('image', imageId);
      return name === undefined ? undefined : toConfig(cache.get(name));
    },
    putConfig: (imageId, config) => {
      const name = nameOf('image', imageId);
      if (name !== undefined) cache.put(name, config);
    },
  };
}

function nameOf(kind: 'layer' | 'image', digest: string): string | undefined {
  const hex = /^sha256:([0-9a-f]{64})$/.exec(digest)?.[1];
  return hex === undefined ? undefined : `${kind}-${hex}`;
}

function toRow(entry: LayerEntry): EntryRow {
  const row: EntryRow = [entry.path, KINDS.indexOf(entry.kind), entry.mode, entry.uid, entry.gid, entry.size];
  if (entry.link !== undefined) row.push(entry.link);
  return row;
}

function fromRow(row: unknown): LayerEntry | undefined {
  if (!Array.isArray(row) || typeof row[0] !== 'string' || !row.slice(1, 6).every((n) => typeof n === 'number')) return undefined;
  const [path, kind, mode, uid, gid, size, link] = row as EntryRow;
  const kindName = KINDS[kind];
  if (kindName === undefined || (link !== undefined && typeof link !== 'string')) return undefined;
  return link === undefined ? { path, kind: kindName, mode, uid, gid, size } : { path, kind: kindName, mode, uid, gid, size, link };
}

function toRecord(value: unknown): LayerRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { size, sha256, entries, found } = value as Record<string, unknown>;
  if (typeof size !== 'number' || typeof sha256 !== 'string' || !Array.isArray(entries) || !Array.isArray(found)) return undefined;
  const rows = entries.map(fromRow);
  if (rows.some((row) => row === undefined) || !found.every(isFound)) return undefined;
  return { size, sha256, entries: rows as LayerEntry[], found: found as LayerRecord['found'] };
}

function isFound(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { path, value: fact } = value as { path?: unknown; value?: { kind?: unknown; hit?: unknown; digests?: unknown; manager?: unknown; files?: unknown } };
  if (typeof path !== 'string' || typeof fact !== 'object' || fact === null) return false;
  if (fact.kind === 'secret') return typeof fact.hit === 'object' && fact.hit !== null && Array.isArray(fact.digests);
  return fact.kind === 'packaged' && (fact.manager === 'dpkg' || fact.manager === 'apk') && Array.isArray(fact.files);
}

function toConfig(value: unknown): ImageConfig | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { history, diffIds } = value as Record<string, unknown>;
  if (!Array.isArray(history) || !Array.isArray(diffIds) || !diffIds.every((d) => typeof d === 'string')) return undefined;
  return { history: history as ImageConfig['history'], diffIds: diffIds as string[] };
}
