// `sdocker help [CMD...]`. sdocker's own commands answer `CMD --help` (commander); docker's
// commands get docker's own help, and run/create/exec, which sdocker hardens, sdocker's options
// after it. A bare `sdocker --help` and `sdocker run --help` stay docker's, as the shell
// function sends them to sdocker too.
import type { Deps } from '../planner/deps.js';
import type { Item } from '../docker/parse.js';
import { HARDENED, OWN_COMMANDS } from '../docker/words.js';

const RUN_OWN_HELP = `sdocker's options, read by run, create and exec (before the image, removed before docker runs):
  --sd-dry-run         print the hardened docker command, each addition and refusal with its reason; run nothing
  --sd-dry-run=json    the same plan as JSON on stdout, for scripts and editors (keys: docs/run.md)
  --sd-allow RULE      lift one refusal (RULE or RULE:ITEM, e.g. dangerous-cap:SYS_PTRACE); repeatable
  --sd-profile NAME    the profile to use (default: $SDOCKER_PROFILE, else "default")
`;

const COMPOSE_OPTIONS = `Option read by compose (right after 'sdocker compose', before compose's subcommand):
  --sd-allow RULE      lift one refusal of the model or of a run's flags; repeatable
`;

export const COMPOSE_OWN_HELP = `\n${COMPOSE_OPTIONS}compose's own commands and options: sdocker compose --help\n`;

export const OWN_FLAGS_HELP = `\n${RUN_OWN_HELP}${COMPOSE_OPTIONS}Every other command and option is docker's: see docker --help.
sdocker help CMD (or sdocker CMD --help) for any command, docker's too.\n`;

/** Commands whose help is not `CMD --help`. */
const NOT_HELPED: ReadonlySet<string> = new Set(['help', '__complete']);

/** The argv to run as sdocker's own command, or docker's exit code once docker's help was printed. */
export async function helpRequest(words: readonly string[], deps: Deps, globals: readonly Item[]): Promise<readonly string[] | number> {
  const [first, second] = words;
  if (first === undefined || NOT_HELPED.has(first)) return ['--sd-help'];
  // compose's --help is compose's: sdocker's part is behind --sd-help.
  if (first === 'compose') return ['compose', '--sd-help'];
  if (OWN_COMMANDS.has(first)) return [...words, '--help'];
  // A near miss of an own command that docker does not know either: the nearest own command.
  (await import('../docker/typo.js')).refuseOwnTypo(first, deps.env);
  const code = await deps.run(deps.docker, [...globals.flatMap((item) => item.words), 'help', ...words]);
  const hardened = HARDENED.has(first) || (first === 'container' && HARDENED.has(second ?? ''));
  if (hardened && code === 0) deps.stdout(`\nsdocker: ${RUN_OWN_HELP}`);
  return code;
}
