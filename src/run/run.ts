// The run room: hardening docker run, create and exec. Refusals first (before the engine is
// asked anything, so a refused run starts and creates nothing), then the engine's facts, the
// plan, and docker.
import type { ContainerInvocation, ExecInvocation } from '../docker/invocation.js';
import { EXIT_REFUSED, EXIT_USAGE, SdockerError } from '../common/errors.js';
import { ensureNetwork } from '../engine/network.js';
import { isEngineClient } from '../engine/choose.js';
import type { Engine } from '../engine/engine.js';
import { namedVolumes } from '../docker/volumes.js';
import { baseContext, gatherFacts, PullFailed } from '../planner/facts.js';
import { inheritAsk } from '../planner/inherited-facts.js';
import { parseBool } from '../docker/parse.js';
import type { Deps } from '../planner/deps.js';
import { checkRefusals, planContainer, planExec, type Plan } from '../planner/plan.js';
import { OptionView, type RuleContext } from '../policy/context.js';
import { loadPolicy, type LoadedPolicy } from '../policy/load.js';
import { refusalMessage } from '../policy/refusals.js';
import { splitAllow } from '../policy/allow.js';
import { allowedWarning, renderDryRun } from '../planner/report.js';
import { afterLinks, checkTargets, generateName, prepareLinks } from './links.js';
import { watchRun } from '../settle/run.js';
import { settleWindow } from '../settle/window.js';
import { volumesToOwn } from '../volumes/plan.js';
import { runOwningVolumes } from '../volumes/run.js';

interface OwnOptions {
  readonly dryRun: boolean;
  /** How the dry run is printed: `--sd-dry-run` text, `--sd-dry-run=json` JSON. */
  readonly format: 'text' | 'json';
  readonly profile: string;
  readonly allow: string[];
  /** --sd-settle as written (settle/window.ts reads it). */
  readonly settle: string | undefined;
}

function ownOptions(view: OptionView, env: NodeJS.ProcessEnv): OwnOptions {
  const dry = view.last('sd-dry-run');
  return {
    dryRun: dry !== undefined && (dry === 'json' || dryRunBool(dry)),
    format: dry === 'json' ? 'json' : 'text',
    profile: view.last('sd-profile') ?? (env['SDOCKER_PROFILE'] || 'default'),
    allow: splitAllow(view.values('sd-allow')),
    settle: view.last('sd-settle'),
  };
}

/** --sd-settle watches what `run` starts: create and exec start nothing to watch. A bad value fails before anything runs. */
function checkSettle(own: OwnOptions, inv: ContainerInvocation | ExecInvocation, env: NodeJS.ProcessEnv): void {
  if (own.settle === undefined) return;
  const sub = inv.kind === 'exec' ? 'exec' : inv.sub;
  if (sub !== 'run') throw new SdockerError(`sdocker: --sd-settle watches the container a run starts; ${sub} starts none: drop it`, EXIT_USAGE);
  settleWindow(own.settle, env);
}

/** A bool word (docker's own: true, 1, false, ...); anything else is a mistake, not a dry run. */
function dryRunBool(value: string): boolean {
  const on = parseBool(value);
  if (on === undefined) throw new SdockerError(`sdocker: --sd-dry-run takes no value (the report as text) or =json (the plan as JSON), not '${value}'`, EXIT_USAGE);
  return on;
}

export async function runHardened(inv: ContainerInvocation | ExecInvocation, deps: Deps): Promise<number> {
  try {
    return await hardenOrThrow(inv, deps);
  } catch (error) {
    // docker run exits 125 when its own pull fails; so does sdocker (docker pull said why).
    if (error instanceof PullFailed) return EXIT_REFUSED;
    throw error;
  }
}

