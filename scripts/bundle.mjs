// Bundle tsc's output (dist/src) into three CommonJS files in dist/bin:
// - sdocker.cjs, the bin (src/cli/launch.ts): the word check and the process starter. A command
//   sdocker does not touch goes to docker from here.
// - sdocker-run.cjs (src/cli/cli-run.ts): run, create and exec alone, the commands paid for on every
//   use; about a third of the whole.
// - sdocker-main.cjs, everything (src/cli/cli.ts), one file.
// Each bundle is whole, not chunks: chunks would each carry their own copy of shared classes
// (SdockerError), and main.ts relies on `instanceof`. Lazy imports inside a bundle become lazily
// run module bodies, so an unused part costs only parsing, and the launcher runs either bundle
// from V8's code cache (src/cache/code-cache.ts).
// CommonJS, not ESM: measured here (bench/run.mjs, CPU time), Node 20's ESM loader costs
// ~15 ms per start. yaml, execa, commander and secretlint (audit's secret scan) stay
// external: they load only where used. execa and secretlint are ESM-only and are loaded with
// require() (Node >= 20.19 loads ES modules so, silently): a script compiled through node:vm,
// as the code cache needs, cannot use import() without an experimental flag.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const at = (path) => new URL(path, root).pathname;
const common = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning' };
const EXTERNAL = ['yaml', 'execa', 'commander', '@secretlint/*'];

/** One bundle run through the code cache (src/cache/code-cache.ts). */
async function cached(entry, out) {
  const file = at(out);
  // paths.ts finds the package from __filename in a bundle; import.meta is ESM's.
  await build({ ...common, entryPoints: [at(entry)], outfile: file, external: EXTERNAL, charset: 'ascii', define: { 'import.meta.url': 'undefined' } });
  const text = readFileSync(file, 'utf8').replace(/\bimport\(("(?:execa|@secretlint\/[a-z-]+)")\)/g, 'Promise.resolve().then(() => require($1))');
  const left = text.match(/\bimport\([^)]*\)/g);
  if (left !== null) throw new Error(`bundle: import() left in ${out} (it would fail under node:vm): ${left.join(', ')}`);
  // The launcher reads it as latin1, which equals UTF-8 only for ASCII.
  if (/[^\x00-\x7f]/.test(text)) throw new Error(`bundle: ${out} is not ASCII`);
  writeFileSync(file, text);
}

await cached('dist/src/cli/cli.js', 'dist/bin/sdocker-main.cjs');
await cached('dist/src/cli/cli-run.js', 'dist/bin/sdocker-run.cjs');
await build({ ...common, entryPoints: [at('dist/src/cli/launch.js')], outfile: at('dist/bin/sdocker.cjs') });
chmodSync(at('dist/bin/sdocker.cjs'), 0o755);
