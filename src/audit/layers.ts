// An image's layers merged into the file system a container sees (layer-merge.ts), with what
// the file hook found placed by layer: kept, deleted later or replaced later. The layers come
// from an export read in one pass (export-read.ts), or from the audit's layer cache, which
// holds the same LayerRead per layer digest (cache/layer-cache.ts).
import { MergedTree, type Fate, type SpecialFile } from './layer-merge.js';
import { readExport, type LayerRead, type ReadOptions } from './export-read.js';
import type { ImageConfig } from './layout.js';

export type { LayerFile, LayerRead, ReadOptions } from './export-read.js';

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

export interface ImageLayers<T> {
  readonly config: ImageConfig;
  /** The layers' names in RootFS order: export names, or diff_ids when read from the cache. */
  readonly layerKeys: readonly string[];
  readonly special: readonly SpecialFile[];
  readonly hits: readonly LayerHit<T>[];
  readonly tree: MergedTree;
}

/** The first image of an export, merged (an export of one image). */
export async function readImageLayers<T>(tar: AsyncIterable<Buffer>, options: ReadOptions<T> = {}): Promise<ImageLayers<T>> {
  const read = await readExport(tar, options);
  const image = read.images[0];
  if (image === undefined) throw new Error('the image export names no image');
  const layers = image.layerKeys.map((key) => {
    const layer = read.layers.get(key)?.read;
    if (layer === undefined) throw new Error(`the export names layer ${key}, which it does not contain`);
    return layer;
  });
  return mergeImage(image.config, image.layerKeys, layers);
}

/** Layers applied in order; a hook's value placed at the first index of the layer it came from. */
export function mergeImage<T>(config: ImageConfig, layerKeys: readonly string[], layers: readonly LayerRead<T>[]): ImageLayers<T> {
  const tree = new MergedTree();
  const first = new Map<LayerRead<T>, number>();
  layers.forEach((layer, index) => {
    tree.apply(index, layer.entries);
    if (!first.has(layer)) first.set(layer, index);
  });
  const hits = [...first].flatMap(([layer, layerIndex]) => layer.found.map(({ path, value }) => place(tree.fate(path, layerIndex), path, layerIndex, value)));
  return { config, layerKeys, special: tree.specialFiles(), hits, tree };
}

function place<T>(fate: Fate, path: string, layerIndex: number, value: T): LayerHit<T> {
  return { path, layerIndex, deletedLater: fate === 'deleted', replacedLater: fate === 'replaced', value };
}
