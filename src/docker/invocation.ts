// Which docker command an argv is: global flags come first (`docker -H unix:///x run ...`),
// then the subcommand; `docker container run|create|exec` are the same as `run|create|exec`
// (docker/cli cli/command/container/cmd.go).
import { SdockerError } from '../common/errors.js';
import { CONTAINER_FLAGS, EXEC_FLAGS, GLOBAL_FLAGS, SDOCKER_FLAGS, indexFlags } from './flags.js';
import { parseBool, parseFlags, type Item, type ParsedFlags } from './parse.js';
import { isStackDeploy } from './stack.js';
import { HARDENED, judgedOnTheWay, OWN_COMMANDS, PARTLY_HARDENED } from './words.js';

export type ContainerSub = 'run' | 'create';

export interface ContainerInvocation {
  readonly kind: 'container';
  readonly sub: ContainerSub;
  /** The global flag words, as written. */
  readonly globals: readonly Item[];
  /** The subcommand words as written: ['run'] or ['container', 'create']. */
  readonly path: readonly string[];
  readonly flags: ParsedFlags;
  readonly image: string;
  /** The container's command: never interpreted, never altered. */
  readonly args: readonly string[];
}

export interface ExecInvocation {
  readonly kind: 'exec';
  readonly globals: readonly Item[];
  readonly path: readonly string[];
  readonly flags: ParsedFlags;
}

export interface OwnInvocation {
  readonly kind: 'own';
  readonly args: readonly string[];
  /** docker's global flags written before the command (`docker --context X compose up`). */
  readonly globals: readonly Item[];
}

export interface PassInvocation {
  readonly kind: 'pass';
}

export type Invocation = ContainerInvocation | ExecInvocation | OwnInvocation | PassInvocation;

const GLOBAL_TABLE = indexFlags(GLOBAL_FLAGS);
/** Own commands that create containers: an unknown global flag before them fails closed too. */
const CREATING_OWN: ReadonlySet<string> = new Set(['compose', 'learn']);
const RUN_TABLE = indexFlags(CONTAINER_FLAGS, 'run', SDOCKER_FLAGS);
const CREATE_TABLE = indexFlags(CONTAINER_FLAGS, 'create', SDOCKER_FLAGS);
const EXEC_TABLE = indexFlags(EXEC_FLAGS, undefined, SDOCKER_FLAGS);

export function parseInvocation(argv: readonly string[]): Invocation {
  if (argv[0]?.startsWith('--sd-') === true) return { kind: 'own', args: argv, globals: [] };
  let globals: ParsedFlags;
  try {
    globals = parseFlags(argv, GLOBAL_TABLE, 'docker');
  } catch (error) {
    // An unknown global flag: docker itself will reject it, unless it is newer than sdocker.
    // Fail closed only where the words could still be a hardened command.
    if (argv.some((word) => HARDENED.has(word) || CREATING_OWN.has(word) || PARTLY_HARDENED.has(word))) throw error;
    return { kind: 'pass' };
  }
  const [first, second] = globals.rest;
  // A global --help or --version before a subcommand is ignored by docker 28: `docker --help
  // run --privileged IMG` runs the container (measured); only the bare `docker --help` prints.
  if (first === undefined) return { kind: 'pass' };
  // Own commands get the global flags: compose, learn and explain reach the same engine.
  if (OWN_COMMANDS.has(first)) return { kind: 'own', args: globals.rest, globals: globals.items };
  // `stack deploy` (and its alias `up`) is hardened by src/stack/, with the same globals; the rest of `stack` is docker's.
  if (first === 'stack') return isStackDeploy(globals.rest.slice(1)) ? { kind: 'own', args: globals.rest, globals: globals.items } : { kind: 'pass' };
  // A build and a service creation or update are judged on their way to the engine (src/judge/passthrough.ts).
  if (judgedOnTheWay(first, second)) return { kind: 'own', args: globals.rest, globals: globals.items };
  if (first === 'container' && second !== undefined && HARDENED.has(second)) {
    return parseHardened(second, [first, second], globals.items, globals.rest.slice(2));
  }
  if (first === 'container' && second?.startsWith('-') === true && globals.rest.some((w) => HARDENED.has(w))) {
    throw new SdockerError(`sdocker: flags between 'container' and its subcommand are not supported; write them after the subcommand`);
  }
  if (HARDENED.has(first)) return parseHardened(first, [first], globals.items, globals.rest.slice(1));
  return { kind: 'pass' };
}

/**
 * Whether docker prints the subcommand's help instead of running it: cobra reads --help's
 * final value (pflag: the last occurrence wins, strconv.ParseBool), so `--help=false` and
 * `--help --help=0` run the command. A value ParseBool rejects is not help: the command is
 * hardened and checked as any other, and docker then fails on the value itself.
 */
function asksHelp(items: readonly Item[]): boolean {
  const last = items.flatMap((item) => item.opts).filter((opt) => opt.spec.long === 'help').at(-1);
  return last !== undefined && parseBool(last.value) === true;
}

function parseHardened(sub: string, path: string[], globals: readonly Item[], words: readonly string[]): Invocation {
  const what = `docker ${path.join(' ')}`;
  if (sub === 'exec') return { kind: 'exec', globals, path, flags: parseFlags(words, EXEC_TABLE, what) };
  const containerSub: ContainerSub = sub === 'run' ? 'run' : 'create';
  const flags = parseFlags(words, containerSub === 'run' ? RUN_TABLE : CREATE_TABLE, what);
  const [image, ...args] = flags.rest;
  if (image === undefined || asksHelp(flags.items)) return { kind: 'pass' };
  return { kind: 'container', sub: containerSub, globals, path, flags, image, args };
}
