// sdocker's own files, found from the running code and never from the working directory. The
// code runs either as tsc's output (dist/src/...) or as a bundle (dist/bin/*.cjs), so
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

// In a bundle (CommonJS, scripts/bundle.mjs), __filename: a file URL made only to be undone
// costs ~0.8 ms of every start there.
export const PACKAGE_ROOT = findRoot(dirname(typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url)));
export const PROFILES_DIR = join(PACKAGE_ROOT, 'profiles');
export const SECCOMP_DIR = join(PACKAGE_ROOT, 'seccomp');
/** profiles/*.yml parsed at build time (scripts/compile-profiles.mjs). */
export const COMPILED_PROFILES = join(PACKAGE_ROOT, 'dist', 'profiles.json');
