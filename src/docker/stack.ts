// `docker stack`'s grammar in docker 28 (docker/cli v28.2.2 cli/command/stack/cmd.go, deploy.go):
// `stack` has one persistent flag of its own (`--orchestrator`, deprecated and ignored) and
// cobra's `--help`/`-h`, both readable before the subcommand and among its flags; `deploy` has
// the alias `up` and, unlike run, intersperses its flags with its one argument (STACK). No
// prefix matching (`docker stack dep` is no command, measured). Docker's global flags are not
// persistent: `docker stack --context X deploy` is "unknown flag: --context" (measured).
import { SdockerError } from '../common/errors.js';
import { indexFlags, type FlagRow, type FlagTable } from './flags.js';
import { parseFlags, type Item } from './parse.js';

export const DEPLOY_SUBS: ReadonlySet<string> = new Set(['deploy', 'up']);

const PERSISTENT: readonly FlagRow[] = [
  ['orchestrator', '', 'value'],
  ['help', 'h', 'bool'],
];

/** `deploy`'s own flags (deploy.go), then the persistent ones. */
const DEPLOY: readonly FlagRow[] = [
  ['compose-file', 'c', 'list'],
  ['with-registry-auth', '', 'bool'],
  ['prune', '', 'bool'],
  ['resolve-image', '', 'value'],
  ['detach', 'd', 'bool'],
  ['quiet', 'q', 'bool'],
  ...PERSISTENT,
];

/** sdocker's own option, read right after `stack` and among deploy's flags; `--sd-` collides with none of docker's. */
const OWN: readonly FlagRow[] = [['sd-allow', '', 'list']];

export const STACK_TABLE: FlagTable = indexFlags(PERSISTENT, undefined, OWN);
export const DEPLOY_TABLE: FlagTable = indexFlags(DEPLOY, undefined, OWN);

export interface StackWords {
  /** The flag words between `stack` and the subcommand. */
  readonly items: readonly Item[];
  readonly sub: string | undefined;
  /** The words after the subcommand. */
  readonly rest: readonly string[];
}

/**
 * The words after `stack`: its own flags, the subcommand, the rest. A flag sdocker does not know
 * fails closed only where the words could still be a deploy (docker rejects it otherwise).
 */
export function readStackWords(words: readonly string[]): StackWords | undefined {
  try {
    const parsed = parseFlags(words, STACK_TABLE, 'docker stack');
    const [sub, ...rest] = parsed.rest;
    return { items: parsed.items, sub: parsed.dashdash ? undefined : sub, rest };
  } catch (error) {
    if (words.some((word) => DEPLOY_SUBS.has(word))) unknownFlag(error, 'docker stack');
    return undefined;
  }
}

/** Whether the words after `stack` are a deploy sdocker must harden. */
export function isStackDeploy(words: readonly string[]): boolean {
  const read = readStackWords(words);
  return read?.sub !== undefined && DEPLOY_SUBS.has(read.sub);
}

/** Refuse a flag sdocker cannot read where a deploy may follow: it cannot tell what the flag changes. */
export function unknownFlag(error: unknown, what: string): never {
  const flag = error instanceof SdockerError ? /^sdocker: unknown flag (\S+)/.exec(error.message)?.[1] : undefined;
  if (flag === undefined) throw error;
  throw new SdockerError(`sdocker: unknown flag ${flag} for '${what}': sdocker cannot tell what it changes; check the spelling (${what} --help), or upgrade sdocker if your docker client has this flag`);
}
