// Load one of sdocker's bundles (dist/bin/sdocker-main.cjs, sdocker-run.cjs) through V8's code
// cache: compiling the whole ~600 KB costs ~20 ms of CPU per start on these machines, reading
// the cache ~2 ms (bench/run.mjs). The launcher (src/cli/launch.ts) is the only user.
//
// The cache only ever saves time and never runs code it cannot vouch for:
// - V8 rejects data made by another V8 version or flags, or for a source of another length
//   (cachedDataRejected); the file name also holds the bundle's name, Node's version and the
//   bundle's inode, size and mtime, so a rebuilt or reinstalled bundle never meets an old cache;
// - the file and its folder must belong to us and be writable by nobody else: code cache
//   is code, and `sudo -E sdocker` keeps the user's $XDG_CACHE_HOME;
// - it is written once, after a miss, at exit (so it holds the functions this run compiled),
//   to a temporary file renamed into place, and the older caches of that bundle (and caches
//   named before bundles were named) are removed then.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { cacheDir, readOwn } from './store.js';

const PREFIX = 'code-';


/** A cache file another bundle may still use: named after a bundle other than `tag`. */
function otherBundles(name: string, tag: string): boolean {
  return /^code-[a-z][a-z-]*-v\d/.test(name) && !name.startsWith(`${PREFIX}${tag}-`);
}

function save(script: Script, dir: string, file: string, tag: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, file);
    for (const name of readdirSync(dir)) {
      if (name.startsWith(PREFIX) && name !== basename(file) && !otherBundles(name, tag)) rmSync(join(dir, name), { force: true });
    }
  } catch {
    rmSync(temporary, { force: true });
  }
}

/** sdocker-run.cjs -> sdocker-run: the caches of both bundles live side by side. */
function bundleTag(bundle: string): string {
  return basename(bundle, '.cjs');
}

/** The cache file for `bundle`, or undefined when there is no usable cache folder. */
export function codeCacheFile(bundle: string, env: NodeJS.ProcessEnv): { dir: string; file: string } | undefined {
  const dir = cacheDir(env);
  if (dir === undefined) return undefined;
  const { ino, size, mtimeMs } = statSync(bundle);
  return { dir, file: join(dir, `${PREFIX}${bundleTag(bundle)}-${process.version}-${process.arch}-${ino}-${size}-${Math.trunc(mtimeMs * 1000)}.bin`) };
}

/**
 * Run the CommonJS file `bundle` as `require` would, compiled from the code cache when one fits.
 * `require` is the caller's: it must resolve as one beside the bundle would.
 */
export function runCached(bundle: string, env: NodeJS.ProcessEnv, require: NodeJS.Require): void {
  // latin1: the bundles are ASCII (esbuild escapes the rest; scripts/bundle.mjs checks), and a
  // one-byte read skips UTF-8 decoding (~0.3 ms of ~600 KB).
  const source = readFileSync(bundle, 'latin1').replace(/^#!.*/, '');
  const where = codeCacheFile(bundle, env);
  const cached = where === undefined ? undefined : readOwn(where.file);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, { filename: bundle, ...(cached === undefined ? {} : { cachedData: cached }) });
  if (where !== undefined && (cached === undefined || script.cachedDataRejected === true)) {
    process.once('exit', () => save(script, where.dir, where.file, bundleTag(bundle)));
  }
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {}, filename: bundle };
  run.call(module.exports, module.exports, require, module, bundle, dirname(bundle));
}
