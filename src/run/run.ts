// The run room: hardening docker run, create and exec: refusals first (before the engine is asked anything, so a
// refused run starts and creates nothing), then the engine's facts, the plan, and docker.
import type { ContainerInvocation, ExecInvocation } from '../docker/invocation.js';
import type { Engine, NetworkState } from '../engine/engine.js';
import { EXIT_REFUSED, SdockerError } from '../errors.js';
import { namedVolumes } from '../docker/volumes.js';
import { gatherFacts, hostFacts, PullFailed } from '../facts.js';
import type { Deps } from '../deps.js';
import { checkRefusals, planContainer, planExec, type Plan } from '../plan.js';
import { OptionView, type RuleContext } from '../policy/context.js';
import { loadPolicy, type LoadedPolicy } from '../policy/load.js';
import { refusalMessage } from '../policy/refusals.js';
import { checkAllowList } from '../policy/allow.js';
import { resolveSeccomp } from '../policy/seccomp.js';
import { allowedWarning, renderDryRun } from '../report.js';

interface OwnOptions {
  readonly dryRun: boolean;
  readonly profile: string;
  readonly allow: string[];
}

function ownOptions(view: OptionView, env: NodeJS.ProcessEnv): OwnOptions {
  return {
    dryRun: view.isOn('sd-dry-run'),
    profile: view.last('sd-profile') ?? (env['SDOCKER_PROFILE'] || 'default'),
    allow: view.values('sd-allow').flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== ''),
  };
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
  const image = inv.kind === 'container' ? inv.image : undefined;
  const loaded = await loadPolicy({ profile: own.profile, env: deps.env, cwd: deps.cwd, cliAllow: own.allow, ...(image === undefined ? {} : { image }) });
  checkAllowList(loaded.policy.allow, 'the allow list');
  const engine = await deps.engineFor(inv);
  const base: RuleContext = {
    sub: inv.kind === 'exec' ? 'exec' : inv.sub,
    items,
    policy: loaded.policy,
    facts: { image: undefined, apparmor: undefined, apparmorLoaded: undefined, loggingDriver: undefined },
    host: hostFacts(engine),
    cwd: deps.cwd,
    seccompFile: resolveSeccomp(loaded.policy.seccomp),
    ...(image === undefined ? {} : { image }),
  };
  const early = checkRefusals(base);
  if (early.refused.length > 0 && !own.dryRun) return refuse(early.refused.map(refusalMessage), deps);
  const said = { deps, loaded, dryRun: own.dryRun };
  if (inv.kind === 'exec') return finish(planExec(inv, base), said, undefined, undefined);
  const view = new OptionView(items);
  const pullPolicy = view.last('pull') ?? 'missing';
  const pull = own.dryRun || pullPolicy === 'never' ? undefined : (missing: boolean) => {
    // docker run's own words before it pulls a missing image.
    if (missing) deps.stderr(`Unable to find image '${inv.image}' locally\n`);
    return deps.run(deps.docker, pullArgs(inv, view), { stdoutToStderr: true });
  };
  const network = view.has('network') || loaded.policy.network.name === '' ? undefined : loaded.policy.network.name;
  // Only a user sdocker injects needs to know which volumes are new (policy/inject/user.ts).
  const injectsUser = !view.has('user') && loaded.policy.user !== '';
  const volumes = injectsUser ? namedVolumes(view.values('volume'), view.values('mount')).map((v) => v.name) : [];
  const gathered = await gatherFacts({ engine, image: inv.image, apparmorProfile: loaded.policy.apparmor.profile, dryRun: own.dryRun, pull, pullFirst: pullPolicy === 'always', network, volumes });
  const plan = planContainer(inv, { ...base, facts: gathered.facts });
  // plan.network, when set, is the policy's network: its state was asked for with the other facts.
  const networkExists = plan.network === undefined || gathered.unknown !== undefined ? undefined : await ensureNetwork(engine, plan.network, gathered.network, own.dryRun);
  return finish(plan, said, gathered.unknown, networkExists);
}

interface Said {
  readonly deps: Deps;
  readonly loaded: LoadedPolicy;
  readonly dryRun: boolean;
}

/** Print the dry run, or say the warnings and run docker. */
async function finish(plan: Plan, { deps, loaded, dryRun }: Said, unknown: string | undefined, networkExists: boolean | undefined): Promise<number> {
  const errors = plan.notices.filter((n) => n.level === 'error');
  if (dryRun) {
    deps.stdout(renderDryRun({ plan, docker: deps.docker, loaded, unknown, networkExists }));
    return plan.refused.length > 0 || errors.length > 0 ? EXIT_REFUSED : 0;
  }
  if (errors.length > 0) return refuse(errors.map((n) => n.text), deps);
  const quiet = deps.env['SDOCKER_QUIET'] === '1';
  const lines = [
    ...loaded.warnings,
    ...plan.allowed.map(allowedWarning),
    ...plan.notices.filter((n) => n.level === 'warning').map((n) => n.text.replace(/^sdocker: /, 'sdocker: warning: ')),
    ...(quiet ? [] : plan.notices.filter((n) => n.level === 'notice').map((n) => n.text)),
  ];
  if (lines.length > 0) deps.stderr(`${lines.join('\n')}\n`);
  return deps.run(deps.docker, plan.argv);
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

/** The sdocker network exists (or is created now); refuses a same-named network sdocker did not create. */
async function ensureNetwork(engine: Engine, name: string, state: NetworkState | undefined, dryRun: boolean): Promise<boolean> {
  if (state !== undefined && !state.managed) {
    throw new SdockerError(`sdocker: network '${name}' exists but sdocker did not create it (no io.sdocker.managed label); remove it, or set network.name in your config`);
  }
  if (state === undefined && !dryRun) await engine.createNetwork(name);
  return state !== undefined;
}
