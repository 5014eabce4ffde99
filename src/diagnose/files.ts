// What a container holds at the paths its symptoms name, and at their folders: whether each
// exists, is a file or a folder, who owns it, whether a folder is empty.
import { dirname } from 'node:path';
import type { Containers } from '../engine/containers.js';
import type { TarEntry } from '../engine/tar.js';
import type { Symptom } from './symptoms.js';

/** Path -> its first tar entries (the path itself, then what a folder holds); undefined: missing. */
export type SymptomFiles = ReadonlyMap<string, TarEntry[] | undefined>;

export async function readSymptomFiles(containers: Pick<Containers, 'files'>, ref: string, symptoms: readonly Symptom[]): Promise<SymptomFiles> {
  const paths = new Set(symptoms.flatMap((s) => (s.path === undefined ? [] : [s.path, dirname(s.path)])));
  const files = new Map<string, TarEntry[] | undefined>();
  await Promise.all([...paths].map(async (path) => files.set(path, await containers.files(ref, path, 16 * 1024))));
  return files;
}

/** The entry at `path`, else its folder's: whose a failed path (or the folder it was to go in) is. */
export function ownerEntry(files: SymptomFiles, path: string): TarEntry | undefined {
  return files.get(path)?.[0] ?? files.get(dirname(path))?.[0];
}
