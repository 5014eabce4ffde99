// One trial: start the image under the policy plus some grants, watch and exercise it as the
// reference was (observe.ts), judge it against the reference (judge.ts), read what the next step
// needs, remove it.
import { randomBytes } from 'node:crypto';
import { parseInvocation, type ContainerInvocation } from '../docker/invocation.js';
import type { Containers } from '../engine/containers.js';
import { readSymptomFiles, type SymptomFiles } from '../diagnose/files.js';
import { findSymptoms, type Symptom } from '../diagnose/symptoms.js';
import { SdockerError, EXIT_REFUSED } from '../common/errors.js';
import { planContainer } from '../planner/plan.js';
import { refusalMessage } from '../policy/refusals.js';
import type { RuleContext } from '../policy/context.js';
import { grantedPolicy, type Grants } from './grants.js';
import { judge } from './judge.js';
import { normalizeLine } from './loglines.js';
import { observeTrial, symptomContext, type TrialChecks } from './observe.js';
import type { LearnOptions } from './options.js';
import { LEARN_LABEL, type Reference } from './reference.js';

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

/**
 * A trial that failed only on a new error line naming nothing to grant ("read() failed on fd 5:
 * Connection reset by peer") is run once more: a line a repeat does not print again is noise.
 */
export async function runTrial(setup: TrialSetup, grants: Grants): Promise<TrialResult> {
  const first = await runOnce(setup, grants);
  return first.logOnly ? runOnce(setup, grants) : first;
}

async function runOnce(setup: TrialSetup, grants: Grants): Promise<TrialResult & { logOnly: boolean }> {
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
    if (started.id === undefined) return { ...failedTrial(`docker could not start it: ${started.error}`), logOnly: false };
    return await judgeStarted(containers, name, startedAt, setup.reference, options);
  } finally {
    await containers.remove(name);
    setup.live.delete(name);
  }
}

/** A trial that failed before there was anything to watch (it did not start). */
export function failedTrial(failure: string): TrialResult {
  return { passed: false, failure, symptoms: [], errors: [], notes: [], fresh: [], uids: [], files: new Map() };
}

/** A started container (a compose service's too) watched, exercised and judged against its reference. */
export async function judgeStarted(containers: Containers, name: string, startedAt: number, reference: Reference, checks: TrialChecks): Promise<TrialResult & { logOnly: boolean }> {
  const { observed, uids } = await observeTrial(containers, name, startedAt, reference, checks);
  const context = symptomContext(reference);
  const verdict = judge(reference, observed, context);
  const known = new Set(reference.log.map(normalizeLine));
  const fresh = observed.log.filter((line) => !known.has(normalizeLine(line)));
  const symptoms = findSymptoms(fresh, context);
  const files = await readSymptomFiles(containers, name, symptoms);
  return { passed: verdict.failure === undefined, failure: verdict.failure, symptoms, errors: verdict.errors, notes: verdict.notes, fresh, uids, files, logOnly: verdict.logOnly };
}

function trialInvocation(options: LearnOptions, name: string): ContainerInvocation {
  const words = ['run', '-d', '--name', name, '--restart', 'no', '--label', `${LEARN_LABEL}=true`, ...options.items.flatMap((item) => item.words), '--', options.image, ...options.args];
  const inv = parseInvocation(words);
  if (inv.kind !== 'container') throw new Error(`not a container invocation: ${words.join(' ')}`);
  return inv;
}
