// How the differential test says what it found: one line per case a person can paste to see it
// again, and bypasses grouped by the spelling that let each danger through.
import type { Case } from './cases.js';
import type { Finding } from './oracle.js';

export function show(c: Case, findings: readonly Finding[] = []): string {
  const spelled = c.dangers.map((d) => d.tag);
  const globals = c.globals.length > 0 ? [`globals: ${c.globals.join(' ')}`] : [];
  const inspect = findings.length > 0 ? `\n      inspect: ${findings.map((f) => `${f.kind}: ${f.detail}`).join('; ')}` : '';
  return `${JSON.stringify(c.argv)}\n      spelled: ${[...globals, ...spelled].join(' | ') || '(benign)'}${inspect}`;
}

/** The spelling a danger came through, without the digits that only tell cases apart. */
function coarse(tag: string): string {
  return tag.replace(/loop\d/g, 'loopN').replace(/\/m\d+/g, '/mN').replace(/-v\d+-\d+/g, '-vN');
}

export interface Bypass {
  readonly c: Case;
  readonly found: readonly Finding[];
  /** sdocker ran docker with the user's argv unchanged. */
  readonly passedThrough: boolean;
}

/** Why each finding got through: the command was passed to docker unhardened, or the dangerous option of that kind. */
export function causes({ c, found, passedThrough }: Bypass): string[] {
  if (passedThrough) return [`passed through unhardened by ${c.falseHelp.join(' ') || '(no --help/--version=false)'}`];
  const kinds = new Set(found.map((f) => f.kind));
  const matched = c.dangers.filter((d) => d.kinds.some((k) => kinds.has(k))).map((d) => `${d.kinds.join('+')}: ${coarse(d.tag)}`);
  return matched.length > 0 ? matched : [`unexpected: ${[...kinds].join('+')}`];
}

/** Bypasses by cause, most frequent first, with the shortest example of each. */
export function groupBypasses(bypasses: readonly Bypass[]): string[] {
  const groups = new Map<string, { c: Case; found: readonly Finding[]; count: number }>();
  for (const b of bypasses) {
    for (const cause of causes(b)) {
      const group = groups.get(cause);
      if (group === undefined) groups.set(cause, { ...b, count: 1 });
      else {
        group.count += 1;
        if (b.c.argv.length < group.c.argv.length) Object.assign(group, { c: b.c, found: b.found });
      }
    }
  }
  return [...groups].sort((a, b) => b[1].count - a[1].count).map(([cause, g]) => `${g.count}x ${cause}\n    e.g. ${show(g.c, g.found)}`);
}
