// sdocker's cost over docker against issue 13's targets, measured in pairs (the order alternates
// each round, so drift hits both sides) and reported as medians of the per-pair differences:
// wall-clock, and CPU time (the process tree's task-clock from `perf stat`, when perf can run),
// which a loaded machine disturbs far less. Run on demand: `npm run bench` (needs the engine,
// the test images and docker-compose). Nothing here is a test: no figure fails anything.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeFile } from './compose-file.mjs';

const CLI = fileURLToPath(new URL('../dist/bin/sdocker.cjs', import.meta.url));
const FLOOR = fileURLToPath(new URL('./floor.cjs', import.meta.url));
const IMAGE = process.env.BENCH_IMAGE ?? 'sdocker-test/busybox:1';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const HARDEN_ROUNDS = Number(process.env.BENCH_HARDEN_ROUNDS ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'sdocker-bench-'));
const env = { ...process.env, SDOCKER_QUIET: '1' };
const sdocker = (...args) => [process.execPath, CLI, ...args];
const perfOut = join(dir, 'perf.txt');
const hasPerf = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', '-o', perfOut, '--', 'true']).status === 0;

/** Exit 0, or 1 from sdocker harden (its findings), but never a crash (which exits 1 too). */
function spawnChecked(argv, cwd) {
  const result = spawnSync(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ok = result.status === 0 || (result.status === 1 && argv.includes('harden'));
  if (!ok || /^\s+at /m.test(String(result.stderr))) throw new Error(`${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
}

/** Wall-clock ms of one run. */
function wall(argv, cwd) {
  const start = process.hrtime.bigint();
  spawnChecked(argv, cwd);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** CPU ms (user + system, the whole process tree) of one run, from perf's task-clock. */
function cpu(argv, cwd) {
  spawnChecked(['perf', 'stat', '-x,', '-e', 'task-clock', '-o', perfOut, '--', ...argv], cwd);
  const line = readFileSync(perfOut, 'utf8').split('\n').find((l) => l.includes('task-clock'));
  return Number(line.split(',')[0]);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Interleaved pairs; for each measure, the medians of both sides and of the per-pair differences and ratios. */
function paired(baseline, candidate, rounds, cwd) {
  const measures = hasPerf ? { wall, cpu } : { wall };
  const out = {};
  for (const [name, measure] of Object.entries(measures)) {
    measure(baseline, cwd);
    measure(candidate, cwd);
    const base = [];
    const cand = [];
    for (let i = 0; i < rounds; i += 1) {
      const first = i % 2 === 0;
      const a = first ? measure(baseline, cwd) : undefined;
      cand.push(measure(candidate, cwd));
      base.push(first ? a : measure(baseline, cwd));
    }
    out[name] = {
      base: median(base),
      cand: median(cand),
      added: median(cand.map((c, i) => c - base[i])),
      ratio: median(cand.map((c, i) => c / base[i])),
    };
  }
  return out;
}

/** The docker argv sdocker would run, from its dry run (first command line of the report). */
function hardenedArgv(args) {
  const result = spawnSync(process.execPath, [CLI, 'run', '--sd-dry-run', ...args], { encoding: 'utf8', env });
  const line = result.stdout.split('\n').find((l) => l !== '' && !l.startsWith('#'));
  // The report quotes words for a POSIX shell; these arguments need no quoting.
  if (line.includes("'")) throw new Error(`unexpected quoting: ${line}`);
  return line.split(' ');
}

const first = (argv) => execFileSync(argv[0], argv.slice(1), { encoding: 'utf8' }).trim();
console.log(`${new Date().toISOString()}  ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`node ${process.version}, docker ${first(['docker', 'version', '--format', '{{.Client.Version}} client, {{.Server.Version}} engine'])}, docker-compose ${first(['docker-compose', 'version', '--short'])}`);
console.log(`${ROUNDS} interleaved pairs per row (harden: ${HARDEN_ROUNDS}); medians in ms; 'added' is the median per-pair difference${hasPerf ? '' : '; perf not usable: no CPU figures'}\n`);

const dry = paired([process.execPath, '-e', '0'], sdocker('run', '--sd-dry-run', '--rm', IMAGE, 'true'), ROUNDS);
const start = { wall: dry.wall.base, cpu: dry.cpu?.base };
const hardened = hardenedArgv(['--rm', IMAGE, 'true']);
const rows = [
  ['sdocker run --rm IMG true  vs  docker run, same flags', paired(hardened, sdocker('run', '--rm', IMAGE, 'true'), ROUNDS), (m) => `added <= Node's start + 10 = ${(start[m] + 10).toFixed(1)}`, (r, m) => r.added <= start[m] + 10],
  ['sdocker ps  vs  docker ps', paired(['docker', 'ps'], sdocker('ps'), ROUNDS), (m) => `added <= Node's start + 5 = ${(start[m] + 5).toFixed(1)}`, (r, m) => r.added <= start[m] + 5],
  ['sdocker run --sd-dry-run  vs  node -e 0', dry, () => 'added <= 15', (r) => r.added <= 15],
  ['sdocker ps  vs  a 5-line Node wrapper (bench/floor.cjs)', paired([process.execPath, FLOOR, 'docker', 'ps'], sdocker('ps'), ROUNDS), () => 'no target: the least a Node wrapper costs', () => undefined],
];
// BENCH_COMPARE=/path/to/another/build/dist/bin/sdocker.cjs: this build against that one (what a change costs).
const other = process.env.BENCH_COMPARE;
if (other) rows.unshift([`sdocker run --rm IMG true  vs  ${other}`, paired([process.execPath, other, 'run', '--rm', IMAGE, 'true'], sdocker('run', '--rm', IMAGE, 'true'), ROUNDS), () => 'no target: the change\'s cost', () => undefined]);
writeFileSync(join(dir, 'compose.yaml'), composeFile(1000));
rows.push(['sdocker harden  vs  docker-compose config, 1,000 services', paired(['docker-compose', '-f', 'compose.yaml', 'config', '-q'], sdocker('harden', 'compose.yaml'), HARDEN_ROUNDS, dir), () => 'ratio <= 0.25', (r) => r.ratio <= 0.25]);

for (const [name, result, target, pass] of rows) {
  console.log(name);
  for (const [m, r] of Object.entries(result)) {
    const verdict = pass(r, m);
    const mark = verdict === undefined ? '' : verdict ? '  PASS' : '  FAIL';
    console.log(`  ${m.padEnd(4)}  baseline ${r.base.toFixed(1).padStart(7)}  sdocker ${r.cand.toFixed(1).padStart(7)}  added ${r.added.toFixed(1).padStart(6)}  ratio ${r.ratio.toFixed(2)}  (${target(m)})${mark}`);
  }
}
console.log(`\nNode's start (node -e 0): ${start.wall.toFixed(1)} ms wall${hasPerf ? `, ${start.cpu.toFixed(1)} ms CPU` : ''}. CPU is the whole process tree (Node and the docker client it starts).`);
rmSync(dir, { recursive: true, force: true });
