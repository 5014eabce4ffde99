// The services of a project learned together. Each starts from what its reference showed and
// steps and minimises as learn does (learn/learn.ts: search, minimise), their trials gathered into
// one project run per step (batch.ts). Then the file as it will be written runs once with every
// service judged: a service may have passed beside a dependency that minimisation changed
// afterwards (a grant the dependency's own checks did not miss, but the service did). A service
// that fails there on its own gets its dependencies' grants back as they were before minimising;
// when they already were, it is learned again from its grants, the others as learned.
import type { Grants } from '../learn/grants.js';
import { minimise, search, startingPoint, type Trial } from '../learn/learn.js';
import type { Reference } from '../learn/reference.js';
import type { Knowledge } from '../learn/steps.js';
import { ownFailure, TrialBatches, type BatchResult } from './batch.js';
import type { Target } from './services.js';
import { tryServices, type ProjectTrials } from './trial.js';

interface Learning {
  readonly target: Target;
  readonly reference: Reference;
  readonly first: Grants;
  readonly known: Knowledge;
  /** Learned once already: the grants it failed with in the whole file. */
  readonly again: boolean;
}

/** Rounds of learning and a check of the whole file: at most this many. */
const ROUNDS = 3;

/** Each service's grants, proven together; a string: why a service cannot be learned. */
export async function learnServices(setup: ProjectTrials, references: ReadonlyMap<Target, Reference>, maxTrials: number, say: (line: string) => void): Promise<Map<string, Grants> | string> {
  const grants = new Map<string, Grants>();
  const byService = new Map([...references].map(([target, reference]) => [target.service, reference]));
  const needs = new Map([...references.keys()].map((target) => [target.service, target.needs]));
  let runs = 0;
  const runProject = async (asked: ReadonlyMap<string, Grants>, what: string): Promise<Map<string, BatchResult>> => {
    runs += 1;
    say(`project run ${runs}: ${what}`);
    return tryServices(setup, byService, grants, asked, needs);
  };
  let todo: Learning[] = [...references].map(([target, reference]) => {
    const start = startingPoint(reference, target.loaded.policy.tmpfs.size, false, target.loaded.policy.user || '0');
    grants.set(target.service, start.grants);
    return { target, reference, first: start.grants, known: start.known, again: false };
  });
  const trials = { count: 0 };
  /** Each service's grants when its search ended, before minimising. */
  const found = new Map<string, Grants>();
  for (let round = 1; ; round += 1) {
    const batches = new TrialBatches(todo.map((l) => l.target.service), needs, (asked) => runProject(asked, `trying ${[...asked.keys()].join(', ')}`));
    const gaveUp = await Promise.all(todo.map((learning) => learnOne(learning, batches, grants, found, maxTrials, trials, say)));
    const reason = gaveUp.find((r) => r !== undefined);
    if (reason !== undefined) return reason;
    // One service alone: its grants are those of a trial that passed.
    if (references.size === 1) return grants;
    let broken = await checkTogether(grants, needs, runProject);
    for (let restored = restoreNeeds(broken, needs, grants, found); restored.length > 0 && broken.size > 0; restored = restoreNeeds(broken, needs, grants, found)) {
      say(`the learned file, every service at once: ${describe(broken)}; ${restored.join(', ')} keep the grants first proven (without them ${restored.length === 1 ? 'it still worked' : 'they still worked'}, what depends on ${restored.length === 1 ? 'it' : 'them'} did not)`);
      broken = await checkTogether(grants, needs, runProject);
    }
    if (broken.size === 0) return grants;
    if (round === ROUNDS) return `the learned file does not work as a whole after ${round} rounds (${describe(broken)})`;
    say(`the learned file, every service at once: ${describe(broken)}; learning ${[...broken.keys()].join(', ')} again with the others as learned`);
    todo = todo.filter((l) => broken.has(l.target.service)).map((l) => ({ ...l, first: grants.get(l.target.service) ?? l.first, again: true }));
  }
}

async function learnOne(learning: Learning, batches: TrialBatches, grants: Map<string, Grants>, found: Map<string, Grants>, maxTrials: number, trials: { count: number }, say: (line: string) => void): Promise<string | undefined> {
  const service = learning.target.service;
  let own = 0;
  const trial: Trial = async (label, tried) => {
    own += 1;
    const began = Date.now();
    const result = await batches.trial(service, tried);
    trials.count += 1;
    say(`trial ${trials.count} (${((Date.now() - began) / 1000).toFixed(1)} s): ${service}: ${label}: ${result.passed ? 'works' : `fails: ${result.failure ?? ''}`}`);
    return result;
  };
  try {
    const proven = await search(learning.first, trial, learning.known, () => (own >= maxTrials ? `no proof after ${own} trials` : undefined), learning.again ? 'as learned, beside the others as learned' : undefined);
    if (typeof proven === 'string') {
      const reason = `service ${service}: ${proven}`;
      batches.stop(new GaveUp(reason));
      return reason;
    }
    found.set(service, proven);
    grants.set(service, proven);
    grants.set(service, await minimise(proven, trial, 1));
    batches.finished(service);
    return undefined;
  } catch (error) {
    if (error instanceof GaveUp) return undefined;
    batches.stop(error);
    throw error;
  }
}

/** Another service could not be learned: the others stop asking. */
class GaveUp extends Error {}

/**
 * The file as learned, every service judged in one run (once more when only new log lines naming
 * nothing failed it): the services that failed on their own, with why.
 */
async function checkTogether(grants: ReadonlyMap<string, Grants>, needs: ReadonlyMap<string, readonly string[]>, runProject: (asked: ReadonlyMap<string, Grants>, what: string) => Promise<Map<string, BatchResult>>): Promise<Map<string, string>> {
  let results = await runProject(grants, 'the learned file, every service judged at once');
  const failing = (): [string, BatchResult][] => [...results].filter(([, result]) => !result.passed);
  if (failing().length > 0 && failing().every(([, result]) => result.logOnly === true)) results = await runProject(grants, 'the learned file again (only new log lines failed it)');
  const failed = new Set(failing().map(([service]) => service));
  return new Map(failing().filter(([service]) => ownFailure(service, failed, needs)).map(([service, result]) => [service, result.failure ?? '']));
}

/** The dependencies of the broken services that minimising changed, given back their grants from before it; their names. */
function restoreNeeds(broken: ReadonlyMap<string, string>, needs: ReadonlyMap<string, readonly string[]>, grants: Map<string, Grants>, found: ReadonlyMap<string, Grants>): string[] {
  const restored = new Set<string>();
  for (const service of broken.keys()) {
    for (const need of needs.get(service) ?? []) {
      const before = found.get(need);
      if (before !== undefined && grants.get(need) !== before) {
        grants.set(need, before);
        restored.add(need);
      }
    }
  }
  return [...restored];
}

function describe(broken: ReadonlyMap<string, string>): string {
  return [...broken].map(([service, failure]) => `${service}: ${failure}`).join('; ');
}
