// An image export (`GET /images/get?names=A&names=B`, `docker save A B`) read in one streaming
// pass. Both layouts: the legacy one (manifest.json, `<id>/layer.tar`, engine 20.10) and the OCI
// one (index.json, blobs/sha256/…, engine 25+, whose manifest.json points into blobs/ and whose
// `<id>/layer.tar` are symlinks). The engine writes a layer shared by several of the images once
// and links the others to it (moby image/tarexport save.go), so each layer passes here once.
// Layers may be gzip-compressed (detected by magic, not by name). manifest.json comes after the
// layers (the engine writes the tar in name order), so each layer is read into a changeset of
// metadata only, hashed as it passes, and placed once the order is known; file contents go to
// `onFile` as they pass. A layer the caller already knows (`skip`, by its size) is only hashed:
// the caller checks that hash against the digest it expected.
import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { tarEntries, type TarEntry } from '../engine/tar-stream.js';
import { layerEntry, type LayerEntry } from './layer-merge.js';
import { imageLayouts, type ImageLayout } from './layout.js';

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

export interface ReadOptions<T> {
  /** Called for every regular file of every layer, deleted later or not. */
  readonly onFile?: (file: LayerFile) => readonly T[] | undefined | Promise<readonly T[] | undefined>;
  /** Content handed to onFile is cut at this size (default 1 MiB); a function decides per path. */
  readonly maxFileBytes?: number | ((path: string) => number);
}

/** What one layer holds: its entries (metadata only) and what onFile found in its files. */
export interface LayerRead<T> {
  readonly entries: readonly LayerEntry[];
  readonly found: readonly { readonly path: string; readonly value: T }[];
}

export interface ExportLayer<T> {
  /** Bytes of the layer as the export holds it, and their sha256 (of an uncompressed layer: its diff_id). */
  readonly size: number;
  /** '' when the bytes did not all pass through the hash (a gzip stream with trailing bytes). */
  readonly sha256: string;
  /** undefined: skipped, only hashed. */
  readonly read: LayerRead<T> | undefined;
}

export interface LayerProgress {
  /** 1-based count of the layers met in this export so far. */
  readonly index: number;
  readonly bytes: number;
  readonly size: number;
}

export interface ExportOptions<T> extends ReadOptions<T> {
  /** Hash a layer of this many bytes without reading it: one the caller knows by its digest. */
  readonly skip?: (size: number) => boolean;
  /** Called as a layer's bytes pass. */
  readonly onProgress?: (progress: LayerProgress) => void;
}

export interface ExportRead<T> {
  readonly images: readonly ImageLayout[];
  readonly layers: ReadonlyMap<string, ExportLayer<T>>;
}

const MiB = 1024 * 1024;
/** JSON documents (manifests, configs) are small; anything larger is not one. */
const MAX_JSON = 16 * MiB;

export async function readExport<T>(tar: AsyncIterable<Buffer>, options: ExportOptions<T> = {}): Promise<ExportRead<T>> {
  const json = new Map<string, Buffer>();
  const links = new Map<string, string>();
  const layers = new Map<string, ExportLayer<T>>();
  for await (const { header, body } of tarEntries(tar)) {
    const name = header.name.replace(/^(\.\/)+/, '').replace(/\/$/, '');
    if (header.type === 'symlink') links.set(name, resolveLink(name, header.linkTarget));
    if (header.type !== 'file') continue;
    const { head, rest } = await peek(body, 512);
    if (looksLikeJson(name, head) && header.size <= MAX_JSON) json.set(name, await collect(rest, MAX_JSON));
    else if (name.endsWith('/layer.tar') || name === 'layer.tar' || name.startsWith('blobs/')) {
      const layer = await readExportLayer(name, header.size, head, rest, layers.size + 1, options);
      if (layer !== undefined) layers.set(name, layer);
    }
  }
  return { images: imageLayouts(json, links), layers };
}

async function readExportLayer<T>(name: string, size: number, head: Buffer, rest: AsyncIterable<Buffer>, index: number, options: ExportOptions<T>): Promise<ExportLayer<T> | undefined> {
  const hash = createHash('sha256');
  const counter = { bytes: 0 };
  const tapped = tap(rest, hash, counter, (bytes) => options.onProgress?.({ index, bytes, size }));
  const digest = (): string => (counter.bytes === size ? hash.digest('hex') : '');
  if (options.skip?.(size) === true) {
    for await (const chunk of tapped) void chunk;
    return { size, sha256: digest(), read: undefined };
  }
  const stream = layerStream(name, head, tapped);
  // A blob that is neither a tar nor gzip (an OCI config or manifest too large for JSON): not a layer.
  if (stream === undefined) return undefined;
  const read = await readLayer(name, stream, options);
  return { size, sha256: digest(), read };
}

async function* tap(source: AsyncIterable<Buffer>, hash: Hash, counter: { bytes: number }, progress: (bytes: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    hash.update(chunk);
    counter.bytes += chunk.length;
    progress(counter.bytes);
    yield chunk;
  }
}

async function readLayer<T>(key: string, stream: AsyncIterable<Buffer>, options: ReadOptions<T>): Promise<LayerRead<T>> {
  const entries: LayerEntry[] = [];
  const found: { path: string; value: T }[] = [];
  const cap = options.maxFileBytes ?? MiB;
  // One iterator for both the tar reader and the drain below (a second iterator on a stream
  // would not see what the first had already pulled).
  const iterator = stream[Symbol.asyncIterator]();
  for await (const entry of tarEntries({ [Symbol.asyncIterator]: () => iterator })) {
    const h = entry.header;
    const item = layerEntry(h.name, h.type, h.mode, h.uid, h.gid, h.size, h.type === 'symlink' ? h.linkTarget : undefined);
    entries.push(item);
    if (options.onFile === undefined || item.kind !== 'file') continue;
    const file = await fileOf(key, item, entry, typeof cap === 'number' ? cap : cap(item.path));
    for (const value of (await options.onFile(file)) ?? []) found.push({ path: item.path, value });
  }
  // The compressed stream may hold more than the tar's end blocks: read it to its end, so the
  // outer reader is never asked for bytes while the decompressor still pulls them.
  for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) void next.value;
  return { entries, found };
}

async function fileOf(layerKey: string, item: LayerEntry, entry: TarEntry, cap: number): Promise<LayerFile> {
  const content = await collect(entry.body, cap);
  return { path: item.path, layerKey, mode: item.mode, size: item.size, content, truncated: item.size > content.length };
}

/** A layer's tar stream, decompressed when its magic says gzip; undefined when it is not a layer. */
function layerStream(name: string, head: Buffer, rest: AsyncIterable<Buffer>): AsyncIterable<Buffer> | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return gunzip(rest);
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) throw new Error(`layer ${name} is zstd-compressed, which Node 20's zlib cannot read`);
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
