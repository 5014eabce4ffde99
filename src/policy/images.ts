// Per-image profiles (profiles/images/*.yml): what an image needs to run hardened, matched by
// image reference. docker.io/library/nginx:1.27, library/nginx, nginx@sha256:..., and a mirror's
// mirror.gcr.io/library/nginx or registry.local:5000/dockerhub/library/nginx all mean nginx.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILES_DIR } from '../paths.js';
import type { Layer } from './schema.js';

export const IMAGE_PROFILES_DIR = join(PROFILES_DIR, 'images');

/** The repository an image reference names, without registry, `library/`, tag or digest. */
export function normalizeImage(ref: string): string {
  let name = ref.split('@')[0] ?? ref;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > lastSlash) name = name.slice(0, colon);
  const parts = name.toLowerCase().split('/');
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) parts.shift();
  // Official images sit under library/, also behind a mirror's own path prefix.
  const library = parts.lastIndexOf('library');
  return (library !== -1 && library < parts.length - 1 ? parts.slice(library + 1) : parts).join('/');
}

export interface ImageProfile {
  readonly file: string;
  readonly name: string;
  readonly layer: Layer;
}

/** The image profile whose `images` names `ref`'s repository, if any: the first folder that has one wins. */
export async function findImageProfile(ref: string, read: (file: string) => Promise<Layer>, dirs: readonly string[] = [IMAGE_PROFILES_DIR]): Promise<ImageProfile | undefined> {
  const repository = normalizeImage(ref);
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).filter((n) => n.endsWith('.yml')).sort()) {
      const file = join(dir, entry);
      const layer = await read(file);
      const images = (layer['images'] as string[] | undefined) ?? [];
      if (images.some((image) => normalizeImage(image) === repository)) return { file, name: entry.slice(0, -4), layer };
    }
  }
  return undefined;
}
