// Which files of an image export are each image's layers, in order, and which is its config.
// The legacy `docker save` layout (moby image/tarexport: manifest.json `[{Config, RepoTags,
// Layers}]`, one entry per image saved) is also written by engines 25+ beside the OCI one, with
// paths into blobs/; a pure OCI layout (image-spec image-layout.md) has only index.json, whose
// first manifest (or the first manifest of a nested index) names the config and layers by digest.
import { createHash } from 'node:crypto';

export interface HistoryEntry {
  readonly created_by?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

export interface ImageConfig {
  /** The config's history, oldest first; entries with empty_layer made no layer. */
  readonly history: readonly HistoryEntry[];
  /** rootfs.diff_ids, in order. */
  readonly diffIds: readonly string[];
}

export interface ImageLayout {
  /** The image id: the sha256 of its config (image-spec config.md, "ImageID"). */
  readonly id: string;
  readonly config: ImageConfig;
  readonly layerKeys: readonly string[];
}

interface Descriptor {
  readonly digest?: string;
  readonly mediaType?: string;
}

/** Every image of the export, in the order its manifest lists them. */
export function imageLayouts(json: ReadonlyMap<string, Buffer>, links: ReadonlyMap<string, string>): ImageLayout[] {
  const bytes = (name: string): Buffer => {
    const file = json.get(follow(name, links));
    if (file === undefined) throw new Error(`the image export lacks ${name}`);
    return file;
  };
  const read = (name: string): unknown => JSON.parse(bytes(name).toString('utf8')) as unknown;
  const image = (configName: string, layers: readonly string[]): ImageLayout => {
    const config = bytes(configName);
    return { id: `sha256:${createHash('sha256').update(config).digest('hex')}`, config: configOf(JSON.parse(config.toString('utf8'))), layerKeys: layers.map((key) => follow(key, links)) };
  };
  if (json.has('manifest.json')) {
    const manifests = read('manifest.json') as { Config?: string; Layers?: string[] }[];
    if (manifests[0]?.Config === undefined) throw new Error('the image export has an empty manifest.json');
    return manifests.flatMap((m) => (m.Config === undefined ? [] : [image(m.Config, m.Layers ?? [])]));
  }
  if (!json.has('index.json')) throw new Error('the image export has neither manifest.json nor index.json');
  let document = read('index.json') as { manifests?: Descriptor[]; layers?: Descriptor[]; config?: Descriptor };
  // An index may name an index (multi-platform): follow the first manifest down to an image manifest.
  for (let depth = 0; document.layers === undefined && depth < 4; depth += 1) {
    const next = document.manifests?.[0];
    if (next?.digest === undefined) throw new Error('the image export has an empty index.json');
    document = read(blobPath(next.digest)) as typeof document;
  }
  if (document.config?.digest === undefined) throw new Error('the image manifest names no config');
  return [image(blobPath(document.config.digest), (document.layers ?? []).map((layer) => blobPath(layer.digest ?? '')))];
}

/** The first image of the export (an export of one image). */
export function imageLayout(json: ReadonlyMap<string, Buffer>, links: ReadonlyMap<string, string>): ImageLayout {
  return imageLayouts(json, links)[0] as ImageLayout;
}

function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return `blobs/${algorithm ?? ''}/${hex ?? ''}`;
}

/** Symlinks in the export (engine 25+: `<id>/layer.tar -> ../blobs/sha256/<hex>`), followed. */
function follow(name: string, links: ReadonlyMap<string, string>): string {
  let current = name.replace(/^(\.\/)+/, '');
  for (let hops = 0; hops < 8 && links.has(current); hops += 1) current = links.get(current) ?? current;
  return current;
}

export function configOf(raw: unknown): ImageConfig {
  const config = raw as { history?: HistoryEntry[]; rootfs?: { diff_ids?: string[] } };
  return { history: config.history ?? [], diffIds: config.rootfs?.diff_ids ?? [] };
}

/** The history entry (its created_by) that made each layer, by layer index. */
export function layerOrigins(config: ImageConfig): string[] {
  return config.history.filter((entry) => entry.empty_layer !== true).map((entry) => entry.created_by ?? entry.comment ?? '');
}
