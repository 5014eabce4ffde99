// What the secret scanner costs per file (issue 10: it is called once per small file of every
// layer), after its engine is loaded: a 2 KiB config file and a 1 MiB text file. Measured here
// (2 cores, idle): ~0.03 ms and ~5 ms; a regression to per-call engine set-up or a growing
// profiler shows as 10x and more. Run on demand after a build: `node bench/secrets.mjs`.
import { performance } from 'node:perf_hooks';
import { findSecrets } from '../dist/src/audit/secrets.js';

const CONFIG = Array.from({ length: 60 }, (_, i) => `setting_${i} = value-${i} # comment ${i}`).join('\n');
const FILES = Number(process.env.BENCH_FILES ?? 2000);

await findSecrets(CONFIG, { kind: 'file', name: '/warm', layer: 0 });
let start = performance.now();
for (let i = 0; i < FILES; i++) await findSecrets(CONFIG, { kind: 'file', name: `/etc/f${i}.conf`, layer: 1 });
const small = (performance.now() - start) / FILES;
const big = `${CONFIG}\n`.repeat(Math.floor((1 << 20) / (CONFIG.length + 1)));
start = performance.now();
for (let i = 0; i < 10; i++) await findSecrets(big, { kind: 'file', name: `/srv/big${i}.txt`, layer: 1 });
const large = (performance.now() - start) / 10;
console.log(`${small.toFixed(3)} ms per 2 KiB file, ${large.toFixed(1)} ms per 1 MiB file`);
