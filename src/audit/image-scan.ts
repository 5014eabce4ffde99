// The audit's look inside images: the selected images' layers, each read at most once and kept
// by digest (layer-records.ts), merged per image: its setuid/setgid files (image-files.ts, CIS
// 4.8), secrets by value and by name in its files (image-secrets.ts) and in its ENV, labels and
// history (secrets.ts, CIS 4.10), and which classic ADD steps copied a plain file (for CIS 4.9,
// checks/image-add.ts). Slow beside the inspect-only checks the first time (the engine exports
// the images), nearly free once the layers are in the cache.
import type { Item } from '../docker/parse.js';
import { SdockerError } from '../common/errors.js';
import { resolveEndpoint } from '../engine/endpoint.js';
import type { ExportSource } from '../engine/image-export.js';
import { plainFileAdds } from './checks/image-add.js';
import type { FileFact } from './file-facts.js';
import { baseLayerCount, imageFileChecks } from './image-files.js';
import { fileSecretFindings } from './image-secrets.js';
import { readImagesFiles, type ImagesFiles, type ReadCount, type ReadProgress, type RecordsHow } from './layer-records.js';
import { openLayerStore, type LayerStore } from './layer-store.js';
import { mergeImage } from './layers.js';
import { imageConfigSecretChecks } from './secrets.js';
import type { Finding, ImageSnapshot, Target } from './types.js';

export interface ScanHow {
  readonly docker: string;
  readonly globals: readonly Item[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly progress?: ((progress: ReadProgress) => void) | undefined;
  /** The layer cache; by default the one in sdocker's cache folder (none: null). */
  readonly store?: LayerStore | null;
  /** How an export is asked for (tests count it); the engine's by default. */
  readonly exporter?: RecordsHow['exporter'];
}

export interface ImageScan {
  readonly findings: Finding[];
  /** By image id: the history entries of ADD steps that copied a plain file (ImageSnapshot.addedFiles). */
  readonly addedFiles: ReadonlyMap<string, readonly number[]>;
  readonly count: ReadCount;
}

/** Where an image's export streams from: the engine's socket on this host, else `docker save`. */
function exportSource(how: ScanHow): ExportSource {
  const endpoint = resolveEndpoint(how.globals, how.env, how.cwd);
  if (endpoint.kind === 'socket' && !endpoint.tls) return { socketPath: endpoint.path };
  return { docker: how.docker, globals: how.globals.flatMap((item) => item.words) };
}

export async function scanImages(images: readonly ImageSnapshot[], how: ScanHow): Promise<ImageScan> {
  const store = how.store === undefined ? openLayerStore(how.env) : (how.store ?? undefined);
  const read = await readFiles(images, { source: exportSource(how), store, progress: how.progress, ...(how.exporter === undefined ? {} : { exporter: how.exporter }) });
  const findings: Finding[] = [];
  const addedFiles = new Map<string, readonly number[]>();
  for (const image of images) {
    const target: Target = { kind: 'image', name: image.ref };
    findings.push(...(await imageConfigSecretChecks(image)));
    const files = read.files.get(image.raw.Id);
    if (files === undefined) continue;
    const layers = mergeImage<FileFact>(files.config, files.config.diffIds, files.layers);
    const base = baseLayerCount(image.history, files.config);
    findings.push(...imageFileChecks(target, layers, base), ...fileSecretFindings(target, layers, base));
    addedFiles.set(image.raw.Id, plainFileAdds(image.history, files.config, files.layers));
  }
  return { findings, addedFiles, count: read.count };
}

async function readFiles(images: readonly ImageSnapshot[], how: Parameters<typeof readImagesFiles>[1]): Promise<ImagesFiles> {
  try {
    return await readImagesFiles(images, how);
  } catch (error) {
    if (error instanceof SdockerError) throw error;
    const refs = images.map((image) => image.ref).join(' ');
    throw new SdockerError(`sdocker: cannot read the layers of image ${refs}: ${(error as Error).message}; run 'docker save ${refs} >/dev/null' to see the engine's own error`);
  }
}

/** The snapshot's images with what their layers said about them (ADD steps that copied a plain file). */
export function withLayerFacts(images: readonly ImageSnapshot[], scan: ImageScan): ImageSnapshot[] {
  return images.map((image) => {
    const added = scan.addedFiles.get(image.raw.Id);
    return added === undefined || added.length === 0 ? image : { ...image, addedFiles: added };
  });
}
