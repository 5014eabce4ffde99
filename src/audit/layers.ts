// An image's layers, read from the tar the engine exports (`GET /images/NAME/get`, `docker
// save`) in one streaming pass. Both layouts: the legacy one (manifest.json, `<id>/layer.tar`,
// engine 20.10) and the OCI one (index.json, blobs/sha256/…, engine 25+, whose manifest.json
// points into blobs/ and whose `<id>/layer.tar` are symlinks). Layers may be gzip-compressed
// (detected by magic, not by name). manifest.json comes after the layers in the stream (the
// engine writes the tar in name order), so each layer is first read into a changeset of
// metadata only and merged once the order is known; file contents go to `onFile` as they pass.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { tarEntries, type TarEntry } from '../engine/tar-stream.js';
import { MergedTree, layerEntry, type Fate, type LayerEntry, type SpecialFile } from './layer-merge.js';
import { imageLayout, type ImageConfig } from './layout.js';

/** One regular file of one layer, as it streams past. */
export interface LayerFile {
  readonly path: string;
  /** The layer's name in the export (`<id>/layer.tar`, `blobs/sha256/<hex>`); its index is known at the end. */
  readonly layerKey: string;
  readonly mode: number;
  readonly size: number;
  /** The first `maxFileBytes` bytes of it. */
  readonly content: Buffer;
  readonly truncated: boolean;
}

/** What the hook found in one file, placed once the layer order is known. */
export interface LayerHit<T> {
  readonly path: string;
  /** 0-based, in RootFS order. */
  readonly layerIndex: number;
  /** A later layer removed it (whiteout, opaque folder, replaced parent): not in a container, still in the image. */
  readonly deletedLater: boolean;
  /** A later layer wrote the same path: this version is hidden, still in the image. */
  readonly replacedLater: boolean;
  readonly value: T;
}

export interface ReadOptions<T> {
  /** Called for every regular file of every layer, deleted later or not. */
  readonly onFile?: (file: LayerFile) => readonly T[] | undefined | Promise<readonly T[] | undefined>;
  /** Content handed to onFile is cut at this size (default 1 MiB). */
  readonly maxFileBytes?: number;
}

export interface ImageLayers<T> {
  readonly config: ImageConfig;
  /** The layers' export names in RootFS order. */
  readonly layerKeys: readonly string[];
  readonly special: readonly SpecialFile[];
  readonly hits: readonly LayerHit<T>[];
  readonly tree: MergedTree;
}

const MiB = 1024 * 1024;
/** JSON documents (manifests, configs) are small; anything larger is not one. */
const MAX_JSON = 16 * MiB;

export async function readImageLayers<T>(tar: AsyncIterable<Buffer>, options: ReadOptions<T> = {}): Promise<ImageLayers<T>> {
  const json = new Map<string, Buffer>();
  const links = new Map<string, string>();
  const changesets = new Map<string, LayerEntry[]>();
  const found: { key: string; path: string; value: T }[] = [];
  for await (const { header, body } of tarEntries(tar)) {
    const name = header.name.replace(/^(\.\/)+/, '').replace(/\/$/, '');
    if (header.type === 'symlink') links.set(name, resolveLink(name, header.linkTarget));
    if (header.type !== 'file') continue;
    const { head, rest } = await peek(body, 512);
    if (looksLikeJson(name, head) && header.size <= MAX_JSON) json.set(name, await collect(rest, MAX_JSON));
    else if (name.endsWith('/layer.tar') || name === 'layer.tar' || name.startsWith('blobs/')) {
      const stream = layerStream(name, head, rest);
      if (stream !== undefined) changesets.set(name, await readLayer(name, stream, options, found));
    }
  }
  const layout = imageLayout(json, links);
  const tree = new MergedTree();
  const first = new Map<string, number>();
  layout.layerKeys.forEach((key, index) => {
    const entries = changesets.get(key);
    if (entries === undefined) throw new Error(`the export names layer ${key}, which it does not contain`);
    tree.apply(index, entries);
    if (!first.has(key)) first.set(key, index);
  });
  const hits = found.flatMap(({ key, path, value }) => {
    const layerIndex = first.get(key);
    return layerIndex === undefined ? [] : [place(tree.fate(path, layerIndex), path, layerIndex, value)];
  });
  return { config: layout.config, layerKeys: layout.layerKeys, special: tree.specialFiles(), hits, tree };
}

