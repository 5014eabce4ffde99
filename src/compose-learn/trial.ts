// One trial run of a project: the file as harden writes it with the grants proven or tried so far
// (each service's image profile plus its grants), written beside the user's file so relative
// paths, build contexts and .env read the same, run with docker-compose under a private name;
// each service tried is judged against its own reference run (learn's judge), the project removed.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Containers } from '../engine/containers.js';
import { hardenCompose, type HardenOptions } from '../compose/edit/harden.js';
import { grantedPolicy, type Grants } from '../learn/grants.js';
import type { Reference } from '../learn/reference.js';
import { failedTrial, judgeStarted } from '../learn/trial.js';
import type { BatchResult } from './batch.js';
import { LearnProject } from './project.js';

export interface ProjectTrials {
  readonly compose: string;
  readonly containers: Containers;
  readonly file: string;
  readonly text: string;
  readonly harden: HardenOptions;
  /** Projects alive right now, removed on Ctrl-C. */
  readonly live: Set<LearnProject>;
}

/** The file with each service's grants as compose keys; `portable`: naming the seccomp copy beside it. */
export async function grantedFile(setup: ProjectTrials, grants: ReadonlyMap<string, Grants>, portable: boolean): Promise<Awaited<ReturnType<typeof hardenCompose>>> {
  const servicePolicy: HardenOptions['servicePolicy'] = (service, policy) => {
    const own = grants.get(service);
    return own === undefined ? policy : grantedPolicy(policy, own);
  };
  return hardenCompose(setup.text, setup.file, { ...setup.harden, portable, servicePolicy });
}

/**
 * One project run: the services asked for with their grants (the others with theirs so far), each
 * judged against its own reference at once; a project that does not start fails them all. A
 * service whose dependency (`needs`) failed is not watched to its end: it would be asked again.
 */
export async function tryServices(setup: ProjectTrials, references: ReadonlyMap<string, Reference>, settled: ReadonlyMap<string, Grants>, asked: ReadonlyMap<string, Grants>, needs: ReadonlyMap<string, readonly string[]>): Promise<Map<string, BatchResult>> {
  const all = (result: BatchResult): Map<string, BatchResult> => new Map([...asked.keys()].map((service) => [service, result]));
  const hardened = await grantedFile(setup, new Map([...settled, ...asked]), false);
  const refused = hardened.findings.filter((f) => f.level === 'error');
  if (refused.length > 0) return all(failedTrial(`refused: ${refused.map((f) => `[${f.service}] ${f.message}`).join('; ')}`));
  const trialFile = join(dirname(setup.file), `.sdocker-learn-${randomBytes(4).toString('hex')}.yml`);
  writeFileSync(trialFile, hardened.output);
  const project = new LearnProject(setup.compose, trialFile, 'sdlearn');
  setup.live.add(project);
  try {
    const startedAt = Date.now();
    const error = await project.up();
    if (error !== undefined) return all(failedTrial(`docker-compose could not start it: ${error}`));
    const failures = new DependencyFailures(needs);
    const judged = await Promise.all([...asked.keys()].map(async (service): Promise<[string, BatchResult]> => {
      const reference = references.get(service);
      const id = await project.container(service);
      const judging = reference === undefined || id === undefined
        ? Promise.resolve(failedTrial('docker-compose made no container for it'))
        : judgeService(setup.containers, id, startedAt, reference).catch((e: unknown) => failedTrial(`it could not be watched: ${(e as Error).message}`));
      const result = await Promise.race([judging, failures.of(service)]);
      if (!result.passed) failures.add(service);
      return [service, result];
    }));
    return new Map(judged);
  } finally {
    await project.down();
    setup.live.delete(project);
    rmSync(trialFile, { force: true });
  }
}

/** The services failed so far in one run; `of(service)` settles when one it depends on does. */
class DependencyFailures {
  private readonly failed = new Set<string>();
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly needs: ReadonlyMap<string, readonly string[]>) {}

  add(service: string): void {
    this.failed.add(service);
    for (const check of this.waiting) check();
  }

  of(service: string): Promise<BatchResult> {
    return new Promise((resolve) => {
      const check = (): void => {
        const need = (this.needs.get(service) ?? []).find((n) => this.failed.has(n));
        if (need !== undefined) resolve(failedTrial(`${need}, which it depends on, failed`));
      };
      this.waiting.push(check);
      check();
    });
  }
}

async function judgeService(containers: Containers, id: string, startedAt: number, reference: Reference): Promise<BatchResult> {
  const judged = await judgeStarted(containers, id, startedAt, reference, { settleMs: 3000, probeCmd: [] });
  if (!judged.passed) return judged;
  const unhealthy = await healthFailure(containers, id);
  return unhealthy === undefined ? judged : { ...judged, passed: false, failure: unhealthy };
}

/** Where the service has a health check, it must pass (polled until healthy, unhealthy or 90 s). */
async function healthFailure(containers: Containers, id: string): Promise<string | undefined> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const health = await containers.health(id);
    if (health === undefined || health.status === 'healthy') return undefined;
    if (health.status === 'unhealthy' || Date.now() > deadline) return `its health check did not pass (${health.status}${health.output === '' ? '' : `: ${health.output.split('\n').at(-1) ?? ''}`})`;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
