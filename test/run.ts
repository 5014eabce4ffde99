// `npm test` after the build and engine-up: ava's two phases (the suite, then the swarm files)
// under one run id, and afterwards, whatever happened (a failure, ava's timeout, Ctrl-C, a
// SIGTERM), the removal of everything that run left on the engine and in its temporary folder,
// then the check that it wrote nothing of the user's (untouched.ts). Arguments go to ava as one phase:
// `node dist/test/run.js dist/test/engine-run.test.js`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshRunId } from './helpers/run-id.js';
import { sweepRun } from './helpers/sweep.js';
import { leaveAbandonedSwarm } from './helpers/swarm.js';
import { changedPaths, overlaid, overlayable, snapshotFolders, watchedFolders } from './helpers/untouched.js';

// ava's bin (its package.json `bin`), beside the main entry point its `exports` let us resolve.
const AVA = join(dirname(fileURLToPath(import.meta.resolve('ava'))), 'cli.mjs');
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const say = (line: string): void => void process.stderr.write(`sdocker tests: ${line}\n`);

let stopping: NodeJS.Signals | undefined;
let current: ChildProcess | undefined;

/** Signals every process of ava's group (its workers and what they started). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

function groupAlive(child: ChildProcess): boolean {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 0);
    return child.pid !== undefined;
  } catch {
    return false;
  }
}

/** Waits for the rest of ava's group (workers still removing what they made), then ends what is left. */
async function reapGroup(child: ChildProcess, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (groupAlive(child) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 200));
  // What outlived it: a docker CLI or compose a killed worker had started.
  signalGroup(child, 'SIGKILL');
}

/** One ava run in a process group of its own, so that nothing it started outlives it. */
function runAva(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: 'inherit', env, detached: true });
    current = child;
    child.on('exit', (code, signal) => {
      current = undefined;
      // ava may exit before an interrupted worker has finished its clean-up.
      void reapGroup(child, stopping === undefined ? 10 : 60).then(() => resolve(code ?? 128 + constants.signals[signal ?? 'SIGKILL']));
    });
  });
}

/** Ctrl-C or a SIGTERM: ava interrupts its workers (each removes what it made), then this cleans up. */
function onStop(signal: NodeJS.Signals): void {
  if (stopping !== undefined) return;
  stopping = signal;
  if (current === undefined) return;
  const child = current;
  signalGroup(child, 'SIGINT');
}

function cleanUp(runId: string, tmp: string): void {
  const left = sweepRun(runId);
  const kinds = Object.entries(left).map(([kind, names]) => `${names.length} ${kind}${names.length === 1 ? '' : 's'} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`);
  if (kinds.length > 0) say(`removed what run ${runId} left on the engine: ${kinds.join('; ')}`);
  if (leaveAbandonedSwarm()) say('left the swarm a killed swarm test had made');
  rmSync(tmp, { recursive: true, force: true });
}

/** ava's phases, each in the overlays of `folders` (untouched.ts); what they wrote there. */
async function runPhases(args: readonly string[], env: NodeJS.ProcessEnv, tmp: string, folders: readonly string[]): Promise<{ code: number; written: string[] }> {
  const phases = args.length > 0 ? [args] : [[], ['--config', 'ava.swarm.config.mjs']];
  let code = 0;
  const written: string[] = [];
  for (const [n, phase] of phases.entries()) {
    if (stopping !== undefined) break;
    const ava = [process.execPath, AVA, ...phase];
    const list = join(tmp, `written-${n}.list`);
    const upper = join(tmp, `upper-${n}`);
    mkdirSync(upper);
    const exit = await runAva(folders.length > 0 ? overlaid(folders, list, upper, ava) : ava, env);
    if (code === 0) code = exit;
    if (existsSync(list)) written.push(...readFileSync(list, 'utf8').split('\n').filter(Boolean));
  }
  return { code, written };
}

async function main(): Promise<number> {
  const runId = freshRunId();
  const tmp = mkdtempSync(join(tmpdir(), `sdocker-test-${runId}-`));
  const env = { ...process.env, SDOCKER_TEST_RUN: runId, SDOCKER_TEST_TMP: tmp };
  for (const signal of SIGNALS) process.on(signal, onStop);
  const probe = join(tmp, 'probe');
  mkdirSync(probe);
  const folders = overlayable(probe);
  const before = snapshotFolders(folders);
  const ran = await runPhases(process.argv.slice(2), env, tmp, folders);
  let code = ran.code;
  cleanUp(runId, tmp);
  const written = [...ran.written, ...changedPaths(before, snapshotFolders(folders))];
  if (written.length > 0) {
    say(`the run wrote outside its own folders (${watchedFolders().join(', ')}): ${written.join(', ')}`);
    if (code === 0) code = 1;
  }
  // As a shell reports a command a signal ended.
  if (stopping !== undefined) return 128 + constants.signals[stopping];
  return code;
}

process.exitCode = await main();
