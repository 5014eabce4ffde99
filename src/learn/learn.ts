// sdocker learn: find what an image needs to run hardened, prove it, write an image profile.
// Trials start under the full policy and relax one step at a time (steps.ts); then every
// grant is dropped in turn and kept only if the proof fails without it.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Deps } from '../deps.js';
import type { Item } from '../docker/parse.js';
import { Containers } from '../engine/containers.js';
import { parsePasswd } from '../diagnose/symptoms.js';
import { EXIT_REFUSED, EXIT_USAGE, SdockerError } from '../errors.js';
import { baseContext, gatherFacts } from '../facts.js';
import { inheritAsk } from '../inherited-facts.js';
import { checkRefusals } from '../plan.js';
import { OptionView } from '../policy/context.js';
import { normalizeImage } from '../policy/images.js';
import { loadPolicy, userImagesDir } from '../policy/load.js';
import { refusalMessage } from '../policy/refusals.js';
import { allGrants, describeGrants, NO_GRANTS, without, type Grants } from './grants.js';
import { parseLearn, type LearnOptions } from './options.js';
import { renderProfile } from './profile.js';
import { nextStep, SWITCH_CAPS, type Knowledge } from './steps.js';
import { LEARN_LABEL, runTrial, type TrialResult, type TrialSetup } from './trial.js';
import { ensureNetwork } from '../engine/network.js';

export const LEARN_USAGE = `Usage: sdocker learn [docker run flags] [learn options] IMAGE [COMMAND...]

Finds what IMAGE needs to run under sdocker's hardening (a user, writable folders, a few
harmless capabilities), proves it with trial runs, and writes an image profile that
sdocker run, create and harden then use.

Learn options (among the docker flags, before the image):
  --probe-port PORT   a TCP port that must accept connections (default: the image's exposed ports)
  --probe-cmd CMD     a command run in the container (split on spaces) that must exit 0
  --settle SECONDS    how long a trial must keep running (default 3)
  --max-trials N      give up after N trials (default 20)
  --output FILE       write the profile here (default: images/NAME.yml beside your config.yml)
  --dry-run           print the profile instead of writing it
`;

export async function runLearn(args: readonly string[], deps: Deps, globals: readonly Item[] = []): Promise<number> {
  const options = parseLearn(args);
  if (options.help) {
    deps.stdout(LEARN_USAGE);
    return 0;
  }
  const say = (line: string): void => deps.stderr(`sdocker learn: ${line}\n`);
  const setup = await prepare(options, deps, globals);
  const stop = deps.onInterrupt(async () => {
    say('interrupted: removing the trial container');
    await Promise.all([...setup.live].map((name) => setup.containers.remove(name)));
  });
  try {
    return await learn(options, setup, deps, say);
  } finally {
    stop();
  }
}

/** `globals`: docker's global flags (`docker --context X learn IMG`): every trial runs on that engine. */
async function prepare(options: LearnOptions, deps: Deps, globals: readonly Item[]): Promise<TrialSetup> {
  const words = globals.flatMap((item) => item.words);
  const loaded = await loadPolicy({ profile: options.profile ?? (deps.env['SDOCKER_PROFILE'] || 'default'), env: deps.env, cwd: deps.cwd, cliAllow: options.allow, image: options.image });
  const { chooseEngine } = await import('../engine/choose.js');
  const engine = chooseEngine(globals, deps.env, deps.docker, deps.cwd);
  const base = baseContext('run', options.items, loaded, engine, deps.cwd, options.image);
  const refused = checkRefusals(base).refused;
  if (refused.length > 0) throw new SdockerError(refused.map(refusalMessage).join('\n'), EXIT_REFUSED);
  const pull = (missing: boolean): Promise<number> => {
    if (missing) deps.stderr(`Unable to find image '${options.image}' locally\n`);
    return deps.run(deps.docker, [...words, 'pull', options.image], { stdoutToStderr: true });
  };
  const gathered = await gatherFacts({ engine, image: options.image, apparmorProfile: loaded.policy.apparmor.profile, dryRun: false, pull, pullFirst: false, network: loaded.policy.network.name || undefined, volumes: [], inherit: inheritAsk((long) => new OptionView(options.items).values(long)) });
  // What the trials would inherit (--volumes-from, container: namespaces, a volume's definition) is judged on the engine's answers.
  const inherited = checkRefusals({ ...base, facts: gathered.facts }).refused;
  if (inherited.length > 0) throw new SdockerError(inherited.map(refusalMessage).join('\n'), EXIT_REFUSED);
  const network = loaded.policy.network.name;
  if (network !== '') await ensureNetwork(engine, network, gathered.network, false);
  const exposed = (gathered.facts.image?.exposedPorts ?? []).filter((port) => port.endsWith('/tcp'));
  return {
    containers: new Containers(deps.docker, words),
    options,
    base: { ...base, facts: gathered.facts },
    ports: options.probePorts.length > 0 ? options.probePorts : exposed,
    live: new Set(),
  };
}

