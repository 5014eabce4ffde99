// sdocker harden on generated compose files of 100, 1,000 and 5,000 services, timed against
// docker-compose config (v1) on the same files: medians of a few runs, and how time grows.
// Run on demand: `npm run bench:harden` (docker-compose must be installed; no engine needed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeFile } from './compose-file.mjs';

const CLI = fileURLToPath(new URL('../dist/bin/sdocker.cjs', import.meta.url));
const SIZES = (process.env.BENCH_SIZES ?? '100,1000,5000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function time(argv, cwd) {
  const start = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { cwd, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // 1 is harden's findings; a crash exits 1 too, and must not pass for a timing.
  if ((result.status !== 0 && result.status !== 1) || /^\s+at /m.test(String(result.stderr))) throw new Error(`${argv.join(' ')}: ${result.stderr}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${'services'.padStart(8)} ${'sdocker harden ms'.padStart(18)} ${'docker-compose config ms'.padStart(25)} ${'ratio'.padStart(6)}`);
let previous;
for (const n of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-bench-'));
  writeFileSync(join(dir, 'compose.yaml'), composeFile(n));
  const ours = median(Array.from({ length: ROUNDS }, () => time([process.execPath, CLI, 'harden', 'compose.yaml'], dir)));
  const theirs = median(Array.from({ length: ROUNDS }, () => time(['docker-compose', '-f', 'compose.yaml', 'config', '-q'], dir)));
  const growth = previous === undefined ? '' : `  (x${(ours / previous.ours).toFixed(1)} for x${n / previous.n} services)`;
  console.log(`${String(n).padStart(8)} ${ours.toFixed(0).padStart(18)} ${theirs.toFixed(0).padStart(25)} ${(ours / theirs).toFixed(2).padStart(6)}${growth}`);
  previous = { n, ours };
}
