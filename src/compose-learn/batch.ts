// Trials of several services gathered into one project run. Each service's search and
// minimisation (learn's own) asks for one trial at a time; once every service still learning has
// asked, the project runs once with all their grants and each is judged against its own
// reference. A service that failed while a service it depends on failed too is asked again in the
// next run (its own grants may not be why), as is one that failed only on a new log line naming
// nothing to grant (once: learn's repeat for noise).
import type { Grants } from '../learn/grants.js';
import { failedTrial, type TrialResult } from '../learn/trial.js';

export type BatchResult = TrialResult & { readonly logOnly?: boolean };

/** One project run with these services' grants; a result for each. */
export type RunBatch = (asked: ReadonlyMap<string, Grants>) => Promise<ReadonlyMap<string, BatchResult>>;

interface Ask {
  readonly grants: Grants;
  readonly resolve: (result: TrialResult) => void;
  readonly reject: (error: unknown) => void;
  repeated: boolean;
}

export class TrialBatches {
  private readonly waiting = new Map<string, Ask>();
  private readonly learning: Set<string>;
  private running = false;
  private stopped: unknown;

  /** `needs`: each service's dependencies, direct or not. */
  constructor(services: readonly string[], private readonly needs: ReadonlyMap<string, readonly string[]>, private readonly run: RunBatch) {
    this.learning = new Set(services);
  }

  /** A trial of `service` with `grants`, run with the next batch. */
  trial(service: string, grants: Grants): Promise<TrialResult> {
    if (this.stopped !== undefined) return Promise.reject(this.stopped);
    return new Promise((resolve, reject) => {
      this.waiting.set(service, { grants, resolve, reject, repeated: false });
      this.next();
    });
  }

  /** `service` asks for nothing more. */
  finished(service: string): void {
    this.learning.delete(service);
    this.next();
  }

  /** Every trial asked for, and every later one, ends with `error`. */
  stop(error: unknown): void {
    this.stopped = error;
    for (const ask of this.waiting.values()) ask.reject(error);
    this.waiting.clear();
  }

  private next(): void {
    if (this.running || this.stopped !== undefined || this.waiting.size === 0 || this.waiting.size < this.learning.size) return;
    this.running = true;
    const asked = new Map(this.waiting);
    this.run(new Map([...asked].map(([service, ask]) => [service, ask.grants]))).then((results) => {
      this.running = false;
      const failed = new Set([...asked.keys()].filter((service) => results.get(service)?.passed !== true));
      for (const [service, ask] of asked) {
        const result: BatchResult = results.get(service) ?? failedTrial('it was not judged');
        const blamed = !result.passed && !ownFailure(service, failed, this.needs);
        const noise = !result.passed && result.logOnly === true && !ask.repeated;
        if (blamed || noise) {
          ask.repeated ||= noise;
          continue;
        }
        this.waiting.delete(service);
        ask.resolve(result);
      }
      this.next();
    }, (error: unknown) => {
      this.running = false;
      this.stop(error);
    });
  }
}

/** A failure its own grants may explain: no service it depends on failed in the same run. */
export function ownFailure(service: string, failed: ReadonlySet<string>, needs: ReadonlyMap<string, readonly string[]>): boolean {
  return !(needs.get(service) ?? []).some((need) => failed.has(need));
}

/** Each service's dependencies (depends_on), direct or not. */
export function allNeeds(direct: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const collect = (service: string, seen: Set<string>): void => {
    for (const need of direct.get(service) ?? []) {
      if (seen.has(need)) continue;
      seen.add(need);
      collect(need, seen);
    }
  };
  for (const service of direct.keys()) {
    const seen = new Set<string>();
    collect(service, seen);
    seen.delete(service);
    out.set(service, [...seen]);
  }
  return out;
}
