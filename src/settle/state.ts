// Whether a container came up, failed, or is still to be watched: judged from what the engine
// says of it at each look, against what it said at the first look. Pure, so each case is a test.
import type { RawInspect } from '../engine/containers.js';

export interface Look {
  readonly status: string;
  readonly restarting: boolean;
  readonly exitCode: number;
  readonly oomKilled: boolean;
  readonly restartCount: number;
  /** Milliseconds since the epoch; NaN when it never started. */
  readonly startedAt: number;
  readonly createdAt: number;
  readonly finishedAt: number;
  readonly health: string | undefined;
}

export type Verdict =
  | { readonly kind: 'waiting' }
  | { readonly kind: 'settled'; readonly why: 'healthy' | 'exited 0' | 'ran through the window' | 'not started by this command' }
  | { readonly kind: 'failed'; readonly why: string };

export function look(raw: RawInspect): Look {
  return {
    status: raw.State.Status ?? (raw.State.Running ? 'running' : 'exited'),
    restarting: raw.State.Restarting,
    exitCode: raw.State.ExitCode,
    oomKilled: raw.State.OOMKilled,
    restartCount: raw.RestartCount ?? 0,
    startedAt: Date.parse(raw.State.StartedAt ?? ''),
    createdAt: Date.parse(raw.Created ?? ''),
    finishedAt: Date.parse(raw.State.FinishedAt ?? ''),
    health: raw.State.Health?.Status ?? undefined,
  };
}

/**
 * `now` against `first` (the first look, made after the command started it at `since`).
 * Failed: it exited non-zero or was killed for memory, is restarting after such an exit, or
 * restarted while watched (or, started by this command, at all); its healthcheck said unhealthy.
 * A container whose program exits 0 (a job; `restart: always` starting it again) has not failed.
 * Settled early only on evidence: its healthcheck passed (what compose v2's `up --wait` waits
 * for), or it ended with 0. Otherwise it must have run the whole window since its last start:
 * a server that fails on a missing folder fails within milliseconds, but nothing shows that one
 * which is still reading its configuration will not.
 */
export function judge(now: Look, first: Look, at: number, windowMs: number, since: number): Verdict {
  const badExit = now.exitCode !== 0 || now.oomKilled;
  const ours = now.createdAt >= since || now.startedAt >= since;
  const why = exitWords(now);
  if (now.health === 'unhealthy') return { kind: 'failed', why: 'its healthcheck reports unhealthy' };
  if (badExit && (now.restarting || now.restartCount > first.restartCount || (ours && now.restartCount > 0))) {
    return { kind: 'failed', why: `${now.restarting ? 'restarting' : now.status}: ${why}, restarted ${now.restartCount} time${now.restartCount === 1 ? '' : 's'}` };
  }
  const stopped = now.status === 'exited' || now.status === 'dead';
  // One stopped before this command that this command did not start (`up` of another service).
  if (stopped && !ours && !(now.finishedAt >= since)) return { kind: 'settled', why: 'not started by this command' };
  if (stopped && badExit) return { kind: 'failed', why };
  if (now.health === 'healthy') return { kind: 'settled', why: 'healthy' };
  if (stopped && !badExit) return { kind: 'settled', why: 'exited 0' };
  if (now.status === 'running' && !now.restarting && at - now.startedAt >= windowMs) return { kind: 'settled', why: 'ran through the window' };
  return { kind: 'waiting' };
}

function exitWords(state: Look): string {
  return `exited with code ${state.exitCode}${state.oomKilled ? ' (out of memory)' : ''}`;
}
