// compose's argv as compose itself reads it: its global options, the subcommand, the
// subcommand's words. Both parsers stop at the first positional word (v1's docopt is called
// with options_first=True, compose/cli/main.py; v2's cobra has SetInterspersed(false)), so the
// subcommand is the first word no option claims.
import { parseFlags, parseBool, type Item, type ParsedFlags } from '../../docker/parse.js';
import type { FlagTable } from '../../docker/flags.js';
import { SdockerError } from '../../common/errors.js';
import { GLOBALS, type Flavor } from './flags.js';

export interface ComposeArgs {
  readonly files: readonly string[];
  readonly projectDir: string | undefined;
  /** The global option words, as written, without -f/--file. */
  readonly globals: readonly string[];
  /** --help or --version before the subcommand: compose prints and creates nothing. */
  readonly helpOrVersion: boolean;
  readonly sub: string | undefined;
  /** The words after the subcommand, untouched. */
  readonly subArgs: readonly string[];
  /** -p/--project-name, when given. */
  readonly projectName: string | undefined;
  /** compose's own endpoint options (-H, --context, --tls*): the engine sdocker asks too. */
  readonly endpoint: readonly Item[];
  /** `globals` without the endpoint options: what compose keeps when sdocker's judging socket is its engine. */
  readonly ownGlobals: readonly string[];
}

const ENDPOINT = new Set(['host', 'context', 'tls', 'tlsverify', 'tlscacert', 'tlscert', 'tlskey']);

export function parseComposeArgs(args: readonly string[], flavor: Flavor, what: string): ComposeArgs {
  const parsed = parseComposeFlags(args, GLOBALS[flavor], flavor, what);
  const files: string[] = [];
  const globals: string[] = [];
  let projectDir: string | undefined;
  for (const item of parsed.items) {
    const longs = item.opts.map((opt) => opt.spec.long);
    if (longs.includes('file')) {
      // The files are replaced by the hardened model: an -f clustered with another option cannot be taken out alone.
      files.push(...item.opts.filter((opt) => opt.spec.long === 'file').map((opt) => opt.value));
      if (item.opts.some((opt) => opt.spec.long !== 'file')) throw new SdockerError(`sdocker: write -f on its own, not in '${item.words.join(' ')}'`, 2);
      continue;
    }
    for (const opt of item.opts) if (opt.spec.long === 'project-directory' || opt.spec.long === 'workdir') projectDir = opt.value;
    globals.push(...item.words);
  }
  const helpOrVersion = parsed.items.some((item) => item.opts.some((opt) => (opt.spec.long === 'help' || opt.spec.long === 'version') && parseBool(opt.value) === true));
  const [sub, ...subArgs] = parsed.rest;
  const opts = parsed.items.flatMap((item) => item.opts);
  const projectName = opts.filter((opt) => opt.spec.long === 'project-name').at(-1)?.value;
  const endpoint = parsed.items.filter((item) => item.opts.every((opt) => ENDPOINT.has(opt.spec.long)));
  const ownGlobals = parsed.items.filter((item) => !endpoint.includes(item) && !item.opts.some((opt) => opt.spec.long === 'file')).flatMap((item) => item.words);
  const dashdash = parsed.dashdash ? ['--'] : [];
  return { files, projectDir, globals: [...globals, ...dashdash], helpOrVersion, sub, subArgs, projectName, endpoint, ownGlobals: [...ownGlobals, ...dashdash] };
}

/**
 * Leading options of `words`, pflag's grammar; for v1, a long option written as an unambiguous
 * prefix is read as the option it abbreviates among `prefixes` (v1's own options), as docopt does.
 */
export function parseComposeFlags(words: readonly string[], table: FlagTable, flavor: Flavor, what: string, prefixes: FlagTable = table): ParsedFlags {
  const expanded = flavor === 'v1' ? expandPrefixes(words, table, prefixes, what) : words;
  try {
    return parseFlags(expanded, table, what);
  } catch (error) {
    const unknown = error instanceof SdockerError ? /^sdocker: unknown flag (\S+) for/.exec(error.message) : null;
    if (unknown === null) throw error;
    // sdocker's own options go before the subcommand (own-options.ts).
    if (unknown[1]?.startsWith('--sd-') === true) throw new SdockerError(`sdocker: ${unknown[1].split('=')[0] ?? ''} is sdocker's own option: write it right after 'sdocker compose', before compose's subcommand`, 2);
    throw new SdockerError(`sdocker: unknown flag ${unknown[1] ?? ''} for '${what}': sdocker cannot tell what it changes; check the spelling, or run '${what}' directly if you trust the files`);
  }
}

/** docopt.py parse_long: an exact name first, else the one option the word is a prefix of. */
function expandPrefixes(words: readonly string[], table: FlagTable, prefixes: FlagTable, what: string): string[] {
  const out = [...words];
  for (let i = 0; i < out.length; i += 1) {
    const word = out[i] as string;
    if (word === '--' || word === '-' || !word.startsWith('-')) break;
    if (!word.startsWith('--')) {
      // A short cluster: a value option in it takes the rest of the word, or the next word.
      const chars = word.slice(1);
      const valued = [...chars].findIndex((c) => table.byShort.get(c)?.kind !== 'bool');
      if (valued === chars.length - 1 && table.byShort.has(chars[valued] as string)) i += 1;
      continue;
    }
    const eq = word.indexOf('=');
    const name = word.slice(2, eq === -1 ? undefined : eq);
    let spec = table.byLong.get(name);
    if (spec === undefined) {
      const similar = [...prefixes.byLong.values()].filter((s) => s.long.startsWith(name));
      if (similar.length > 1) throw new SdockerError(`sdocker: --${name} is not a unique prefix in '${what}': ${similar.map((s) => `--${s.long}`).join(', ')}?`);
      spec = similar[0];
      if (spec !== undefined) out[i] = `--${spec.long}${eq === -1 ? '' : word.slice(eq)}`;
    }
    if (spec !== undefined && spec.kind !== 'bool' && eq === -1) i += 1;
  }
  return out;
}
