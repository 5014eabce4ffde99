// sdocker learn: find what an image needs to run hardened, prove it, write an image profile.
// First the image runs as plain docker runs it (the reference, reference.ts); the first trial
// grants what that run showed it needs (evidence.ts); failed trials relax one step at a time
// (steps.ts); then every grant is dropped in turn and kept only if a trial fails without it.
// Every trial is judged against the reference (judge.ts).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Deps } from '../planner/deps.js';
import type { Item } from '../docker/parse.js';
import { EXIT_USAGE, SdockerError } from '../common/errors.js';
import { imageVersion, normalizeImage } from '../policy/images.js';
import { userImagesDir } from '../policy/load.js';
import { OptionView } from '../policy/context.js';
import { processUsers, userCandidates, writtenTmpfs } from './evidence.js';
import { allGrants, describeGrants, describeTmpfs, NO_GRANTS, without, type Evidence, type Grants } from './grants.js';
import { parseLearn, type LearnOptions } from './options.js';
import { prepare } from './prepare.js';
import { renderProfile } from './profile.js';
import { describeReference, notProven, proven } from './proof.js';
import { observeReference, type Reference } from './reference.js';
import { nextStep, uidOf, type Knowledge, type Step } from './steps.js';
import { runTrial, type TrialResult, type TrialSetup } from './trial.js';

export const LEARN_USAGE = `Usage: sdocker learn [docker run flags] [learn options] IMAGE [COMMAND...]

Runs IMAGE as plain docker would (the reference), then finds what it needs to do the same under
sdocker's hardening (a user, writable folders, a few harmless capabilities), proves it with
trial runs judged against the reference, and writes an image profile for that tag that
sdocker run, create and harden then use.

Learn options (among the docker flags, before the image):
  --probe-port PORT   a TCP port to watch and probe (default: the image's exposed TCP ports)
  --probe-cmd CMD     a command run in the container (split on spaces) that must exit 0
  --settle SECONDS    how long a trial must keep running (default 3)
  --wait SECONDS      how long the reference may take to be ready (default 60)
  --max-trials N      give up after N trials (default 20)
  --output FILE       write the profile here (default: images/NAME@TAG.yml beside your config.yml)
  --dry-run           print the profile instead of writing it

  sdocker learn -f FILE [--write] [SERVICE...] learns services of a compose file inside their own
  stack and writes the grants into the file as compose keys (sdocker harden --learn FILE: every
  service whose image has no profile).
`;

export async function runLearn(args: readonly string[], deps: Deps, globals: readonly Item[] = []): Promise<number> {
  const options = parseLearn(args);
  if (options.help) {
    deps.stdout(LEARN_USAGE);
    return 0;
  }
  const say = (line: string): void => deps.stderr(`sdocker learn: ${line}\n`);
  const prepared = await prepare(options, deps, globals);
  const live = new Set<string>();
  const stop = deps.onInterrupt(async () => {
    say('interrupted: removing the reference or trial container');
    await Promise.all([...live].map((name) => prepared.containers.remove(name)));
  });
  try {
    return await learn(options, prepared, live, deps, say);
  } finally {
    stop();
  }
}

export type Trial = (label: string, tried: Grants) => Promise<TrialResult>;

async function learn(options: LearnOptions, prepared: Awaited<ReturnType<typeof prepare>>, live: Set<string>, deps: Deps, say: (line: string) => void): Promise<number> {
  const started = Date.now();
  say(`${options.image}: reference run: as plain docker runs it (docker's defaults${options.items.length > 0 ? ' and your flags' : ''}, none of sdocker's hardening)`);
  const reference = await observeReference(prepared.containers, { ...prepared.spec, probeCmd: options.probeCmd }, live);
  if (reference.failure !== undefined) return giveUp(`${reference.failure}; learn proves a hardened run against the image's own behaviour under docker`, say);
  for (const line of describeReference(reference)) say(`  ${line}`);
  const setup: TrialSetup = { containers: prepared.containers, options, base: prepared.base, live, reference };
  const userGiven = new OptionView(options.items).last('user') !== undefined;
  const start = startingPoint(reference, prepared.base.policy.tmpfs.size, userGiven, prepared.defaultUser);
  const known = start.known;
  let grants = start.grants;
  let trials = 0;
  const notes = new Map<string, readonly string[]>();
  const trial: Trial = async (label, tried) => {
    trials += 1;
    const number = trials;
    const began = Date.now();
    const result = await runTrial(setup, tried);
    say(`trial ${number} (${((Date.now() - began) / 1000).toFixed(1)} s): ${label}: ${result.passed ? 'works' : `fails: ${result.failure ?? ''}`}`);
    if (result.passed) notes.set(describeGrants(tried), result.notes);
    return result;
  };
  const found = await search(grants, trial, known, () => (trials >= options.maxTrials ? `no proof after ${trials} trials (--max-trials)` : undefined));
  if (typeof found === 'string') return giveUp(found, say);
  grants = found;
  // Trials that publish a fixed host port cannot run side by side.
  grants = await minimise(grants, trial, new OptionView(options.items).has('publish') ? 1 : 3);
  const seconds = Math.round((Date.now() - started) / 1000);
  say(`proved in ${trials} trials, ${seconds} s: ${describeGrants(grants)}`);
  const text = renderProfile(grants, {
    image: options.image, entry: profileEntry(options.image), imageId: reference.imageId, trials, seconds, date: new Date().toISOString().slice(0, 10),
    proven: proven(reference, options.settleMs, options.probeCmd), notProven: notProven(reference, notes.get(describeGrants(grants)) ?? []), baseTmpfs: prepared.base.policy.tmpfs.paths,
  });
  return write(text, options, deps, say);
}