function place<T>(fate: Fate, path: string, layerIndex: number, value: T): LayerHit<T> {
  return { path, layerIndex, deletedLater: fate === 'deleted', replacedLater: fate === 'replaced', value };
}

async function readLayer<T>(key: string, stream: AsyncIterable<Buffer>, options: ReadOptions<T>, found: { key: string; path: string; value: T }[]): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  const cap = options.maxFileBytes ?? MiB;
  // One iterator for both the tar reader and the drain below (a second iterator on a stream
  // would not see what the first had already pulled).
  const iterator = stream[Symbol.asyncIterator]();
  for await (const entry of tarEntries({ [Symbol.asyncIterator]: () => iterator })) {
    const h = entry.header;
    const item = layerEntry(h.name, h.type, h.mode, h.uid, h.gid, h.size);
    entries.push(item);
    if (options.onFile === undefined || item.kind !== 'file') continue;
    const file = await fileOf(key, item, entry, cap);
    for (const value of (await options.onFile(file)) ?? []) found.push({ key, path: item.path, value });
  }
  // The compressed stream may hold more than the tar's end blocks: read it to its end, so the
  // outer reader is never asked for bytes while the decompressor still pulls them.
  for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) void next.value;
  return entries;
}

async function fileOf(layerKey: string, item: LayerEntry, entry: TarEntry, cap: number): Promise<LayerFile> {
  const content = await collect(entry.body, cap);
  return { path: item.path, layerKey, mode: item.mode, size: item.size, content, truncated: item.size > content.length };
}

/** A layer's tar stream, decompressed when its magic says gzip; undefined when it is not a layer. */
function layerStream(name: string, head: Buffer, rest: AsyncIterable<Buffer>): AsyncIterable<Buffer> | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return gunzip(rest);
  if (head.readUInt32LE(0) === 0xfd2fb528) throw new Error(`layer ${name} is zstd-compressed, which Node 20's zlib cannot read`);
  const isTar = head.subarray(257, 262).toString('latin1') === 'ustar' || (head.length >= 512 && head.every((byte) => byte === 0));
  return isTar || head.length === 0 ? rest : undefined;
}

function gunzip(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const inflate = createGunzip();
  const input = Readable.from(source, { objectMode: false });
  input.on('error', (error) => inflate.destroy(error));
  input.pipe(inflate);
  return inflate;
}

function looksLikeJson(name: string, head: Buffer): boolean {
  if (name.endsWith('.json')) return true;
  const first = head.toString('latin1').trimStart()[0];
  return first === '{' || first === '[';
}

/** The first `size` bytes (fewer when the body is shorter), and the whole body again to read on. */
async function peek(body: AsyncIterable<Buffer>, size: number): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const iterator = body[Symbol.asyncIterator]();
  const taken: Buffer[] = [];
  let have = 0;
  while (have < size) {
    const next = await iterator.next();
    if (next.done === true) break;
    taken.push(next.value);
    have += next.value.length;
  }
  const head = Buffer.concat(taken).subarray(0, size);
  async function* rest(): AsyncGenerator<Buffer> {
    yield* taken;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
  }
  return { head, rest: rest() };
}

/** Up to `cap` bytes of a body; the rest is read past, not kept. */
async function collect(body: AsyncIterable<Buffer>, cap: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  for await (const chunk of body) {
    if (have < cap) parts.push(chunk.subarray(0, cap - have));
    have += Math.min(chunk.length, Math.max(0, cap - have));
  }
  return Buffer.concat(parts);
}

function resolveLink(name: string, target: string): string {
  if (target.startsWith('/')) return target.replace(/^\/+/, '');
  const parts = name.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}
