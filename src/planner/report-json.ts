// The dry run as JSON (`--sd-dry-run=json`), for scripts and editors. Keys are stable: new ones
// may be added, none renamed or removed (docs/run.md lists them, at --sd-dry-run=json).
import { refusalMessage, type Violation } from '../policy/refusals.js';
import { ruleRow } from '../policy/rules.js';
import { allowedWarning, networkState, stoppedBy, type ReportInput } from './report.js';

/** The version of this shape; raised only if a key ever changes meaning. */
export const PLAN_JSON_VERSION = 1;

export function renderDryRunJson(input: ReportInput): string {
  const { plan, loaded } = input;
  const stopped = stoppedBy(plan);
  const out = {
    version: PLAN_JSON_VERSION,
    runnable: stopped.length === 0,
    argv: [input.docker, ...plan.argv],
    additions: plan.additions.map((a) => ({ rule: a.rule, words: a.words, cis: ruleRow(a.rule).cis, why: ruleRow(a.rule).why })),
    rewrites: plan.rewrites.map((r) => ({ rule: r.rule, words: r.words, note: r.note, cis: ruleRow(r.rule).cis, why: ruleRow(r.rule).why })),
    refusals: plan.refused.map((v) => ({ ...violation(v), message: refusalMessage(v) })),
    allowed: plan.allowed.map((v) => ({ ...violation(v), message: allowedWarning(v) })),
    notices: [
      ...loaded.warnings.map((text) => ({ rule: null, level: 'warning', text })),
      ...plan.notices.map((n) => ({ rule: n.rule ?? null, level: n.level, text: n.text })),
    ],
    network: plan.network === undefined ? null : { name: plan.network, state: networkState(input.networkExists) },
    links: plan.links.map((l) => ({ name: l.name, target: l.target, alias: l.alias, container: l.container, internal: l.internal })),
    policy: {
      sources: loaded.sources,
      imageProfile: loaded.imageProfile === undefined ? null : { name: loaded.imageProfile.name, file: loaded.imageProfile.file },
    },
    engine: { asked: input.unknown === undefined, error: input.unknown ?? null },
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** The rule, the item it can be lifted for, what the user wrote, and the word --sd-allow takes. */
function violation(v: Violation): { rule: string; detail: string | null; what: string; allow: string } {
  return { rule: v.rule, detail: v.detail ?? null, what: v.what, allow: v.detail === undefined ? v.rule : `${v.rule}:${v.detail}` };
}