async function learn(options: LearnOptions, setup: TrialSetup, deps: Deps, say: (line: string) => void): Promise<number> {
  const started = Date.now();
  const image = await imageAccounts(setup);
  const userGiven = new OptionView(options.items).last('user');
  const defaultUser = userGiven ?? (setup.base.facts.image?.user || setup.base.policy.user || '0');
  const known: Knowledge = { ...image, userGiven: userGiven !== undefined, triedUsers: new Set([defaultUser]), observed: undefined, defaultUser };
  let grants: Grants = NO_GRANTS;
  let trials = 0;
  const trial = async (label: string, tried: Grants): Promise<TrialResult> => {
    trials += 1;
    const result = await runTrial(setup, tried);
    say(`trial ${trials}: ${label}: ${result.passed ? 'works' : `fails: ${result.failure ?? ''}`}`);
    return result;
  };
  say(`${options.image}: proof: ${proofText(setup)}`);
  let result = await trial(`the policy as it is (${describeGrants(grants)})`, grants);
  while (!result.passed) {
    if (trials >= options.maxTrials) return giveUp(`no proof after ${trials} trials (--max-trials)`, say);
    const step = nextStep(result, grants, known);
    if (step.kind === 'stuck') return giveUp(step.reason, say);
    if (step.kind === 'observe') {
      const observe: Grants = { ...grants, user: { value: '0:0', why: 'observation' }, caps: SWITCH_CAPS.map((value) => ({ value, why: 'observation' })) };
      const seen = await trial(`observe: root with ${SWITCH_CAPS.join(' ')}, to see which user its processes switch to`, observe);
      known.observed = [...new Set(seen.uids.filter((uid) => uid !== 0))];
      say(`  its processes ran as ${seen.uids.length === 0 ? 'nothing observable' : [...new Set(seen.uids)].map((u) => `uid ${u}`).join(', ')}`);
      continue;
    }
    if (step.kind === 'tmpfs') grants = { ...grants, tmpfs: [...grants.tmpfs, ...step.add] };
    if (step.kind === 'user') {
      known.triedUsers.add(step.user.value);
      grants = { ...grants, user: step.user };
    }
    if (step.kind === 'caps') grants = { ...grants, user: step.user ?? grants.user, caps: [...grants.caps, ...step.add] };
    result = await trial(`+ ${stepText(step)}`, grants);
  }
  grants = await minimise(grants, trial);
  say(`proved in ${trials} trials, ${Math.round((Date.now() - started) / 1000)} s: ${describeGrants(grants)}`);
  return write(grants, options, setup, { trials, seconds: Math.round((Date.now() - started) / 1000) }, deps, say);
}

/** Drop each grant in turn; keep it only when the proof fails without it. */
async function minimise(grants: Grants, trial: (label: string, g: Grants) => Promise<TrialResult>): Promise<Grants> {
  let kept = grants;
  for (const grant of allGrants(grants)) {
    const candidate = without(kept, grant);
    if ((await trial(`minimise: without ${grant.value}`, candidate)).passed) kept = candidate;
  }
  return kept;
}

