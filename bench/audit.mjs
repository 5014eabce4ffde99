// How long `sdocker audit` takes to read N idle containers, against docker-bench-security's
// §5 (`-c container_runtime`) on the same containers (issue 10 asks for under 1/20 of it).
// Paired runs, alternating order, medians. Run on demand after `npm run build`:
//   node bench/audit.mjs            (N=50, 5 rounds; BENCH_N, BENCH_ROUNDS change them)
// docker-bench is taken from DOCKER_BENCH (a folder holding docker-bench-security.sh), else
// from the mirror /work/.mirror/docker+docker-bench-security (pinned ff26d67), unpacked to a
// temporary folder; without either, only sdocker is timed. Nothing here is a test.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/bin/sdocker.cjs', import.meta.url));
const IMAGE = 'sdocker-test/busybox:1';
const N = Number(process.env.BENCH_N ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MIRROR = '/work/.mirror/docker+docker-bench-security/repo';
const PREFIX = `sdbench-${process.pid}-`;
const names = Array.from({ length: N }, (_, i) => `${PREFIX}${i}`);

function time(argv, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // sdocker audit exits 1 when it warns: that is its answer, not a failure.
  if (result.status !== 0 && result.status !== 1) throw new Error(`${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { ms, stdout: String(result.stdout) };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** docker-bench's folder: DOCKER_BENCH, or the mirror unpacked with git archive. */
function benchFolder() {
  if (process.env.DOCKER_BENCH) return { dir: process.env.DOCKER_BENCH, temporary: false };
  if (!existsSync(MIRROR)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'docker-bench-'));
  execFileSync('sh', ['-c', 'git --git-dir="$1" archive HEAD | tar -x -C "$2"', 'sh', MIRROR, dir]);
  return { dir, temporary: true };
}

const remove = () => spawnSync('docker', ['rm', '-f', ...names], { stdio: 'ignore' });
process.on('SIGINT', () => { remove(); process.exit(130); });
const bench = benchFolder();
try {
  console.log(`creating ${N} idle containers (${IMAGE} sleep) ...`);
  for (const name of names) execFileSync('docker', ['run', '-d', '--restart', 'no', '--name', name, IMAGE, 'sleep', '3600'], { stdio: 'ignore' });
  const sdocker = [process.execPath, CLI, 'audit', '--format', 'json', ...names];
  const sdockerAll = [process.execPath, CLI, 'audit', '--format', 'json', '--fail-on', 'none'];
  const dockerBench = bench && ['bash', join(bench.dir, 'docker-bench-security.sh'), '-c', 'container_runtime', '-i', PREFIX, '-l', join(bench.dir, 'bench.log')];
  const findings = JSON.parse(time(sdocker).stdout).findings.length;
  console.log(`sdocker audit of ${N} named containers: ${findings} findings`);
  const rows = { 'sdocker audit NAME... --format json': [], 'sdocker audit --format json (whole engine)': [], ...(dockerBench ? { 'docker-bench -c container_runtime': [] } : {}) };
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = [['sdocker audit NAME... --format json', sdocker], ['sdocker audit --format json (whole engine)', sdockerAll], ...(dockerBench ? [['docker-bench -c container_runtime', dockerBench]] : [])];
    if (round % 2 === 1) order.reverse();
    for (const [label, argv] of order) rows[label].push(time(argv, label.startsWith('docker-bench') ? { cwd: bench.dir } : {}).ms);
  }
  console.log(`\nmedian over ${ROUNDS} paired rounds, ${N} idle running containers:`);
  for (const [label, values] of Object.entries(rows)) console.log(`  ${label.padEnd(44)} ${median(values).toFixed(0).padStart(7)} ms`);
  if (dockerBench) {
    const ratio = median(rows['docker-bench -c container_runtime']) / median(rows['sdocker audit NAME... --format json']);
    console.log(`  docker-bench §5 / sdocker audit: ${ratio.toFixed(1)}x (issue 10 asks for >= 20x)`);
  } else {
    console.log('  (docker-bench not found: set DOCKER_BENCH to its folder)');
  }
} finally {
  remove();
  if (bench?.temporary) rmSync(bench.dir, { recursive: true, force: true });
}
