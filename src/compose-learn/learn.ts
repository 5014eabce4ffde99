// `sdocker harden --learn [--write] FILE` and `sdocker learn -f FILE [SERVICE...]`: learn for a
// compose project, inside its own stack. The whole project runs once as plain docker-compose runs
// it (the reference: each service watched as learn watches an image); then the services to learn
// are tried together, the project hardened as harden writes it plus each one's grants as they
// stand (batch.ts: one project run per step), each judged against its own reference run, relaxed
// one step at a time and minimised as learn does (learn/learn.ts). The grants are written into
// the file as compose keys, each with a comment naming what proved it.
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Deps } from '../planner/deps.js';
import { Containers } from '../engine/containers.js';
import { EXIT_REFUSED, EXIT_USAGE, SdockerError } from '../common/errors.js';
import type { HardenOptions } from '../compose/edit/harden.js';
import { describeGrants, type Grants } from '../learn/grants.js';
import { describeReference } from '../learn/proof.js';
import { observeStarted, type Reference } from '../learn/reference.js';
import { LearnProject } from './project.js';
import { learnTargets, readServices, type Target } from './services.js';
import { learnServices } from './rounds.js';
import { grantedFile, type ProjectTrials } from './trial.js';
import { writeLearned } from './write.js';

export interface ComposeLearnRequest {
  readonly files: readonly string[];
  /** Services to learn; none: every service whose image has no profile. */
  readonly services: readonly string[];
  readonly write: boolean;
  readonly profile: string;
  /** harden's --allow: refusals lifted in every service. */
  readonly allow?: readonly string[];
  readonly maxTrials?: number;
}

export async function runComposeLearn(request: ComposeLearnRequest, deps: Deps): Promise<number> {
  if (request.files.length !== 1) throw new SdockerError('sdocker learn: learn for compose takes one compose file (sdocker harden --learn FILE, or sdocker learn -f FILE SERVICE...)', EXIT_USAGE);
  const file = resolve(deps.cwd, request.files[0] ?? '');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new SdockerError(`sdocker learn: ${file} cannot be read; name a compose file`, EXIT_USAGE);
  }
  const say = (line: string): void => deps.stderr(`sdocker learn: ${line}\n`);
  const compose = deps.env['SDOCKER_COMPOSE'] || 'docker-compose';
  const live = new Set<LearnProject>();
  const stop = deps.onInterrupt(async () => {
    say('interrupted: removing the reference or trial project');
    await Promise.all([...live].map((project) => project.remove()));
  });
  try {
    const harden: HardenOptions = { profile: request.profile, env: deps.env, cliAllow: request.allow ?? [], cliAllowFlag: '--allow', seccomp: undefined, cwd: deps.cwd };
    const setup: ProjectTrials = { compose, containers: new Containers(deps.docker, []), file, text, harden, live };
    // What sdocker refuses is never run, not even as the reference: as learn checks a run's flags first.
    const refused = (await grantedFile(setup, new Map(), false)).findings.filter((f) => f.level === 'error');
    if (refused.length > 0) throw new SdockerError(refused.map((f) => `sdocker learn: ${f.message} [service ${f.service}]`).join('\n'), EXIT_REFUSED);
    const started = Date.now();
    const references = await referenceRun(setup, request, deps, say);
    if (typeof references === 'string') return giveUp(references, say);
    if (references.size === 0) {
      say(`every service of ${file} has an image profile: nothing to learn (name services with sdocker learn -f FILE SERVICE...); hardened as harden does`);
      return await writeLearned(setup, new Map(), request.write, deps, say);
    }
    const grants = await learnServices(setup, references, request.maxTrials ?? 20, say);
    if (typeof grants === 'string') return giveUp(grants, say);
    say(`proved in ${Math.round((Date.now() - started) / 1000)} s: ${[...grants].map(([service, g]) => `${service}: ${describeGrants(g)}`).join('; ')}`);
    return await writeLearned(setup, grants, request.write, deps, say);
  } finally {
    stop();
  }
}

/** The project under plain docker-compose; each service to learn observed as learn's reference (a string: why it cannot be learned). */
async function referenceRun(setup: ProjectTrials, request: ComposeLearnRequest, deps: Deps, say: (line: string) => void): Promise<Map<Target, Reference> | string> {
  const asked = { compose: setup.compose, docker: deps.docker, file: setup.file, named: request.services, profile: request.profile, env: deps.env };
  const services = await readServices(asked);
  const project = new LearnProject(setup.compose, setup.file, 'sdlearnref');
  say(`reference run: ${setup.file} as plain docker-compose runs it (project ${project.name}; docker's defaults, none of sdocker's hardening)`);
  setup.live.add(project);
  try {
    const startedAt = Date.now();
    const error = await project.up();
    if (error !== undefined) return `under plain docker-compose the project does not start either: ${error}`;
    const targets = await learnTargets(asked, services);
    const observed = await Promise.all(targets.map(async (target) => {
      const id = await project.container(target.service);
      return { target, reference: id === undefined ? undefined : await observeStarted(setup.containers, id, target.spec, startedAt) };
    }));
    const references = new Map<Target, Reference>();
    for (const { target, reference } of observed) {
      if (reference === undefined) return `service ${target.service}: docker-compose made no container for it`;
      if (reference.failure !== undefined) return `service ${target.service}: ${reference.failure}`;
      for (const line of describeReference(reference)) say(`  ${target.service}: ${line}`);
      references.set(target, reference);
    }
    return references;
  } finally {
    await project.down();
    setup.live.delete(project);
  }
}

function giveUp(reason: string, say: (line: string) => void): number {
  say(`cannot make it work hardened: ${reason}; the file is not changed`);
  return 1;
}
