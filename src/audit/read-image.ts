// An image's layers from the engine: the export streamed (socket or `docker save`) straight
// into the layer reader, failures in one line.
import { SdockerError } from '../common/errors.js';
import { exportImage, type ExportSource } from '../engine/image-export.js';
import { readImageLayers, type ImageLayers, type ReadOptions } from './layers.js';

export async function readImage<T>(source: ExportSource, ref: string, options: ReadOptions<T> = {}): Promise<ImageLayers<T>> {
  try {
    return await readImageLayers(exportImage(source, ref), options);
  } catch (error) {
    if (error instanceof SdockerError) throw error;
    throw new SdockerError(`sdocker: cannot read the layers of image ${ref}: ${(error as Error).message}; run 'docker save ${ref} >/dev/null' to see the engine's own error`);
  }
}