function stepText(step: Exclude<ReturnType<typeof nextStep>, { kind: 'stuck' | 'observe' }>): string {
  if (step.kind === 'tmpfs') return step.add.map((g) => `tmpfs ${g.value} (${g.why})`).join('; ');
  if (step.kind === 'user') return `user ${step.user.value} (${step.user.why})`;
  return [step.user === undefined ? '' : `user ${step.user.value}`, ...step.add.map((g) => `cap ${g.value}`)].filter((s) => s !== '').join(', ');
}

function proofText(setup: TrialSetup): string {
  const parts = [`running after ${setup.options.settleMs / 1000} s (or exit 0 for a job)`, 'no EROFS/EACCES/EPERM line in its log'];
  if (setup.ports.length > 0) parts.push(`TCP ${setup.ports.join(', ')} accepting`);
  if (setup.options.probeCmd.length > 0) parts.push(`'${setup.options.probeCmd.join(' ')}' exiting 0`);
  return parts.join('; ');
}

function giveUp(reason: string, say: (line: string) => void): number {
  say(`cannot make it work hardened: ${reason}`);
  return 1;
}

/** The image's accounts, and the folders its service accounts own (read from a created, never started, container). */
async function imageAccounts(setup: TrialSetup): Promise<Pick<Knowledge, 'accounts' | 'serviceFolders'>> {
  const name = `sdocker-learn-files-${process.pid}`;
  setup.live.add(name);
  try {
    const created = await setup.containers.runDetached(['create', '--name', name, '--label', `${LEARN_LABEL}=true`, setup.options.image]);
    if (created.id === undefined) return { accounts: [], serviceFolders: [] };
    const accounts = parsePasswd((await setup.containers.readFile(name, '/etc/passwd')) ?? '');
    // Accounts a package made for its service (Debian: system uids 100-999, and www-data).
    const services = accounts.filter((a) => (a.uid >= 100 && a.uid < 1000) || a.name === 'www-data');
    const folders = services.flatMap((account) => SERVICE_FOLDERS.map((base) => ({ path: `${base}/${account.name}`, account })));
    const owned = await Promise.all(folders.map(async (folder) => {
      const entry = (await setup.containers.files(name, folder.path, 1024))?.[0];
      return entry?.type === 'dir' && entry.uid === folder.account.uid ? [folder] : [];
    }));
    // The accounts the image's command names come first: `mosquitto -c ...` is mosquitto's.
    const command = ((await setup.containers.inspect(name))?.command ?? []).join(' ');
    const named = (f: { account: { name: string } }): number => (command.includes(f.account.name) ? 0 : 1);
    return { accounts, serviceFolders: owned.flat().sort((a, b) => named(a) - named(b)) };
  } finally {
    await setup.containers.remove(name);
    setup.live.delete(name);
  }
}

/** Where Debian packages put a service's own folders. */
const SERVICE_FOLDERS = ['/run', '/var/lib', '/var/cache', '/var/log', '/var/spool'];

function write(grants: Grants, options: LearnOptions, setup: TrialSetup, run: { trials: number; seconds: number }, deps: Deps, say: (line: string) => void): number {
  const repository = normalizeImage(options.image);
  const text = renderProfile(grants, { image: options.image, repository, trials: run.trials, seconds: run.seconds, proof: proofText(setup), date: new Date().toISOString().slice(0, 10), baseTmpfs: setup.base.policy.tmpfs.paths });
  if (options.dryRun) {
    deps.stdout(text);
    return 0;
  }
  const dir = userImagesDir(deps.env);
  const file = options.output ?? (dir === undefined ? undefined : join(dir, `${repository.replaceAll('/', '_')}.yml`));
  if (file === undefined) throw new SdockerError('sdocker learn: no config folder (neither XDG_CONFIG_HOME nor HOME is set); give --output FILE', EXIT_USAGE);
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
  say(`wrote ${file}: sdocker run, create and harden use it for ${repository}`);
  return 0;
}
