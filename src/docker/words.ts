// The words that can make an argv more than a pass-through: docker's hardened subcommands
// and sdocker's own. An argv holding none of them goes to docker without being parsed.
import { suggest } from '../common/suggest.js';

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
  return argv[0]?.startsWith('--sd-') === true || argv.some((word) => HARDENED.has(word) || OWN_COMMANDS.has(word) || PARTLY_HARDENED.has(word)) || mayBeOwnTypo(argv);
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

/** docker 28.2's top-level commands (`docker --help`), and the hidden `checkpoint` and `help`. */
export const DOCKER_COMMANDS: ReadonlySet<string> = new Set([
  'run', 'exec', 'ps', 'build', 'pull', 'push', 'images', 'login', 'logout', 'search', 'version', 'info',
  'builder', 'container', 'context', 'image', 'manifest', 'network', 'plugin', 'system', 'trust', 'volume',
  'config', 'node', 'secret', 'service', 'stack', 'swarm', 'attach', 'commit', 'cp', 'create', 'diff',
  'events', 'export', 'history', 'import', 'inspect', 'kill', 'load', 'logs', 'pause', 'port', 'rename',
  'restart', 'rm', 'rmi', 'save', 'start', 'stats', 'stop', 'tag', 'top', 'unpause', 'update', 'wait',
  'checkpoint', 'help',
]);

/** Own commands a user types (cobra's hidden __complete is not one). */
const TYPED = [...OWN_COMMANDS].filter((word) => !word.startsWith('_'));

/** The own command `word` is a near miss of, when it is neither a docker command nor one of sdocker's. */
export function ownNearMiss(word: string): string | undefined {
  if (DOCKER_COMMANDS.has(word) || OWN_COMMANDS.has(word)) return undefined;
  return suggest(word, TYPED);
}

/** Whether a word before any docker command may be a mistyped own command (the launcher's cheap check). */
export function mayBeOwnTypo(argv: readonly string[]): boolean {
  for (const word of argv) {
    if (DOCKER_COMMANDS.has(word)) return false;
    if (!word.startsWith('-') && ownNearMiss(word) !== undefined) return true;
  }
  return false;
}
