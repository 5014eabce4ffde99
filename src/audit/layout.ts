// Which files of an image export are its layers, in order, and which is its config. The
// legacy `docker save` layout (moby image/tarexport: manifest.json `[{Config, RepoTags,
// Layers}]`) is also written by engines 25+ beside the OCI one, with paths into blobs/; a pure
// OCI layout (image-spec image-layout.md) has only index.json, whose first manifest (or the
// first manifest of a nested index) names the config and layers by digest.

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
  readonly config: ImageConfig;
  readonly layerKeys: readonly string[];
}

interface Descriptor {
  readonly digest?: string;
  readonly mediaType?: string;
}

export function imageLayout(json: ReadonlyMap<string, Buffer>, links: ReadonlyMap<string, string>): ImageLayout {
  const read = (name: string): unknown => {
    const file = json.get(follow(name, links));
    if (file === undefined) throw new Error(`the image export lacks ${name}`);
    return JSON.parse(file.toString('utf8')) as unknown;
  };
  if (json.has('manifest.json')) {
    const manifest = (read('manifest.json') as { Config?: string; Layers?: string[] }[])[0];
    if (manifest?.Config === undefined) throw new Error('the image export has an empty manifest.json');
    return { config: configOf(read(manifest.Config)), layerKeys: (manifest.Layers ?? []).map((key) => follow(key, links)) };
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
  return {
    config: configOf(read(blobPath(document.config.digest))),
    layerKeys: (document.layers ?? []).map((layer) => follow(blobPath(layer.digest ?? ''), links)),
  };
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

function configOf(raw: unknown): ImageConfig {
  const config = raw as { history?: HistoryEntry[]; rootfs?: { diff_ids?: string[] } };
  return { history: config.history ?? [], diffIds: config.rootfs?.diff_ids ?? [] };
}

/** The history entry (its created_by) that made each layer, by layer index. */
export function layerOrigins(config: ImageConfig): string[] {
  return config.history.filter((entry) => entry.empty_layer !== true).map((entry) => entry.created_by ?? entry.comment ?? '');
}
