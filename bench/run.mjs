// sdocker's cost over docker, measured in pairs (alternating order, so drift hits both sides)
// and reported as medians. Run on demand: `npm run bench` (needs the engine and test images,
// see scripts/engine-up). Nothing here is a test: no figure fails anything.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/bin/sdocker.js', import.meta.url));
const IMAGE = 'sdocker-test/busybox:1';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const sdocker = (args) => [process.execPath, CLI, ...args];

function time(argv) {
  const start = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SDOCKER_QUIET: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Paired runs of a baseline and a candidate; the median of the per-pair differences. */
function paired(name, baseline, candidate) {
  time(baseline);
  time(candidate);
  const base = [];
  const cand = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    if (i % 2 === 0) {
      base.push(time(baseline));
      cand.push(time(candidate));
    } else {
      cand.push(time(candidate));
      base.push(time(baseline));
    }
  }
  const diff = median(cand.map((c, i) => c - base[i]));
  const row = { name, baseline: median(base), candidate: median(cand), added: diff };
  console.log(`${name.padEnd(58)} ${row.baseline.toFixed(1).padStart(8)} ${row.candidate.toFixed(1).padStart(9)} ${diff.toFixed(1).padStart(8)}`);
  return row;
}

/** The docker argv sdocker would run, from its dry run (first command line of the report). */
function hardenedArgv(args) {
  const result = spawnSync(process.execPath, [CLI, 'run', '--sd-dry-run', ...args], { encoding: 'utf8' });
  const line = result.stdout.split('\n').find((l) => l !== '' && !l.startsWith('#'));
  // The report quotes words for a POSIX shell; these arguments need no quoting.
  if (line.includes("'")) throw new Error(`unexpected quoting: ${line}`);
  return line.split(' ');
}

const nodeStart = median(Array.from({ length: ROUNDS }, () => time([process.execPath, '-e', '0'])));
console.log(`node -e 0 (Node's own start): ${nodeStart.toFixed(1)} ms median over ${ROUNDS}\n`);
console.log(`${'pair (median ms over ' + ROUNDS + ' rounds)'.padEnd(58)} ${'baseline'.padStart(8)} ${'candidate'.padStart(9)} ${'added'.padStart(8)}`);

const FLOOR = fileURLToPath(new URL('./floor.cjs', import.meta.url));
paired('docker ps  vs  sdocker ps (passthrough)', ['docker', 'ps'], sdocker(['ps']));
paired('docker ps via a 5-line Node wrapper  vs  sdocker ps', [process.execPath, FLOOR, 'docker', 'ps'], sdocker(['ps']));
const dir = mkdtempSync(join(tmpdir(), 'sdocker-bench-'));
const snippet = join(dir, 'init.bash');
writeFileSync(snippet, spawnSync(process.execPath, [CLI, 'shell-init', 'bash'], { encoding: 'utf8' }).stdout);
paired('bash: docker ps  vs  docker ps via the shell-init function', ['bash', '-c', 'docker ps'], ['bash', '-c', `source ${snippet}; docker ps`]);
paired('node -e 0  vs  sdocker run --sd-dry-run (plan only)', [process.execPath, '-e', '0'], sdocker(['run', '--sd-dry-run', '--rm', IMAGE, 'true']));
const hardened = hardenedArgv(['--rm', IMAGE, 'true']);
paired('docker run <same hardened flags>  vs  sdocker run', hardened, sdocker(['run', '--rm', IMAGE, 'true']));
paired('docker run --rm IMG true  vs  sdocker run --rm IMG true', ['docker', 'run', '--rm', IMAGE, 'true'], sdocker(['run', '--rm', IMAGE, 'true']));
console.log(`\nsdocker's own cost is the 'added' column of the passthrough and same-flags rows; the aim is Node's start (${nodeStart.toFixed(1)} ms) + 10 ms.`);
