// sdocker's own files, found from the running code and never from the working directory. The
// code runs either as tsc's output (dist/src/...) or as the bundle (dist/bin/sdocker.js), so
// the package root is the nearest folder above it that holds package.json.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`sdocker: cannot find its package.json above ${from}`);
  }
}

export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const PROFILES_DIR = join(PACKAGE_ROOT, 'profiles');
export const SECCOMP_DIR = join(PACKAGE_ROOT, 'seccomp');
/** profiles/*.yml parsed at build time (scripts/compile-profiles.mjs). */
export const COMPILED_PROFILES = join(PACKAGE_ROOT, 'dist', 'profiles.json');
