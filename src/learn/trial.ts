// One trial: start the image under the policy plus some grants, wait for the ports the reference
// opened (as long as it needed, plus a margin), exercise it as the reference was exercised,
// judge it against the reference (judge.ts), read what the next step needs, remove it.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { parseInvocation, type ContainerInvocation } from '../docker/invocation.js';
import type { Containers } from '../engine/containers.js';
import { readSymptomFiles, type SymptomFiles } from '../diagnose/files.js';
import { findSymptoms, type Symptom, type SymptomContext } from '../diagnose/symptoms.js';
import { SdockerError, EXIT_REFUSED } from '../errors.js';
import { planContainer } from '../plan.js';
import { refusalMessage } from '../policy/refusals.js';
import type { RuleContext } from '../policy/context.js';
import { exchange, type Exchange } from './exchange.js';
import { grantedPolicy, type Grants } from './grants.js';
import { judge, portDeadline, trialTimes, type Observed } from './judge.js';
import { normalizeLine } from './loglines.js';
import type { LearnOptions } from './options.js';
import { LEARN_LABEL, type Reference } from './reference.js';
import { settledLog, watchStart } from './watch.js';

export interface TrialSetup {
  readonly containers: Containers;
  readonly options: LearnOptions;
  /** The run context without items (each trial parses its own). */
  readonly base: RuleContext;
  /** Containers alive right now, removed on Ctrl-C. */
  readonly live: Set<string>;
  readonly reference: Reference;
}

export interface TrialResult {
  readonly passed: boolean;
  /** Which criterion failed. */
  readonly failure: string | undefined;
  /** Symptoms of the lines the reference did not print. */
  readonly symptoms: readonly Symptom[];
  /** New error lines (judge.ts). */
  readonly errors: readonly string[];
  /** New lines that did not fail it. */
  readonly notes: readonly string[];
  /** Every line the reference did not print. */
  readonly fresh: readonly string[];
  readonly uids: readonly number[];
  /** The first entries of each path the symptoms name, and of its folder (undefined: missing). */
  readonly files: SymptomFiles;
}

export async function runTrial(setup: TrialSetup, grants: Grants): Promise<TrialResult> {
  const { containers, options } = setup;
  const name = `sdocker-learn-${randomBytes(4).toString('hex')}`;
  const inv = trialInvocation(options, name);
  const plan = planContainer(inv, { ...setup.base, items: inv.flags.items, policy: grantedPolicy(setup.base.policy, grants) });
  // A refusal that rests on the run's user (a dangerous capability the policy grants as root).
  if (plan.refused.length > 0) throw new SdockerError(plan.refused.map(refusalMessage).join('\n'), EXIT_REFUSED);
  setup.live.add(name);
  try {
    const startedAt = Date.now();
    const started = await containers.runDetached(plan.argv);
    if (started.id === undefined) return { passed: false, failure: `docker could not start it: ${started.error}`, symptoms: [], errors: [], notes: [], fresh: [], uids: [], files: new Map() };
    const { observed, uids } = await observe(setup, name, startedAt);
    const context = symptomContext(setup.reference);
    const verdict = judge(setup.reference, observed, context);
    const known = new Set(setup.reference.log.map(normalizeLine));
    const fresh = observed.log.filter((line) => !known.has(normalizeLine(line)));
    const symptoms = findSymptoms(fresh, context);
    const files = await readSymptomFiles(containers, name, symptoms);
    return { passed: verdict.failure === undefined, failure: verdict.failure, symptoms, errors: verdict.errors, notes: verdict.notes, fresh, uids, files };
  } finally {
    await containers.remove(name);
    setup.live.delete(name);
  }
}

/** Relative paths in its log, resolved the way the reference shows: a path it wrote that ends so, else its working folder. */
export function symptomContext(reference: Reference): SymptomContext {
  return {
    resolve: (relative) => reference.writes.paths.find((path) => path.endsWith(`/${relative}`)) ?? (reference.workdir === '/' ? undefined : posix.join(reference.workdir, relative)),
  };
}

function trialInvocation(options: LearnOptions, name: string): ContainerInvocation {
  const words = ['run', '-d', '--name', name, '--restart', 'no', '--label', `${LEARN_LABEL}=true`, ...options.items.flatMap((item) => item.words), '--', options.image, ...options.args];
  const inv = parseInvocation(words);
  if (inv.kind !== 'container') throw new Error(`not a container invocation: ${words.join(' ')}`);
  return inv;
}

/** Wait for the reference's ports (or an exit), then exercise it as the reference was. */
async function observe(setup: TrialSetup, name: string, startedAt: number): Promise<{ observed: Observed; uids: number[] }> {
  const { containers, reference, options } = setup;
  const ports = [...reference.opened.keys()];
  const job = reference.exitCode !== undefined;
  const capMs = job ? portDeadline(reference.readyMs) : Math.max(options.settleMs, ...[...reference.opened.values()].map(portDeadline));
  const watched = await watchStart(containers, name, startedAt, {
    ports,
    capMs,
    watchLog: false,
    done: (s) => !job && s.elapsedMs >= options.settleMs && ports.every((p) => s.opened.has(p)),
  });
  const base = { exited: watched.exited, opened: watched.opened, exchanges: new Map<string, Exchange>(), probeCmd: undefined, runningAfter: undefined };
  if (watched.exited !== undefined || ports.some((p) => !watched.opened.has(p))) {
    return { observed: { ...base, log: await containers.logs(name, 2000) }, uids: [] };
  }
  const uids = job ? [] : (await containers.processes(name)).map((p) => p.euid);
  const exchanges = new Map<string, Exchange>();
  const ip = watched.ip;
  if (ip !== undefined) {
    await Promise.all(ports.map(async (port) => exchanges.set(port, await exchange(ip, Number.parseInt(port, 10), trialTimes(reference.exchanges.get(port))))));
  }
  const probeCmd = options.probeCmd.length > 0 && !job ? await containers.exec(name, options.probeCmd) : undefined;
  const log = await settledLog(containers, name, 5000);
  const info = job ? undefined : await containers.inspect(name);
  return { observed: { ...base, exchanges, probeCmd, log, runningAfter: job ? undefined : info?.running === true }, uids };
}
