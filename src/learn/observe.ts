// Watching and exercising a hardened container the way its reference run was: wait for the ports
// the reference opened (as long as it needed, plus a margin) or an exit, send each port the probe
// the reference got with as long to answer, run --probe-cmd, read its log once it is quiet. What
// comes back is judged by judge.ts. Takes any started container, so compose services can use it.
import { posix } from 'node:path';
import type { Containers } from '../engine/containers.js';
import type { SymptomContext } from '../diagnose/symptoms.js';
import { exchange, type Exchange } from './exchange.js';
import { portDeadline, trialTimes, type Observed } from './judge.js';
import type { Reference } from './reference.js';
import { settledLog, watchStart } from './watch.js';

export interface TrialChecks {
  /** It must keep running at least this long. */
  readonly settleMs: number;
  readonly probeCmd: readonly string[];
}

/** `startedAt`: when `docker run` was called, as for the reference. */
export async function observeTrial(containers: Containers, name: string, startedAt: number, reference: Reference, checks: TrialChecks): Promise<{ observed: Observed; uids: number[] }> {
  const ports = [...reference.opened.keys()];
  const job = reference.exitCode !== undefined;
  const capMs = job ? portDeadline(reference.readyMs) : Math.max(checks.settleMs, ...[...reference.opened.values()].map(portDeadline));
  const watched = await watchStart(containers, name, startedAt, {
    ports,
    capMs,
    watchLog: false,
    done: (s) => !job && s.elapsedMs >= checks.settleMs && ports.every((p) => s.opened.has(p)),
  });
  const base = { exited: watched.exited, opened: watched.opened, exchanges: new Map<string, Exchange>(), probeCmd: undefined, runningAfter: undefined };
  if (watched.exited !== undefined || ports.some((p) => !watched.opened.has(p))) {
    return { observed: { ...base, log: await containers.logs(name, 2000) }, uids: [] };
  }
  const uids = job ? [] : (await containers.processes(name)).map((p) => p.euid);
  const exchanges = new Map<string, Exchange>();
  const ip = watched.ip;
  if (ip !== undefined) {
    const probed = ports.filter((port) => reference.exchanges.has(port));
    await Promise.all(probed.map(async (port) => exchanges.set(port, await exchange(ip, Number.parseInt(port, 10), trialTimes(reference.exchanges.get(port))))));
  }
  const probeCmd = checks.probeCmd.length > 0 && !job ? await containers.exec(name, checks.probeCmd) : undefined;
  const log = await settledLog(containers, name, 5000);
  const info = job ? undefined : await containers.inspect(name);
  return { observed: { ...base, exchanges, probeCmd, log, runningAfter: job ? undefined : info?.running === true }, uids };
}

/** Relative paths in its log, resolved the way the reference shows: a path it wrote that ends so, else its working folder. */
export function symptomContext(reference: Reference): SymptomContext {
  return {
    resolve: (relative) => reference.writes.paths.find((path) => path.endsWith(`/${relative}`)) ?? (reference.workdir === '/' ? undefined : posix.join(reference.workdir, relative)),
  };
}
