// Bundle tsc's output (dist/src) into two CommonJS files in dist/bin:
// - sdocker.cjs, the bin (src/launch.ts): the word check and the process starter. A command
//   sdocker does not touch goes to docker from here.
// - sdocker-main.cjs, everything else (src/cli.ts), one file: chunks would each carry their
//   own copy of shared classes (SdockerError), and main.ts relies on `instanceof`. Lazy
//   imports inside it become lazily run module bodies, so an unused part costs only parsing,
//   and the launcher runs it from V8's code cache (src/cache/code-cache.ts).
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

const main = at('dist/bin/sdocker-main.cjs');
await build({
  ...common,
  entryPoints: [at('dist/src/cli.js')],
  outfile: main,
  external: EXTERNAL,
  // paths.ts finds the package from its own URL; a CommonJS file has __filename instead.
  define: { 'import.meta.url': '__sdockerFileUrl' },
  banner: { js: "'use strict';\nconst __sdockerFileUrl = require('node:url').pathToFileURL(__filename).href;" },
});
const text = readFileSync(main, 'utf8').replace(/\bimport\(("(?:execa|@secretlint\/[a-z-]+)")\)/g, 'Promise.resolve().then(() => require($1))');
const left = text.match(/\bimport\([^)]*\)/g);
if (left !== null) throw new Error(`bundle: import() left in sdocker-main.cjs (it would fail under node:vm): ${left.join(', ')}`);
writeFileSync(main, text);

await build({ ...common, entryPoints: [at('dist/src/launch.js')], outfile: at('dist/bin/sdocker.cjs') });
chmodSync(at('dist/bin/sdocker.cjs'), 0o755);