async function hardenOrThrow(inv: ContainerInvocation | ExecInvocation, deps: Deps): Promise<number> {
  const items = inv.flags.items;
  const own = ownOptions(new OptionView(items, true), deps.env);
  checkSettle(own, inv, deps.env);
  const image = inv.kind === 'container' ? inv.image : undefined;
  const loaded = await loadPolicy({ profile: own.profile, env: deps.env, cwd: deps.cwd, cliAllow: own.allow, ...(image === undefined ? {} : { image }) });
  const engine = await deps.engineFor(inv);
  const base = baseContext(inv.kind === 'exec' ? 'exec' : inv.sub, items, loaded, engine, deps.cwd, image);
  const early = checkRefusals(base);
  if (early.refused.length > 0 && !own.dryRun) return refuse(early.refused.map(refusalMessage), deps);
  const said: Said = { deps, loaded, dryRun: own.dryRun, format: own.format, engine, launch: (argv) => deps.run(deps.docker, argv) };
  if (inv.kind === 'exec') return finish(planExec(inv, base), said, undefined, undefined);
  const view = new OptionView(items);
  // A linked container needs a name before it exists: its link network is named after it.
  const named = view.has('link') && !view.has('name') ? { generatedName: generateName() } : {};
  const pullPolicy = view.last('pull') ?? 'missing';
  const pull = own.dryRun || pullPolicy === 'never' ? undefined : (missing: boolean) => {
    // docker run's own words before it pulls a missing image.
    if (missing) deps.stderr(`Unable to find image '${inv.image}' locally\n`);
    return deps.run(deps.docker, pullArgs(inv, view), { stdoutToStderr: true });
  };
  const network = view.has('network') || view.has('link') || loaded.policy.network.name === '' ? undefined : loaded.policy.network.name;
  // Only a user sdocker injects needs to know which volumes are new (policy/inject/user.ts).
  const injectsUser = !view.has('user') && loaded.policy.user !== '';
  const volumes = injectsUser ? namedVolumes(view.values('volume'), view.values('mount')).map((v) => v.name) : [];
  const gathered = await gatherFacts({ engine, image: inv.image, apparmorProfile: loaded.policy.apparmor.profile, dryRun: own.dryRun, pull, pullFirst: pullPolicy === 'always', network, volumes, inherit: inheritAsk((long) => view.values(long)) });
  const plan = planContainer(inv, { ...base, ...named, facts: gathered.facts });
  // Refusals that rest on the engine's answers (what a run inherits, the image's user): still
  // before anything is created.
  if (plan.refused.length > 0 && !own.dryRun) return refuse(plan.refused.map(refusalMessage), deps);
  // plan.network, when set, is the policy's network: its state was asked for with the other facts.
  const networkExists = plan.network === undefined || gathered.unknown !== undefined ? undefined : await ensureNetwork(engine, plan.network, gathered.network, own.dryRun);
  if (own.dryRun) return finish(plan, said, gathered.unknown, networkExists);
  const judged = judgedLaunch(inv, view, { ...base, facts: gathered.facts }, said);
  // settle/: the container is watched from before docker makes it; a failure is explained, and
  // `run -d` of an image not yet seen running waits the settle window. A refused run starts nothing: nothing is said.
  const watched = await watchRun({ inv, view, deps, engine, imageId: gathered.facts.image?.id, profiled: loaded.imageProfile !== undefined, generatedName: named.generatedName, settleOption: own.settle, admitted: judged.admitted });
  return watched.after(() => finish({ ...plan, argv: watched.argv(plan.argv) }, { ...said, launch: judged.launch }, gathered.unknown, networkExists));
}

/**
 * docker through the engine's judge: the container it makes is read back and judged before it
 * can start (src/judge/); a new named volume the injected user could not write is given to it
 * between create and start (volumes/), both steps judged. `admitted`: what the judge let through.
 */
function judgedLaunch(inv: ContainerInvocation, view: OptionView, context: RuleContext, { deps, engine, loaded }: Said): { launch: (argv: readonly string[]) => Promise<number>; admitted: () => readonly string[] } {
  const judging = { deps, engine, globals: inv.globals, policy: loaded.policy, host: context.host, info: context.facts };
  const toOwn = volumesToOwn(view, context);
  const owning = toOwn !== undefined && isEngineClient(engine) ? toOwn : undefined;
  let admitted: readonly string[] = [];
  const launch = async (argv: readonly string[]): Promise<number> => {
    const { runJudged, withJudge } = await import('../judge/run.js');
    const judged = owning === undefined ? await runJudged(argv, judging) : await withJudge(judging, (on) => runOwningVolumes(argv, owning, deps, on));
    admitted = judged.admitted;
    return judged.code;
  };
  return { launch, admitted: () => admitted };
}

interface Said {
  readonly deps: Deps;
  readonly loaded: LoadedPolicy;
  readonly dryRun: boolean;
  readonly format: 'text' | 'json';
  readonly engine: Engine;
  /** Run docker with the final argv. */
  readonly launch: (argv: readonly string[]) => Promise<number>;
}

/** Print the dry run, or say the warnings and run docker. */
async function finish(plan: Plan, { deps, loaded, dryRun, format, engine, launch }: Said, unknown: string | undefined, networkExists: boolean | undefined): Promise<number> {
  const errors = plan.notices.filter((n) => n.level === 'error');
  if (dryRun) {
    const report = { plan, docker: deps.docker, loaded, unknown, networkExists };
    deps.stdout(format === 'json' ? (await import('../planner/report-json.js')).renderDryRunJson(report) : renderDryRun(report));
    // A refused dry run exits as the refused run would (125): a script can test it.
    return plan.refused.length > 0 || errors.length > 0 ? EXIT_REFUSED : 0;
  }
  if (errors.length > 0) return refuse(errors.map((n) => n.text), deps);
  // Quiet on success: notices belong to the dry run; warnings are always said.
  const lines = [
    ...loaded.warnings,
    ...plan.allowed.map(allowedWarning),
    ...plan.notices.filter((n) => n.level === 'warning').map((n) => n.text.replace(/^sdocker: /, 'sdocker: warning: ')),
  ];
  if (lines.length > 0) deps.stderr(`${lines.join('\n')}\n`);
  if (plan.links.length === 0) return launch(plan.argv);
  await checkTargets(engine, plan.links);
  await prepareLinks(engine, plan.links);
  const code = await launch(plan.argv);
  await afterLinks(engine, plan.links, code);
  return code;
}

function refuse(lines: readonly string[], deps: Deps): number {
  deps.stderr(`${lines.join('\n')}\n`);
  return EXIT_REFUSED;
}

/** docker pull with the run's own endpoint and platform. */
function pullArgs(inv: ContainerInvocation, view: OptionView): string[] {
  const platform = view.last('platform');
  const globals = inv.globals.flatMap((item) => item.words);
  return [...globals, 'pull', ...(platform === undefined ? [] : ['--platform', platform]), ...(view.isOn('quiet') ? ['--quiet'] : []), inv.image];
}
