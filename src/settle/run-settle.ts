// `run -d` through the settle window: the container docker just started is watched until it has
// run the window (its image is then remembered as seen running), has ended with 0, or failed;
// a failure is reported with its diagnosis and sdocker exits 1, as compose v2's `up --wait` does
// for a service that does not come up.
import { Containers } from '../engine/containers.js';
import type { DiagnoseSource } from '../diagnose/explain.js';
import { goneSource } from './gone.js';
import { reportFailure, settleSummary, unreadWarnings } from './report.js';
import type { RunWatchPlan } from './run-plan.js';
import { settle } from './wait.js';

/** How long, after docker run -d returned, reading its --cidfile (written before the start) may take. */
const FIND_MS = 2000;

export async function settleRun(plan: RunWatchPlan, remember: (imageId: string, env: NodeJS.ProcessEnv) => void): Promise<number> {
  const { request, window, inspector, watch } = plan;
  if (inspector === undefined) return 0;
  const id = (await Promise.race([watch?.found, new Promise<undefined>((done) => setTimeout(() => done(undefined), FIND_MS).unref())])) ?? request.admitted()[0] ?? plan.name;
  if (id === undefined) return 0;
  const [result] = await settle({
    inspector,
    refs: async () => [id],
    windowMs: window.ms,
    since: plan.since,
    // Removed by --rm as it ended: the engine's die event says how.
    gone: () => (watch?.exitCode === 0 ? { kind: 'settled', why: 'exited 0' } : { kind: 'failed', why: `exited with code ${watch?.exitCode ?? 'unknown'} and was removed (--rm)` }),
  });
  if (result !== undefined) request.deps.stderr(unreadWarnings([result]));
  if (result === undefined || result.verdict.kind === 'waiting') return 0;
  if (result.verdict.kind === 'settled') {
    if (request.imageId !== undefined) remember(request.imageId, request.deps.env);
    return 0;
  }
  // A --rm container is removed by the engine as it ends (seen exited now, gone a moment later): read what the watch kept.
  const { source, done } = sourceFor(plan, !result.gone && !request.view.isOn('rm'));
  try {
    request.deps.stderr(await reportFailure(result, source, id));
  } finally {
    await done();
  }
  request.deps.stderr(settleSummary(1, 1, window.ms, 'container', '--sd-settle 0 (or SDOCKER_SETTLE=0)'));
  return 1;
}

/** Where the failed container is read: the engine while it exists, else what the watch kept of it. */
export function sourceFor(plan: RunWatchPlan, exists: boolean): { source: DiagnoseSource; done: () => Promise<void> } {
  const { deps } = plan.request;
  const info = plan.watch?.info;
  if (exists || info === undefined) return { source: new Containers(deps.docker, plan.globals), done: async () => undefined };
  const gone = goneSource({ info, exitCode: plan.watch?.exitCode ?? info.exitCode, lines: plan.watch?.lines() ?? [] }, deps.docker, plan.globals);
  const stopListening = deps.onInterrupt(() => gone.remove());
  return { source: gone, done: async () => {
    stopListening();
    await gone.remove();
  } };
}
