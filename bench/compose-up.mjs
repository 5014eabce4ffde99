// What `sdocker compose up -d` costs over docker-compose 1.29 running the same hardened model, on
// a two-service project, each round followed by `down` (not measured). BENCH_COMPARE names
// another build's dist/bin/sdocker.cjs to pair with instead of plain compose (what a change to
// sdocker compose costs, e.g. the judging socket of issue 21). Run on demand: `npm run
// bench:compose`; nothing here is a test.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/bin/sdocker.cjs', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const IMAGE = process.env.BENCH_IMAGE ?? 'sdocker-test/busybox:1';
// Not below /tmp: another container binding /tmp writable would make the judge refuse (swappable sources).
const dir = mkdtempSync(join('/var/tmp', 'sdocker-bench-compose-'));
const project = `sdbench${process.pid}`;
const perfOut = join(dir, 'perf.txt');
const hasPerf = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', '-o', perfOut, '--', 'true']).status === 0;
writeFileSync(join(dir, 'compose.yaml'), `services:\n  a:\n    image: ${IMAGE}\n    command: sleep 600\n  b:\n    image: ${IMAGE}\n    command: sleep 600\n    depends_on: [a]\n`);
const sdocker = (cli) => [process.execPath, cli, 'compose', '-p', project, 'up', '-d'];
const hardened = spawnSync(process.execPath, [CLI, 'compose', '-p', project, 'config'], { cwd: dir, encoding: 'utf8' }).stdout;
writeFileSync(join(dir, 'hardened.yml'), hardened);
const baseline = process.env.BENCH_COMPARE ? sdocker(process.env.BENCH_COMPARE) : ['docker-compose', '-p', project, '-f', 'hardened.yml', 'up', '-d'];

function once(argv, withPerf) {
  const full = withPerf ? ['perf', 'stat', '-x,', '-e', 'task-clock', '-o', perfOut, '--', ...argv] : argv;
  const start = process.hrtime.bigint();
  const result = spawnSync(full[0], full.slice(1), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  spawnSync('docker-compose', ['-p', project, '-f', 'hardened.yml', 'down', '-t', '0'], { cwd: dir, stdio: 'ignore' });
  return withPerf ? { wall, cpu: Number(readFileSync(perfOut, 'utf8').split('\n').find((l) => l.includes('task-clock')).split(',')[0]) } : { wall };
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const base = [];
const cand = [];
for (let i = 0; i < ROUNDS; i += 1) {
  if (i % 2 === 0) base.push(once(baseline, hasPerf));
  cand.push(once(sdocker(CLI), hasPerf));
  if (i % 2 === 1) base.push(once(baseline, hasPerf));
}
console.log(`${new Date().toISOString()}  ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${ROUNDS} interleaved pairs, medians in ms`);
console.log(`baseline: ${baseline.slice(0, 2).join(' ')} ... up -d`);
for (const m of hasPerf ? ['wall', 'cpu'] : ['wall']) {
  console.log(`  ${m.padEnd(4)} baseline ${median(base.map((r) => r[m])).toFixed(0)}  sdocker compose up -d ${median(cand.map((r) => r[m])).toFixed(0)}  added ${median(cand.map((r, i) => r[m] - base[i][m])).toFixed(0)}`);
}
rmSync(dir, { recursive: true, force: true });
