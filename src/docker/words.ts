// The words that can make an argv more than a pass-through: docker's hardened subcommands
// and sdocker's own. An argv holding none of them goes to docker without being parsed.
export const HARDENED: ReadonlySet<string> = new Set(['run', 'create', 'exec']);

/**
 * sdocker's own commands. help, completion and cobra's hidden __complete are docker's names too:
 * sdocker's answer hands docker's part to docker (src/cli/help.ts, src/completion/).
 */
export const OWN_COMMANDS: ReadonlySet<string> = new Set(['shell-init', 'rules', 'trust', 'apparmor', 'harden', 'compose', 'learn', 'explain', 'audit', 'help', 'completion', '__complete', 'doctor']);

/**
 * docker commands of which sdocker hardens one subcommand: `stack deploy` (src/stack/); `build`
 * (and `image build`, `builder build`, `buildx build`) and `service create|update`, judged on
 * their way to the engine (src/judge/passthrough.ts); the rest pass.
 */
export const PARTLY_HARDENED: ReadonlySet<string> = new Set(['stack', 'build', 'service']);

/** Whether the words after docker's globals are a build or a service creation or update. */
export function judgedOnTheWay(first: string | undefined, second: string | undefined): boolean {
  if (first === 'build') return true;
  if (second === 'build') return first === 'image' || first === 'builder' || first === 'buildx';
  return first === 'service' && (second === 'create' || second === 'update');
}

export function mayNeedSdocker(argv: readonly string[]): boolean {
  return argv[0]?.startsWith('--sd-') === true || argv.some((word) => HARDENED.has(word) || OWN_COMMANDS.has(word) || PARTLY_HARDENED.has(word));
}

/**
 * run, create or exec first (or `container` and one of them): parseInvocation reads such an argv
 * as a hardened command or a pass-through, never as an own command, so the launcher
 * (src/cli/launch.ts) may run the run bundle alone for it.
 */
export function runsOnly(argv: readonly string[]): boolean {
  const [first = '', second = ''] = argv;
  return HARDENED.has(first) || (first === 'container' && HARDENED.has(second));
}
