// Memory of the image-layer reader (issue 10: "memory stays flat when an image has a 1 GiB
// layer"): builds an image with a 1 GiB layer of random bytes (one file; random, so nothing
// compresses it), reads it with readImage through the engine socket and through `docker
// save`, with a scanner hook that sees every file (cut at 1 MiB), and reports peak RSS against
// the RSS before reading. The image is removed at the end. Run on demand after `npm run build`:
// `node bench/image-layers-rss.mjs` (needs the engine and sdocker-test/busybox:1; ~1 min, 2 GiB
// of free disk in the engine's data-root). Nothing here is a test: no figure fails anything.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const IMAGE = 'sdbench/audit-1g:1';
const MIB = Number(process.env.BENCH_LAYER_MIB ?? 1024);
const READER = fileURLToPath(new URL('../dist/src/audit/read-image.js', import.meta.url));

/** One read in a fresh Node process, RSS sampled every 20 ms; prints JSON. */
const child = `
const { readImage } = await import(${JSON.stringify(READER)});
const source = process.argv[1] === 'socket' ? { socketPath: '/var/run/docker.sock' } : { docker: 'docker', globals: [] };
let peak = 0; const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };
globalThis.gc?.(); sample(); const before = process.memoryUsage().rss;
const timer = setInterval(sample, 20);
let files = 0, bytes = 0;
const start = performance.now();
const read = await readImage(source, ${JSON.stringify(IMAGE)}, { onFile: (f) => { files += 1; bytes += f.content.length; return []; } });
clearInterval(timer); sample();
console.log(JSON.stringify({ source: process.argv[1], seconds: (performance.now() - start) / 1000, beforeMiB: before / 2 ** 20, peakMiB: peak / 2 ** 20, files, scannedMiB: bytes / 2 ** 20, layers: read.layerKeys.length }));
`;

function build() {
  const dir = mkdtempSync(join(tmpdir(), 'sdbench-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), `FROM sdocker-test/busybox:1\nRUN dd if=/dev/urandom of=/big bs=1048576 count=${MIB}\n`);
    execFileSync('docker', ['build', '-q', '-t', IMAGE, dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  build();
  const size = Number(execFileSync('docker', ['image', 'inspect', '--format', '{{.Size}}', IMAGE], { encoding: 'utf8' }).trim());
  console.log(`image ${IMAGE}: ${(size / 2 ** 20).toFixed(0)} MiB, of which one layer of ${MIB} MiB (one file of random bytes)`);
  for (const source of ['socket', 'docker-save']) {
    const result = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', child, source], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr);
    const r = JSON.parse(result.stdout);
    console.log(`${r.source.padEnd(11)} ${r.seconds.toFixed(1)} s, RSS before ${r.beforeMiB.toFixed(0)} MiB, peak ${r.peakMiB.toFixed(0)} MiB (+${(r.peakMiB - r.beforeMiB).toFixed(0)} MiB), ${r.files} files to the hook (${r.scannedMiB.toFixed(1)} MiB), ${r.layers} layers`);
  }
} finally {
  spawnSync('docker', ['image', 'rm', '-f', IMAGE], { stdio: 'ignore' });
}
