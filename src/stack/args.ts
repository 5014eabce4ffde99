// `docker [globals] stack [stack flags] deploy|up [flags] STACK [flags]` read as docker 28 reads
// it (src/docker/stack.ts has the grammar): the compose files, sdocker's own --sd-allow, whether
// docker would only print help, and every other word kept in place for the real deploy.
import { DEPLOY_TABLE, readStackWords, unknownFlag } from '../docker/stack.js';
import { parseBool, parseFlags, type Item } from '../docker/parse.js';
import { SdockerError, EXIT_USAGE } from '../common/errors.js';
import { checkAllowList, splitAllow } from '../policy/allow.js';
import { readCsv } from './csv.js';

export interface DeployArgs {
  /** `deploy` or `up`, as written. */
  readonly sub: string;
  /** The stack-level words (between `stack` and the subcommand) docker gets, --sd-allow removed. */
  readonly stackWords: readonly string[];
  /** The compose files, as docker splits the -c values (a comma-separated list each). */
  readonly files: readonly string[];
  /** deploy's other words, in order (flags, STACK, `--`), -c and --sd-allow removed. */
  readonly otherWords: readonly string[];
  /** STACK, when given. */
  readonly name: string | undefined;
  readonly allow: readonly string[];
  /** docker prints help and deploys nothing: the last --help/-h, at any level, reads true. */
  readonly help: boolean;
}

type Part = { readonly item: Item } | { readonly word: string };

/** deploy's words: flags are interspersed with STACK (cobra's default), up to a `--`. */
function readDeployWords(words: readonly string[]): Part[] {
  const parts: Part[] = [];
  let rest = words;
  while (rest.length > 0) {
    let parsed;
    try {
      parsed = parseFlags(rest, DEPLOY_TABLE, 'docker stack deploy');
    } catch (error) {
      unknownFlag(error, 'docker stack deploy');
    }
    parts.push(...parsed.items.map((item) => ({ item })));
    if (parsed.dashdash) return [...parts, { word: '--' }, ...parsed.rest.map((word) => ({ word }))];
    const [positional, ...after] = parsed.rest;
    if (positional !== undefined) parts.push({ word: positional });
    rest = after;
  }
  return parts;
}

const has = (item: Item, long: string): boolean => item.opts.some((opt) => opt.spec.long === long);

export function parseDeployArgs(args: readonly string[], globals: readonly Item[]): DeployArgs {
  const stack = readStackWords(args.slice(1));
  if (stack?.sub === undefined) throw new SdockerError("sdocker: 'stack' without a subcommand is docker's; run it with docker", EXIT_USAGE);
  const parts = readDeployWords(stack.rest);
  const items = parts.flatMap((part) => ('item' in part ? [part.item] : []));
  const own = [...stack.items, ...items].filter((item) => has(item, 'sd-allow'));
  const allow = splitAllow(own.flatMap((item) => item.opts.filter((opt) => opt.spec.long === 'sd-allow').map((opt) => opt.value)));
  checkAllowList(allow, '--sd-allow');
  const fileItems = items.filter((item) => has(item, 'compose-file'));
  for (const item of fileItems) {
    // The files are replaced by the hardened model: a -c clustered with other flags cannot be taken out alone.
    if (item.opts.length > 1) throw new SdockerError(`sdocker: write -c on its own, not in '${item.words.join(' ')}'`, EXIT_USAGE);
  }
  const kept = (item: Item): boolean => !own.includes(item) && !fileItems.includes(item);
  const otherWords = parts.flatMap((part) => ('word' in part ? [part.word] : kept(part.item) ? part.item.words : []));
  const dash = parts.findIndex((part) => 'word' in part && part.word === '--');
  const positionals = parts.filter((part, i): part is { word: string } => 'word' in part && i !== dash);
  return {
    sub: stack.sub,
    stackWords: stack.items.filter(kept).flatMap((item) => item.words),
    files: fileItems.flatMap((item) => readCsv(item.opts[0]?.value ?? '', '-c')),
    otherWords,
    name: positionals.length === 1 ? positionals[0]?.word : undefined,
    allow,
    help: asksHelp([...globals, ...stack.items, ...items]),
  };
}

/**
 * cobra's help flag is one flag for `docker`, `stack` and `deploy`: its last value wins,
 * wherever written (measured, docker 28.2: `docker --help stack deploy` prints help, `stack
 * --help deploy --help=false` deploys). A value ParseBool rejects is not help: the deploy is
 * hardened, and docker then fails on the value itself.
 */
function asksHelp(items: readonly Item[]): boolean {
  const last = items.flatMap((item) => item.opts).filter((opt) => opt.spec.long === 'help').at(-1);
  return last !== undefined && parseBool(last.value) === true;
}
