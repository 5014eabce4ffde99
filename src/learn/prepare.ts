// Before the reference run: the policy and refusals (a refused run starts nothing), the image
// (pulled when missing: a failed pull is one line and exit 1), the engine's facts, the network
// the trials use, and the container spec the reference runs.
import type { Deps } from '../planner/deps.js';
import type { Item } from '../docker/parse.js';
import { Containers } from '../engine/containers.js';
import { ensureNetwork } from '../engine/network.js';
import { EXIT_REFUSED, SdockerError } from '../common/errors.js';
import { capture } from '../common/exec.js';
import { baseContext, gatherFacts, PullFailed } from '../planner/facts.js';
import { inheritAsk } from '../planner/inherited-facts.js';
import { checkRefusals } from '../planner/plan.js';
import { OptionView, type RuleContext } from '../policy/context.js';
import { tmpfsPath } from '../policy/defaults.js';
import { loadPolicy } from '../policy/load.js';
import { refusalMessage } from '../policy/refusals.js';
import type { LearnOptions } from './options.js';
import type { ContainerSpec } from './reference.js';

export interface Prepared {
  readonly containers: Containers;
  /** The run context without items (each trial parses its own). */
  readonly base: RuleContext;
  readonly spec: ContainerSpec;
  /** The user a trial runs as when learn grants none (the user's --user, the image's, or the policy's). */
  readonly defaultUser: string;
}

/** `globals`: docker's global flags (`docker --context X learn IMG`): every run goes to that engine. */
export async function prepare(options: LearnOptions, deps: Deps, globals: readonly Item[]): Promise<Prepared> {
  const words = globals.flatMap((item) => item.words);
  const loaded = await loadPolicy({ profile: options.profile ?? (deps.env['SDOCKER_PROFILE'] || 'default'), env: deps.env, cwd: deps.cwd, cliAllow: options.allow, image: options.image });
  const { chooseEngine } = await import('../engine/choose.js');
  const engine = chooseEngine(globals, deps.env, deps.docker, deps.cwd);
  const base = baseContext('run', options.items, loaded, engine, deps.cwd, options.image);
  const refused = checkRefusals(base).refused;
  if (refused.length > 0) throw new SdockerError(refused.map(refusalMessage).join('\n'), EXIT_REFUSED);
  let pullError = '';
  const pull = async (missing: boolean): Promise<number> => {
    if (missing) deps.stderr(`sdocker learn: ${options.image} is not here: pulling it\n`);
    const result = await capture(deps.docker, [...words, 'pull', options.image]);
    pullError = result.stderr.trim().split('\n').at(-1) ?? '';
    return result.exitCode;
  };
  const gathered = await gatherFacts({ engine, image: options.image, apparmorProfile: loaded.policy.apparmor.profile, dryRun: false, pull, pullFirst: false, network: loaded.policy.network.name || undefined, volumes: [], inherit: inheritAsk((long) => new OptionView(options.items).values(long)) }).catch((error: unknown) => {
    if (error instanceof PullFailed) throw new SdockerError(`sdocker learn: cannot pull ${options.image}: ${pullError || `docker pull exited with code ${error.exitCode}`}`, 1);
    throw error;
  });
  // What the trials would inherit (--volumes-from, container: namespaces, a volume's definition) is judged on the engine's answers.
  const inherited = checkRefusals({ ...base, facts: gathered.facts }).refused;
  if (inherited.length > 0) throw new SdockerError(inherited.map(refusalMessage).join('\n'), EXIT_REFUSED);
  const network = loaded.policy.network.name;
  if (network !== '') await ensureNetwork(engine, network, gathered.network, false);
  const exposed = (gathered.facts.image?.exposedPorts ?? []).filter((port) => port.endsWith('/tcp'));
  const userGiven = new OptionView(options.items).last('user');
  return {
    containers: new Containers(deps.docker, words),
    base: { ...base, facts: gathered.facts },
    spec: {
      image: options.image,
      args: options.args,
      flags: options.items.flatMap((item) => item.words),
      ports: options.probePorts.length > 0 ? options.probePorts : exposed,
      required: options.probePorts,
      probeCmd: options.probeCmd,
      settleMs: options.settleMs,
      waitMs: options.waitMs,
      writable: loaded.policy.tmpfs.paths.map(tmpfsPath),
    },
    defaultUser: userGiven ?? (gathered.facts.image?.user || loaded.policy.user || '0'),
  };
}
