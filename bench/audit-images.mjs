// `sdocker audit` of N images that share a base (issue 22): the first audit with an empty layer
// cache, then the second with nothing changed, for N = 1, 2, 5. Each image is the Debian test
// image (sdocker-test/debian:1, one 743 MB layer) plus one small layer of its own, built here
// and removed at the end. Wall time and peak RSS of the whole process from /usr/bin/time; one
// round each, in order (the machine is shared: read the figures with the load printed beside
// them). Run on demand after `npm run build`: `node bench/audit-images.mjs` (needs the engine,
// the test images and GNU time). SDOCKER_BIN=path/to/sdocker.cjs measures another build (e.g.
// main's, for a before/after). Nothing here is a test: no figure fails anything.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = process.env.SDOCKER_BIN ?? fileURLToPath(new URL('../dist/bin/sdocker.cjs', import.meta.url));
const BASE = 'sdocker-test/debian:1';
const COUNTS = (process.env.BENCH_COUNTS ?? '1,2,5').split(',').map(Number);
const images = Array.from({ length: Math.max(...COUNTS) }, (_, i) => `sdbench/audit-images-${i + 1}:1`);

function build() {
  images.forEach((name, i) => {
    const dockerfile = `FROM ${BASE}\nRUN echo bench ${i + 1} >/etc/sdbench-${i + 1}\nLABEL io.sdocker.bench=audit-images\n`;
    execFileSync('docker', ['build', '-q', '-t', name, '-'], { input: dockerfile, stdio: ['pipe', 'ignore', 'inherit'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  });
}

/** One audit in its own process: wall seconds and peak RSS (MiB) as GNU time measures them. */
function audit(targets, cache) {
  const run = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, BIN, 'audit', ...targets, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache }, maxBuffer: 256 << 20 });
  const [seconds, kib] = run.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  if (run.status !== 0 && run.status !== 1) throw new Error(`sdocker audit exited ${run.status}: ${run.stderr}`);
  return { seconds, rssMiB: Math.round(kib / 1024) };
}

build();
try {
  for (const n of COUNTS) {
    const cache = mkdtempSync(join(tmpdir(), 'sdbench-audit-cache-'));
    try {
      const targets = images.slice(0, n);
      const first = audit(targets, cache);
      const second = audit(targets, cache);
      console.log(JSON.stringify({ images: n, first, second, load1: Number(loadavg()[0].toFixed(1)), bin: BIN }));
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }
} finally {
  spawnSync('docker', ['rmi', ...images], { stdio: 'ignore' });
}
