// Per-image profiles (profiles/images/*.yml): what an image needs to run hardened, matched by
// image reference. docker.io/library/nginx:1.27, library/nginx, nginx@sha256:..., and a mirror's
// mirror.gcr.io/library/nginx or registry.local:5000/dockerhub/library/nginx all mean nginx.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILES_DIR } from '../common/paths.js';
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

/** The tag or digest a reference names (`@sha256:...`), `latest` when it names neither (as docker pulls it). */
export function imageVersion(ref: string): string {
  const at = ref.indexOf('@');
  if (at !== -1) return ref.slice(at);
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > lastSlash ? ref.slice(colon + 1) : 'latest';
}

/** Whether an `images:` entry names `ref`: a bare repository names every tag; `repo:tag` or `repo@digest` only that one. */
function entryNames(entry: string, ref: string): 'version' | 'repository' | undefined {
  if (normalizeImage(entry) !== normalizeImage(ref)) return undefined;
  const versioned = entry.includes('@') || entry.lastIndexOf(':') > entry.lastIndexOf('/');
  if (!versioned) return 'repository';
  return imageVersion(entry) === imageVersion(ref) ? 'version' : undefined;
}

/**
 * The image profile whose `images` names `ref`, if any: the first folder that has one wins; in a
 * folder, a profile naming its tag (what sdocker learn writes: it proved that tag) before one
 * naming its repository.
 */
export async function findImageProfile(ref: string, read: (file: string) => Promise<Layer>, dirs: readonly string[] = [IMAGE_PROFILES_DIR]): Promise<ImageProfile | undefined> {
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    let repositoryMatch: ImageProfile | undefined;
    for (const entry of readdirSync(dir).filter((n) => n.endsWith('.yml')).sort()) {
      const file = join(dir, entry);
      const layer = await read(file);
      const names = ((layer['images'] as string[] | undefined) ?? []).map((image) => entryNames(image, ref));
      if (names.includes('version')) return { file, name: entry.slice(0, -4), layer };
      if (names.includes('repository')) repositoryMatch ??= { file, name: entry.slice(0, -4), layer };
    }
    if (repositoryMatch !== undefined) return repositoryMatch;
  }
  return undefined;
}