/** Where the search starts: what the reference showed it needs (folders it wrote, the user its processes ran as), and what the steps know. */
export function startingPoint(reference: Reference, tmpfsSize: string, userGiven: boolean, defaultUser: string): { grants: Grants; known: Knowledge } {
  const known: Knowledge = { accounts: reference.accounts, userGiven, triedUsers: new Set([uidOf(defaultUser)]), candidates: userCandidates(reference), written: reference.writes.folders };
  const grants: Grants = { ...NO_GRANTS, tmpfs: writtenTmpfs(reference, tmpfsSize), user: userGiven ? undefined : processUsers(reference)[0] };
  if (grants.user !== undefined) known.triedUsers.add(uidOf(grants.user.value));
  return { grants, known };
}

/**
 * From the first trial's grants, one step per failed trial until one works; a string: why it
 * cannot. `firstLabel`: what the first grants are, when not what the reference showed.
 */
export async function search(first: Grants, trial: Trial, known: Knowledge, exhausted: () => string | undefined, firstLabel?: string): Promise<Grants | string> {
  let grants = first;
  let result = await trial(allGrants(grants).length === 0 ? 'the policy as it is (no capabilities)' : `${firstLabel ?? 'what plain docker showed it needs'} (${describeGrants(grants)})`, grants);
  while (!result.passed) {
    const limit = exhausted();
    if (limit !== undefined) return limit;
    const step = nextStep(result, grants, known);
    if (step.kind === 'stuck') return step.reason;
    grants = applyStep(step, grants, known);
    result = await trial(`+ ${stepText(step)}`, grants);
  }
  return grants;
}

function applyStep(step: Exclude<Step, { kind: 'stuck' }>, grants: Grants, known: Knowledge): Grants {
  if (step.kind === 'tmpfs') return { ...grants, tmpfs: [...grants.tmpfs, ...step.add] };
  if (step.kind === 'owners') {
    return { ...grants, tmpfs: grants.tmpfs.map((g) => (step.tmpfs.includes(g) && g.referenceOwner !== undefined ? { ...g, owner: { value: g.referenceOwner, why: step.why } } : g)) };
  }
  if (step.kind === 'user') {
    known.triedUsers.add(uidOf(step.user.value));
    return { ...grants, user: step.user };
  }
  return { ...grants, user: step.user ?? grants.user, caps: [...grants.caps, ...step.add] };
}

/**
 * Keep a grant only when the proof fails without it. Each grant is first dropped alone, `parallel`
 * trials at a time (most trials wait for a server to settle, so they overlap well); the ones that
 * were not needed alone are then dropped together and proved once more, one at a time if that fails.
 */
export async function minimise(grants: Grants, trial: Trial, parallel: number): Promise<Grants> {
  const all = allGrants(grants);
  const alone = await mapLimit(all, parallel, async (grant) => (await trial(`minimise: without ${grantName(grants, grant)}`, without(grants, grant))).passed);
  const spare = all.filter((_, i) => alone[i] === true);
  if (spare.length <= 1) return spare.reduce(without, grants);
  const together = spare.reduce(without, grants);
  if ((await trial(`minimise: without ${spare.map((g) => grantName(grants, g)).join(', ')} together`, together)).passed) return together;
  let kept = grants;
  for (const grant of spare) {
    if (!allGrants(kept).includes(grant)) continue;
    const candidate = without(kept, grant);
    if ((await trial(`minimise: without ${grantName(kept, grant)}`, candidate)).passed) kept = candidate;
  }
  return kept;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      out[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function grantName(grants: Grants, grant: Evidence): string {
  const exec = grants.tmpfs.find((g) => g.exec === grant);
  const owned = grants.tmpfs.find((g) => g.owner === grant);
  return exec !== undefined ? `exec on ${exec.value}` : owned !== undefined ? `${grant.value} on ${owned.value}` : grant.value;
}

function stepText(step: Exclude<Step, { kind: 'stuck' }>): string {
  if (step.kind === 'tmpfs') return step.add.map((g) => `tmpfs ${describeTmpfs(g)} (${g.why})`).join('; ');
  if (step.kind === 'owners') return `${step.tmpfs.map((g) => `${g.value} owned ${g.referenceOwner ?? ''}`).join(', ')} (${step.why})`;
  if (step.kind === 'user') return `user ${step.user.value} (${step.user.why})`;
  return [step.user === undefined ? '' : `user ${step.user.value}`, ...step.add.map((g) => `cap ${g.value}`)].filter((s) => s !== '').join(', ');
}

function giveUp(reason: string, say: (line: string) => void): number {
  say(`cannot make it work hardened: ${reason}`);
  return 1;
}

/** `repository:tag` or `repository@digest`: what the profile applies to. */
export function profileEntry(image: string): string {
  const version = imageVersion(image);
  return `${normalizeImage(image)}${version.startsWith('@') ? version : `:${version}`}`;
}

function write(text: string, options: LearnOptions, deps: Deps, say: (line: string) => void): number {
  if (options.dryRun) {
    deps.stdout(text);
    return 0;
  }
  const entry = profileEntry(options.image);
  const dir = userImagesDir(deps.env);
  const file = options.output ?? (dir === undefined ? undefined : join(dir, `${entry.replaceAll('/', '_').replace(/[:@]/, '@').replaceAll(':', '-')}.yml`));
  if (file === undefined) throw new SdockerError('sdocker learn: no config folder (neither XDG_CONFIG_HOME nor HOME is set); give --output FILE', EXIT_USAGE);
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
  say(`wrote ${file}: sdocker run, create and harden use it for ${entry}`);
  return 0;
}
