// What watching a started container costs (issue 20): `run -d` the first time an image is met
// (the settle window), later (seen running: no wait), and docker's own; `compose up -d` with the
// window, without it, and docker-compose's own; and what the --rm watch (events and an attach,
// on every foreground --rm run) adds to a run. Wall-clock medians, in rounds that alternate;
// CPU from perf where it runs. BENCH_BASE=PATH/dist/bin/sdocker.cjs adds another build (main
// without the window) to each comparison. `npm run bench:settle`. Nothing here is a test.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/bin/sdocker.cjs', import.meta.url));
const IMAGE = process.env.BENCH_IMAGE ?? 'sdocker-test/busybox:1';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const dir = mkdtempSync(join(tmpdir(), 'sdocker-bench-settle-'));
const perfOut = join(dir, 'perf.txt');
const hasPerf = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', '-o', perfOut, '--', 'true']).status === 0;
const LABEL = 'io.sdocker.bench=settle';
const BASE = process.env.BENCH_BASE;

function run(argv, env = {}, cwd = dir) {
  const result = spawnSync(argv[0], argv.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
}

function wall(argv, env, cwd) {
  const start = process.hrtime.bigint();
  run(argv, env, cwd);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function cpu(argv, env, cwd) {
  run(['perf', 'stat', '-x,', '-e', 'task-clock', '-o', perfOut, '--', ...argv], env, cwd);
  return Number(readFileSync(perfOut, 'utf8').split('\n').find((l) => l.includes('task-clock')).split(',')[0]);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const removeOurs = () => {
  const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=${LABEL}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  if (ids.length > 0) spawnSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
};

/** Each variant once per round, in an order that turns each round; `after` cleans up after each. */
function rounds(variants, measure, after = () => undefined) {
  const samples = Object.fromEntries(variants.map(([name]) => [name, []]));
  for (let i = 0; i < ROUNDS; i += 1) {
    for (let j = 0; j < variants.length; j += 1) {
      const [name, argv, env, cwd] = variants[(i + j) % variants.length];
      // A function: a new environment each time (a cache that has seen nothing).
      samples[name].push(measure(argv, typeof env === 'function' ? env() : env, cwd));
      after();
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, { min: Math.min(...values), median: median(values), max: Math.max(...values) }]));
}

const show = (results) => {
  for (const [name, { min, median: mid, max }] of Object.entries(results)) console.log(`  ${name.padEnd(44)} ${[min, mid, max].map((ms) => ms.toFixed(0).padStart(6)).join(' ')}`);
};

/** The docker argv sdocker would run (its dry run's command line). */
function hardened(args) {
  const result = spawnSync(process.execPath, [CLI, 'run', '--sd-dry-run', ...args], { encoding: 'utf8' });
  return result.stdout.split('\n').find((l) => l !== '' && !l.startsWith('#')).split(' ');
}

console.log(`${new Date().toISOString()}  ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${ROUNDS} rounds, min median max in ms`);
const seenCache = mkdtempSync(join(tmpdir(), 'sdocker-bench-seen-'));
const fresh = () => ({ XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'sdocker-bench-cache-')) });
// The later runs share a cache that has seen the image once.
run([process.execPath, CLI, 'run', '-d', '--label', LABEL, IMAGE, 'sleep', '600'], { XDG_CACHE_HOME: seenCache });
removeOurs();
const detached = ['-d', '--label', LABEL, IMAGE, 'sleep', '600'];
const runD = rounds([
  ['docker run -d (the hardened argv)', hardened(detached)],
  ['sdocker run -d, first time (window 3 s)', [process.execPath, CLI, 'run', ...detached], fresh],
  ['sdocker run -d, image seen running', [process.execPath, CLI, 'run', ...detached], { XDG_CACHE_HOME: seenCache }],
  ...(BASE === undefined ? [] : [['BENCH_BASE sdocker run -d', [process.execPath, BASE, 'run', ...detached], fresh]]),
], wall, removeOurs);
console.log('\nrun -d (wall)');
show(runD);

const stack = 'services:\n  a:\n    image: IMG\n    command: ["sleep", "600"]\n  b:\n    image: IMG\n    command: ["sleep", "600"]\n  c:\n    image: IMG\n    command: ["sleep", "600"]\n'.replaceAll('IMG', IMAGE);
writeFileSync(join(dir, 'compose.yaml'), stack);
const down = () => spawnSync('docker-compose', ['-p', 'sdbenchsettle', 'down', '-t', '0'], { cwd: dir, stdio: 'ignore' });
const up = rounds([
  ['docker-compose up -d', ['docker-compose', '-p', 'sdbenchsettle', 'up', '-d']],
  ['sdocker compose up -d --sd-settle 0', [process.execPath, CLI, 'compose', '--sd-settle', '0', '-p', 'sdbenchsettle', 'up', '-d']],
  ['sdocker compose up -d (window 3 s)', [process.execPath, CLI, 'compose', '-p', 'sdbenchsettle', 'up', '-d']],
  ...(BASE === undefined ? [] : [['BENCH_BASE sdocker compose up -d', [process.execPath, BASE, 'compose', '-p', 'sdbenchsettle', 'up', '-d']]]),
], wall, down);
console.log('\ncompose up -d, three services (wall)');
show(up);

// The --rm watch: (sdocker run --rm - docker run --rm) - (sdocker run - docker run), same flags.
const measures = hasPerf ? { wall, cpu } : { wall };
console.log('\nthe --rm watch: what sdocker adds to a foreground run with --rm, minus what it adds without');
for (const [name, measure] of Object.entries(measures)) {
  const m = rounds([
    ['docker --rm', hardened(['--rm', '--label', LABEL, IMAGE, 'true'])],
    ['sdocker --rm', [process.execPath, CLI, 'run', '--rm', '--label', LABEL, IMAGE, 'true']],
    ['docker', hardened(['--label', LABEL, IMAGE, 'true'])],
    ['sdocker', [process.execPath, CLI, 'run', '--label', LABEL, IMAGE, 'true']],
  ], measure, removeOurs);
  const withRm = m['sdocker --rm'].median - m['docker --rm'].median;
  const without = m['sdocker'].median - m['docker'].median;
  console.log(`  ${name.padEnd(4)} added with --rm ${withRm.toFixed(1)}, without ${without.toFixed(1)}: the watch ${(withRm - without).toFixed(1)}`);
}
removeOurs();
rmSync(dir, { recursive: true, force: true });
