// pflag's grammar as docker uses it (spf13/pflag flag.go: parseLongArg, parseSingleShortArg),
// with interspersing off: docker stops reading its own flags at the first positional word
// (cobra's SetInterspersed(false) in docker/cli), so in `docker run alpine ls --privileged`
// the flag belongs to `ls`.
import { EXIT_REFUSED, SdockerError } from '../common/errors.js';
import { didYouMean } from '../common/suggest.js';
import type { FlagSpec, FlagTable } from './flags.js';

/** One flag occurrence. A bool's value is 'true' unless written `--f=VALUE`. */
export interface Opt {
  readonly spec: FlagSpec;
  readonly value: string;
}

/** The words the user wrote for one or more flags (`-itd` is one word, three flags). */
export interface Item {
  readonly words: readonly string[];
  readonly opts: readonly Opt[];
}

export interface ParsedFlags {
  readonly items: readonly Item[];
  /** `--` was written before the first positional word. */
  readonly dashdash: boolean;
  /** Words from the first positional word on, untouched. */
  readonly rest: readonly string[];
}

/** Parse leading flags of `words` against `table`. `what` names the command in errors. */
export function parseFlags(words: readonly string[], table: FlagTable, what: string): ParsedFlags {
  const items: Item[] = [];
  let i = 0;
  while (i < words.length) {
    const word = words[i] as string;
    if (word === '--') return { items, dashdash: true, rest: words.slice(i + 1) };
    if (!word.startsWith('-') || word === '-') break;
    const next = words[i + 1];
    const { opts, used } = word.startsWith('--')
      ? parseLong(word, next, table, what)
      : parseShort(word, next, table, what);
    items.push({ words: words.slice(i, i + used), opts });
    i += used;
  }
  return { items, dashdash: false, rest: words.slice(i) };
}

interface Parsed {
  readonly opts: Opt[];
  /** How many words were consumed: 1, or 2 when the value is the next word. */
  readonly used: number;
}

function parseLong(word: string, next: string | undefined, table: FlagTable, what: string): Parsed {
  const body = word.slice(2);
  const eq = body.indexOf('=');
  const name = eq === -1 ? body : body.slice(0, eq);
  if (name === '' || name.startsWith('-')) {
    throw new SdockerError(`sdocker: bad flag syntax: ${word}`, EXIT_REFUSED);
  }
  const spec = table.byLong.get(name);
  if (spec === undefined) throw unknownLong(name, table, what);
  if (eq !== -1) return { opts: [{ spec, value: body.slice(eq + 1) }], used: 1 };
  if (spec.kind === 'bool') return { opts: [{ spec, value: 'true' }], used: 1 };
  if (next === undefined) throw needsValue(`--${name}`, what);
  return { opts: [{ spec, value: next }], used: 2 };
}

function parseShort(word: string, next: string | undefined, table: FlagTable, what: string): Parsed {
  const opts: Opt[] = [];
  let shorts = word.slice(1);
  while (shorts.length > 0) {
    const c = shorts[0] as string;
    const spec = table.byShort.get(c);
    if (spec === undefined) throw unknownFlag(`-${c}`, what);
    if (shorts.length > 2 && shorts[1] === '=') {
      opts.push({ spec, value: shorts.slice(2) });
      return { opts, used: 1 };
    }
    if (spec.kind === 'bool') {
      opts.push({ spec, value: 'true' });
      shorts = shorts.slice(1);
      continue;
    }
    if (shorts.length > 1) {
      opts.push({ spec, value: shorts.slice(1) });
      return { opts, used: 1 };
    }
    if (next === undefined) throw needsValue(`-${c}`, what);
    opts.push({ spec, value: next });
    return { opts, used: 2 };
  }
  return { opts, used: 1 };
}

function unknownFlag(flag: string, what: string): SdockerError {
  return new SdockerError(
    `sdocker: unknown flag ${flag} for '${what}': without its arity sdocker cannot tell where the image starts; ` +
      `check the spelling, or upgrade sdocker if your docker client has this flag`,
  );
}

/** A mistyped long flag names the nearest one; a mistyped `--sd-*` is sdocker's, so its arity is no question. */
function unknownLong(name: string, table: FlagTable, what: string): SdockerError {
  const specs = [...table.byLong.values()];
  const own = specs.filter((spec) => spec.own === true && spec.long.startsWith('sd-')).map((spec) => `--${spec.long}`);
  // Only where sdocker reads --sd-* options (run, create, exec, learn); compose places them itself.
  if (name.startsWith('sd-') && own.length > 0) {
    const near = didYouMean(`--${name}`, own);
    return new SdockerError(`sdocker: unknown option --${name}${near || `; sdocker's own are ${own.join(', ')}`}`);
  }
  const near = didYouMean(`--${name}`, specs.map((spec) => `--${spec.long}`));
  if (near === '') return unknownFlag(`--${name}`, what);
  return new SdockerError(`sdocker: unknown flag --${name} for '${what}'${near}`);
}

function needsValue(flag: string, what: string): SdockerError {
  return new SdockerError(`sdocker: flag needs an argument: ${flag} (in '${what}')`);
}

/** pflag's strconv.ParseBool: the spellings docker accepts for a bool flag's value. */
export function parseBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  return undefined;
}
