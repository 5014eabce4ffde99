// A foreground run whose container failed: why, when its own log shows the hardening was the
// cause. Without --rm the container is still there to read; with --rm the engine removed it as
// it exited, and what the watch kept of it (its inspect, its output, its exit code) is read.
import { Containers } from '../engine/containers.js';
import { diagnose, renderDiagnosis } from '../diagnose/explain.js';
import type { RunWatchPlan } from './run-plan.js';
import { sourceFor } from './run-settle.js';

const PREFIX = "sdocker: failed under sdocker's hardening: ";

export async function explainRun(plan: RunWatchPlan, code: number, rm: boolean): Promise<void> {
  const { deps, inv } = plan.request;
  if (!rm) {
    const containers = new Containers(deps.docker, plan.globals);
    const name = plan.name ?? plan.watch?.container ?? plan.request.admitted()[0] ?? (await containers.latest(inv.image));
    const diagnosis = name === undefined ? undefined : await diagnose(containers, name);
    if (diagnosis !== undefined && diagnosis.findings.length > 0) deps.stderr(renderDiagnosis(diagnosis, PREFIX));
    return;
  }
  const watch = plan.watch;
  const id = watch?.container;
  if (watch === undefined || id === undefined) return;
  await watch.outputEnded(2000);
  // docker's code is the container's; the die event, when it has come, must agree.
  const deadline = Date.now() + 1000;
  while (watch.exitCode === undefined && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
  if (watch.exitCode !== undefined && watch.exitCode !== code) return;
  const { source, done } = sourceFor(plan, false);
  try {
    const diagnosis = await diagnose(source, id);
    if (diagnosis !== undefined && diagnosis.findings.length > 0) deps.stderr(renderDiagnosis(diagnosis, PREFIX));
  } finally {
    await done();
  }
}
