// sdocker's own options for `sdocker compose`, among compose's global options before the
// subcommand: `sdocker compose --sd-allow RULE -p x up`. The `--sd-` prefix is sdocker's (as
// for run), and neither compose v1's docopt list nor v2's flags has an option starting with it,
// so none of compose's words is taken. They are removed before compose sees the words.
import { checkAllowList, splitAllow } from '../../policy/allow.js';
import type { FlagTable } from '../../docker/flags.js';
import { parseComposeFlags } from './args.js';
import { GLOBALS, type Flavor } from './flags.js';
import { settleWindow } from '../../settle/window.js';

export interface ComposeOwn {
  /** Rules lifted for this run (RULE or RULE:ITEM), as --sd-allow does for sdocker run. */
  readonly allow: readonly string[];
  /** --sd-settle's seconds as written (settle/window.ts reads them). */
  readonly settle: string | undefined;
  /** compose's own words, in order. */
  readonly args: readonly string[];
}

const SD_ALLOW = { long: 'sd-allow', short: '', kind: 'list', own: true } as const;
const SD_SETTLE = { long: 'sd-settle', short: '', kind: 'value', own: true } as const;
const OWN: ReadonlySet<string> = new Set([SD_ALLOW.long, SD_SETTLE.long]);

function withOwn(table: FlagTable): FlagTable {
  return { byLong: new Map([...table.byLong, [SD_ALLOW.long, SD_ALLOW], [SD_SETTLE.long, SD_SETTLE]]), byShort: table.byShort };
}

export function takeOwnOptions(args: readonly string[], flavor: Flavor, what: string): ComposeOwn {
  const parsed = parseComposeFlags(args, withOwn(GLOBALS[flavor]), flavor, what, GLOBALS[flavor]);
  const own = parsed.items.filter((item) => item.opts.some((opt) => OWN.has(opt.spec.long)));
  if (own.length === 0) return { allow: [], settle: undefined, args };
  const opts = own.flatMap((item) => item.opts);
  const allow = splitAllow(opts.filter((opt) => opt.spec.long === SD_ALLOW.long).map((opt) => opt.value));
  checkAllowList(allow, '--sd-allow');
  const settle = opts.filter((opt) => opt.spec.long === SD_SETTLE.long).at(-1)?.value;
  // A bad value fails here, before compose runs anything.
  if (settle !== undefined) settleWindow(settle, {});
  const kept = parsed.items.filter((item) => !own.includes(item)).flatMap((item) => item.words);
  return { allow, settle, args: [...kept, ...(parsed.dashdash ? ['--'] : []), ...parsed.rest] };
}
