// Swarm tests change engine-wide state (a node is in a swarm or not), so they only ever use a
// swarm they initialised themselves, and only ever leave that one:
// - `docker swarm init` is followed at once by a label on the node (io.sdocker.test.swarm), which
//   lives and dies with that swarm: a swarm the label is on was made by these tests (also by a
//   run that crashed since), any other swarm is the user's and is never left.
// - An engine already in a swarm that is not the tests' makes the swarm tests skip with one line
//   saying why (`swarmTest`); with CI=true they fail with that line instead (engine tests never
//   skip on CI, whose engine is fresh).
// - They hold a lock while they use the swarm: other swarm test files, and other test runs on
//   the same engine, wait for it. CI runs the swarm files in a phase of their own after the rest
//   (ava.swarm.config.mjs), so no other test of the run sees the swarm.
import type { TestFn } from 'ava';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { onSignal } from './on-signal.js';
import { RUN_ID } from './run-id.js';

// Shared by every worktree on the machine, as the engine is (own-swarm.test.ts points it elsewhere).
const lockPath = (): string => process.env['SDOCKER_SWARM_LOCK'] || '/tmp/sdocker-swarm-test.lock';
export const SWARM_LABEL = 'io.sdocker.test.swarm';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid holding the lock, undefined when nobody does (or its holder is gone). */
function lockHolder(): number | undefined {
  try {
    const holder = Number(readFileSync(`${lockPath()}/pid`, 'utf8'));
    return Number.isInteger(holder) && holder > 0 && alive(holder) ? holder : undefined;
  } catch {
    // A lock folder without its pid file is being taken right now, unless it is old (a crash between the two).
    try {
      return Date.now() - statSync(lockPath()).mtimeMs < 10_000 ? -1 : undefined;
    } catch {
      return undefined;
    }
  }
}

function takeLock(): boolean {
  try {
    mkdirSync(lockPath());
    writeFileSync(`${lockPath()}/pid`, String(process.pid));
    return true;
  } catch {
    // A lock whose holder is gone (a killed test run) is taken over on the next try.
    if (lockHolder() === undefined) rmSync(lockPath(), { recursive: true, force: true });
    return false;
  }
}

function holdsLock(): boolean {
  try {
    return Number(readFileSync(`${lockPath()}/pid`, 'utf8')) === process.pid;
  } catch {
    return false;
  }
}

function swarmState(): string {
  return spawnSync('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'], { encoding: 'utf8' }).stdout.trim();
}

/** Whether this node is a manager of a swarm these tests initialised (the label is on it). */
function testsSwarm(): boolean {
  const node = spawnSync('docker', ['node', 'inspect', 'self', '--format', `{{index .Spec.Labels "${SWARM_LABEL}"}}`], { encoding: 'utf8' });
  return node.status === 0 && node.stdout.trim() !== '';
}

/**
 * Why the swarm this node is in (`state`) is not the tests' to use and leave, or undefined when
 * it is: active, the mark on its node, and no service but the tests' own (named with a run id),
 * since a service someone deployed into a swarm the tests once made makes it theirs.
 */
function notTheTests(state: string): string | undefined {
  if (state !== 'active' || !testsSwarm()) return `no ${SWARM_LABEL} label on the node`;
  const services = spawnSync('docker', ['service', 'ls', '--format', '{{.Name}}'], { encoding: 'utf8' });
  if (services.status !== 0) return 'its services cannot be listed';
  const others = services.stdout.split('\n').filter((name) => name !== '' && !/t[0-9a-f]{8}/.test(name));
  return others.length > 0 ? `it runs services the tests did not make: ${others.join(', ')}` : undefined;
}

function foreignLine(state: string, why: string): string {
  return `this engine is in a swarm the tests did not make (Swarm.LocalNodeState=${state}, ${why}): the swarm tests never join or leave it; run them on an engine outside a swarm`;
}

/** Why the swarm tests cannot run on this engine, or undefined (no swarm, or one of theirs). */
export function foreignSwarm(): string | undefined {
  const state = swarmState();
  if (state === 'inactive' || state === '') return undefined;
  // Another run holds the lock: it may be between its init and its label; wait for it.
  if (state === 'active' && lockHolder() !== undefined) return undefined;
  const why = notTheTests(state);
  return why === undefined ? undefined : foreignLine(state, why);
}

/**
 * The `test` a swarm test file declares its tests with: ava's own, or, on an engine in a swarm
 * that is not the tests' (and CI unset), one where every test and hook is skipped and a skipped
 * test titled with the reason says why.
 */
export function swarmTest(test: TestFn): TestFn {
  const reason = process.env['CI'] === 'true' ? undefined : foreignSwarm();
  if (reason === undefined) return test;
  test.skip(`swarm tests skipped: ${reason}`, () => undefined);
  const hook = Object.assign(() => undefined, { always: () => undefined });
  return new Proxy(test, {
    apply: (_target, _this, args: unknown[]) => (test.skip as (...a: unknown[]) => void)(...args),
    get: (target, key) => {
      if (key === 'serial') return test.serial.skip;
      if (key === 'before' || key === 'after' || key === 'beforeEach' || key === 'afterEach') return hook;
      if (key === 'only') return test.skip;
      return Reflect.get(target, key) as unknown;
    },
  });
}

/** Waits (polling, up to 15 minutes) for the swarm lock, then makes this node a single-node swarm. */
export async function enterSwarm(): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  while (!takeLock()) {
    if (Date.now() > deadline) throw new Error(`the swarm test lock ${lockPath()} stayed taken for 15 minutes`);
    await new Promise((done) => setTimeout(done, 500));
  }
  onSignal(leaveSwarm);
  const state = swarmState();
  if (state !== 'inactive') {
    const why = notTheTests(state);
    if (why === undefined) return;
    rmSync(lockPath(), { recursive: true, force: true });
    throw new Error(foreignLine(state, why));
  }
  const init = spawnSync('docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1'], { encoding: 'utf8' });
  // `node update` takes no `self` (node inspect does): the node's id, as docker info gives it.
  const id = spawnSync('docker', ['info', '--format', '{{.Swarm.NodeID}}'], { encoding: 'utf8' }).stdout.trim();
  const label = init.status === 0 ? spawnSync('docker', ['node', 'update', '--label-add', `${SWARM_LABEL}=${RUN_ID}`, id], { encoding: 'utf8' }) : init;
  if (label.status !== 0) {
    // Made but not marked: left at once, while it is still certain whose it is.
    if (init.status === 0) spawnSync('docker', ['swarm', 'leave', '--force'], { stdio: 'ignore' });
    rmSync(lockPath(), { recursive: true, force: true });
    throw new Error(`docker swarm init failed: ${label.stderr.trim()}`);
  }
}

/** Leaves the swarm if the tests made it (its services and their tasks go with it), and frees the lock. */
export function leaveSwarm(): void {
  if (!holdsLock()) return;
  if (swarmState() === 'active' && testsSwarm()) spawnSync('docker', ['swarm', 'leave', '--force'], { stdio: 'ignore' });
  rmSync(lockPath(), { recursive: true, force: true });
}

/** After a run: a test swarm whose run died without leaving it is left, once no run holds the lock. */
export function leaveAbandonedSwarm(): boolean {
  if (notTheTests(swarmState()) !== undefined || !takeLock()) return false;
  try {
    if (notTheTests(swarmState()) !== undefined) return false;
    spawnSync('docker', ['swarm', 'leave', '--force'], { stdio: 'ignore' });
    return true;
  } finally {
    rmSync(lockPath(), { recursive: true, force: true });
  }
}
