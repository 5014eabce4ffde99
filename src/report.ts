// What sdocker says: the dry-run report, and the lines a real run prints on stderr.
import type { Plan } from './plan.js';
import type { LoadedPolicy } from './policy/load.js';
import { refusalMessage, type Violation } from './policy/refusals.js';
import { REFUSALS, ruleRow, type RuleId } from './policy/rules.js';

/** A word as a POSIX shell would need it, so a printed command can be pasted back. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function allowedWarning(violation: Violation): string {
  const row = REFUSALS[violation.rule];
  return `sdocker: warning: allowing ${violation.what} (rule ${violation.rule}, CIS ${row.cis}): ${row.why}`;
}

export interface ReportInput {
  readonly plan: Plan;
  readonly docker: string;
  readonly loaded: LoadedPolicy;
  readonly unknown: string | undefined;
  readonly networkExists: boolean | undefined;
}

export function renderDryRun(input: ReportInput): string {
  const { plan } = input;
  const { sources, warnings, imageProfile } = input.loaded;
  const lines = [`# sdocker dry run: nothing was started. Policy: ${sources.join(' <- ')}`];
  if (imageProfile !== undefined) lines.push(`# image profile: ${imageProfile.name} (${imageProfile.file})`);
  lines.push([input.docker, ...plan.argv].map(shellQuote).join(' '), '');
  if (plan.additions.length > 0) {
    lines.push('added:');
    // One row a rule: --memory and --memory-swap share one reason.
    const byRule = new Map<string, string[]>();
    for (const a of plan.additions) byRule.set(a.rule, [...(byRule.get(a.rule) ?? []), ...a.words.map(shellQuote)]);
    const rows = [...byRule].map(([rule, words]) => [words.join(' '), rule as RuleId] as const);
    const width = Math.max(...rows.map(([flags]) => flags.length));
    for (const [flags, rule] of rows) {
      const row = ruleRow(rule);
      lines.push(`  ${flags.padEnd(width)}  ${rule} (CIS ${row.cis}): ${row.why}`);
    }
  }
  section(lines, 'rewritten:', plan.rewrites.map((r) => `${r.note}  ${r.rule} (CIS ${ruleRow(r.rule).cis}): ${ruleRow(r.rule).why}`));
  section(lines, 'refused:', plan.refused.map(refusalMessage));
  section(lines, 'allowed by policy:', plan.allowed.map(allowedWarning));
  const said = [...warnings, ...plan.notices.map((n) => n.text)];
  if (input.unknown !== undefined) said.push(`sdocker: the engine could not be asked (${input.unknown}); facts it would give are assumed`);
  section(lines, 'notes:', said);
  if (plan.network !== undefined) {
    const state = input.networkExists === true ? 'exists' : input.networkExists === false ? 'would be created' : 'created if missing';
    lines.push('', `network: ${plan.network} (${state}; bridge, inter-container traffic off)`);
  }
  if (plan.links.length > 0) {
    const row = ruleRow('network');
    lines.push('', `link networks: network (CIS ${row.cis}): sdocker's bridge drops every packet between containers, --link included; each link gets a bridge holding its two containers alone`);
    plan.links.forEach((link, i) => {
      const joins = i === 0 ? `${link.container} is created on it` : `${link.container} joins it after create`;
      lines.push(`  ${link.name} (created if missing${link.internal ? ', internal' : ''}): connect ${link.target} (alias ${link.alias}); ${joins}`);
    });
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function section(lines: string[], title: string, entries: readonly string[]): void {
  if (entries.length === 0) return;
  lines.push(title, ...entries.map((entry) => `  ${entry}`));
}
