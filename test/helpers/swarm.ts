// Swarm tests share one engine-wide state (a node is in a swarm or not), so they hold a lock for
// as long as they need the swarm: other swarm test files (and helpers testing at the same time)
// wait for it. CI runs the swarm files in a phase of their own after the rest (ava.swarm.config.mjs),
// so no other test sees the swarm; the lock covers runs by hand. The swarm is left afterwards.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const LOCK = '/tmp/sdocker-swarm-test.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function takeLock(): boolean {
  try {
    mkdirSync(LOCK);
    writeFileSync(`${LOCK}/pid`, String(process.pid));
    return true;
  } catch {
    // A lock whose holder is gone (a killed test run) is taken over.
    let holder = NaN;
    try {
      holder = Number(readFileSync(`${LOCK}/pid`, 'utf8'));
    } catch {
      return false;
    }
    if (Number.isFinite(holder) && holder > 0 && !alive(holder)) rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

function swarmState(): string {
  return spawnSync('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'], { encoding: 'utf8' }).stdout.trim();
}

/** Waits (polling, up to 15 minutes) for the swarm lock, then makes this node a single-node swarm. */
export async function enterSwarm(): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  while (!takeLock()) {
    if (Date.now() > deadline) throw new Error(`the swarm test lock ${LOCK} stayed taken for 15 minutes`);
    await new Promise((done) => setTimeout(done, 500));
  }
  if (swarmState() !== 'active') {
    const init = spawnSync('docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1'], { encoding: 'utf8' });
    if (init.status !== 0) {
      rmSync(LOCK, { recursive: true, force: true });
      throw new Error(`docker swarm init failed: ${init.stderr.trim()}`);
    }
  }
}

/** Leaves the swarm (its services and their tasks go with it) and frees the lock. */
export function leaveSwarm(): void {
  spawnSync('docker', ['swarm', 'leave', '--force'], { stdio: 'ignore' });
  rmSync(LOCK, { recursive: true, force: true });
}
