// sdocker's own options for `sdocker compose`, among compose's global options before the
// subcommand: `sdocker compose --sd-allow RULE -p x up`. The `--sd-` prefix is sdocker's (as
// for run), and neither compose v1's docopt list nor v2's flags has an option starting with it,
// so none of compose's words is taken. They are removed before compose sees the words.
import { checkAllowList, splitAllow } from '../../policy/allow.js';
import type { FlagTable } from '../../docker/flags.js';
import { parseComposeFlags } from './args.js';
import { GLOBALS, type Flavor } from './flags.js';

export interface ComposeOwn {
  /** Rules lifted for this run (RULE or RULE:ITEM), as --sd-allow does for sdocker run. */
  readonly allow: readonly string[];
  /** compose's own words, in order. */
  readonly args: readonly string[];
}

const SD_ALLOW = { long: 'sd-allow', short: '', kind: 'list', own: true } as const;

function withOwn(table: FlagTable): FlagTable {
  return { byLong: new Map([...table.byLong, [SD_ALLOW.long, SD_ALLOW]]), byShort: table.byShort };
}

export function takeOwnOptions(args: readonly string[], flavor: Flavor, what: string): ComposeOwn {
  const parsed = parseComposeFlags(args, withOwn(GLOBALS[flavor]), flavor, what, GLOBALS[flavor]);
  const own = parsed.items.filter((item) => item.opts.some((opt) => opt.spec.long === SD_ALLOW.long));
  if (own.length === 0) return { allow: [], args };
  const allow = splitAllow(own.flatMap((item) => item.opts.map((opt) => opt.value)));
  checkAllowList(allow, '--sd-allow');
  const kept = parsed.items.filter((item) => !own.includes(item)).flatMap((item) => item.words);
  return { allow, args: [...kept, ...(parsed.dashdash ? ['--'] : []), ...parsed.rest] };
}
