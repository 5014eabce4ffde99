// The layers of the images an audit looks inside, each read at most once. An image's layer
// digests (RootFS.Layers, diff_ids) are in its inspect; a layer already in the cache
// (layer-store.ts) is not read again, and an image whose layers and config are all there is not
// exported at all. The others are exported together in one request, in which the engine writes
// a layer they share once; a layer of theirs the cache knows is recognised there by its size
// and only hashed, and that hash must be the one recorded for it, else those images are read
// again without skipping anything.
import { exportImages, type ExportSource } from '../engine/image-export.js';
import { readExport, type ExportRead } from './export-read.js';
import { bytesWanted, fileFacts, type FileFact } from './file-facts.js';
import type { ImageConfig } from './layout.js';
import type { LayerRecord, LayerStore } from './layer-store.js';
import type { ImageSnapshot } from './types.js';

export interface ImageFiles {
  readonly config: ImageConfig;
  readonly layers: readonly LayerRecord[];
}

/** Where a read is: the images being exported, the layer (1-based) of how many, its bytes so far. */
export interface ReadProgress {
  readonly images: readonly string[];
  readonly layer: number;
  readonly layers: number;
  readonly bytes: number;
  readonly size: number;
}

export interface RecordsHow {
  readonly source: ExportSource;
  /** How an export is asked for (tests count and replace it); exportImages by default. */
  readonly exporter?: (source: ExportSource, ids: readonly string[]) => AsyncIterable<Buffer>;
  readonly store: LayerStore | undefined;
  readonly progress?: ((progress: ReadProgress) => void) | undefined;
}

/** What it took: exports asked of the engine, layers read (parsed and scanned), layers only hashed. */
export interface ReadCount {
  exports: number;
  layersRead: number;
  layersHashed: number;
}

export interface ImagesFiles {
  readonly files: ReadonlyMap<string, ImageFiles>;
  readonly count: ReadCount;
}

export async function readImagesFiles(images: readonly ImageSnapshot[], how: RecordsHow): Promise<ImagesFiles> {
  const records = new Map<string, LayerRecord>();
  const configs = new Map<string, ImageConfig>();
  const count: ReadCount = { exports: 0, layersRead: 0, layersHashed: 0 };
  const load = (diffId: string): boolean => {
    const record = records.get(diffId) ?? how.store?.layer(diffId);
    if (record !== undefined) records.set(diffId, record);
    return record !== undefined;
  };
  // Every layer the cache has is loaded (an image with one unknown layer is exported, and its
  // known ones are then only hashed); the config too, which the merge needs.
  const known = (image: ImageSnapshot): boolean => {
    const layersKnown = (image.raw.RootFS?.Layers ?? []).map(load).every(Boolean);
    const config = configs.get(image.raw.Id) ?? how.store?.config(image.raw.Id);
    if (config !== undefined) configs.set(image.raw.Id, config);
    return layersKnown && config !== undefined && config.diffIds.every(load);
  };
  const distinct = [...new Map(images.map((image) => [image.raw.Id, image])).values()];
  const missing = distinct.filter((image) => !known(image));
  if (missing.length > 0) {
    const again = await readMissing(missing, { records, configs, count, how, skip: true });
    if (again.length > 0) await readMissing(again, { records, configs, count, how, skip: false });
  }
  const files = new Map<string, ImageFiles>();
  for (const image of distinct) {
    const config = configs.get(image.raw.Id);
    const layers = config?.diffIds.map((diffId) => records.get(diffId));
    if (config === undefined || layers === undefined || layers.some((layer) => layer === undefined)) {
      throw new Error(`the export of image ${image.ref} did not hold all of its layers`);
    }
    files.set(image.raw.Id, { config, layers: layers as LayerRecord[] });
  }
  return { files, count };
}

interface State {
  readonly records: Map<string, LayerRecord>;
  readonly configs: Map<string, ImageConfig>;
  readonly count: ReadCount;
  readonly how: RecordsHow;
  readonly skip: boolean;
}

/** One export of these images; returns the images whose skipped layers were not the ones expected. */
async function readMissing(images: readonly ImageSnapshot[], state: State): Promise<ImageSnapshot[]> {
  const { records, how } = state;
  const diffIds = new Set(images.flatMap((image) => image.raw.RootFS?.Layers ?? []));
  const knownSizes = new Set([...diffIds].flatMap((diffId) => {
    const record = records.get(diffId);
    return record !== undefined && record.sha256 !== '' ? [record.size] : [];
  }));
  const refs = images.map((image) => image.ref);
  state.count.exports += 1;
  how.progress?.({ images: refs, layer: 0, layers: diffIds.size, bytes: 0, size: 0 });
  const read = await readExport<FileFact>((how.exporter ?? exportImages)(how.source, images.map((image) => image.raw.Id)), {
    onFile: fileFacts,
    maxFileBytes: bytesWanted,
    ...(state.skip ? { skip: (size: number) => knownSizes.has(size) } : {}),
    ...(how.progress === undefined ? {} : { onProgress: (p) => how.progress?.({ images: refs, layer: p.index, layers: diffIds.size, bytes: p.bytes, size: p.size }) }),
  });
  return place(read, images, state);
}

/** Each read layer under its diff_id (and into the store); each skipped one checked against its record. */
function place(read: ExportRead<FileFact>, images: readonly ImageSnapshot[], state: State): ImageSnapshot[] {
  const { records, configs, count, how } = state;
  const wrong: ImageSnapshot[] = [];
  for (const layout of read.images) {
    const image = images.find((candidate) => candidate.raw.Id === layout.id);
    if (image === undefined) continue;
    configs.set(layout.id, layout.config);
    how.store?.putConfig(layout.id, layout.config);
    layout.layerKeys.forEach((key, index) => {
      const diffId = layout.config.diffIds[index];
      const layer = read.layers.get(key);
      if (diffId === undefined || layer === undefined) throw new Error(`the export of image ${image.ref} names layer ${key}, which it does not contain`);
      if (layer.read === undefined) {
        if (records.get(diffId)?.sha256 !== layer.sha256 && !wrong.includes(image)) wrong.push(image);
        return;
      }
      if (records.has(diffId)) return;
      const record: LayerRecord = { size: layer.size, sha256: layer.sha256, ...layer.read };
      records.set(diffId, record);
      how.store?.putLayer(diffId, record);
    });
  }
  for (const layer of read.layers.values()) {
    if (layer.read === undefined) count.layersHashed += 1;
    else count.layersRead += 1;
  }
  return wrong;
}
