// What the audit keeps of one file of a layer as it streams past (the layer reader's onFile
// hook): the secrets found in it, with the file's digests (to tell a package's unchanged file
// from one the builder changed), and the package managers' lists of what they installed
// (packaged.ts). Kept per layer in the cache (layer-store.ts), so it is all plain JSON and
// depends on nothing but the file: the layer's place in an image is decided later.
import { createHash } from 'node:crypto';
import type { LayerFile } from './export-read.js';
import { isPackageDatabase, packageRecords, type PackageRecords } from './packaged.js';
import { findSecrets, scannableText, type SecretHit } from './secrets.js';

export type FileFact =
  | { readonly kind: 'secret'; readonly hit: SecretHit; readonly digests: readonly string[] }
  | ({ readonly kind: 'packaged' } & PackageRecords);

const MiB = 1024 * 1024;

/** How much of a file the hook needs: a package database whole (up to 16 MiB), any other file its first MiB. */
export function bytesWanted(path: string): number {
  return isPackageDatabase(path) ? 16 * MiB : MiB;
}

export async function fileFacts(file: LayerFile): Promise<FileFact[] | undefined> {
  const records = packageRecords(file.path, file.content);
  if (records !== undefined) return [{ kind: 'packaged', ...records }];
  const text = scannableText(file.content);
  if (text === undefined) return undefined;
  const hits = await findSecrets(text, { kind: 'file', name: file.path });
  if (hits.length === 0) return undefined;
  // Only a whole file can be matched against a package's digest of it.
  const digests = file.truncated ? [] : [`md5:${digest('md5', file.content)}`, `sha1:${digest('sha1', file.content)}`];
  return hits.map((hit) => ({ kind: 'secret', hit, digests }));
}

function digest(algorithm: 'md5' | 'sha1', content: Buffer): string {
  return createHash(algorithm).update(content).digest('hex');
}
