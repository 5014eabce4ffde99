// What sdocker says: the dry-run report, and the lines a real run prints on stderr. The report
// is read at 100 columns: a flag and its reason never share a padded column (three tmpfs
// mounts made that column ~200 characters wide), reasons wrap under their flags.
import type { Plan } from './plan.js';
import { shellQuote } from '../common/quote.js';
import type { LoadedPolicy } from '../policy/load.js';
import { refusalMessage, type Violation } from '../policy/refusals.js';
import { REFUSALS, ruleRow, type RuleId } from '../policy/rules.js';

/** The width the dry run is laid out for. */
const WIDTH = 100;
const FLAG_INDENT = '  ';
const REASON_INDENT = '      ';


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

/** The rules that stop this command: refusals, then errors (the strict profile's AppArmor). */
export function stoppedBy(plan: Plan): string[] {
  const rules = [...plan.refused.map((v) => v.rule), ...plan.notices.filter((n) => n.level === 'error').map((n) => n.rule ?? 'policy')];
  return [...new Set(rules)];
}

export function renderDryRun(input: ReportInput): string {
  const { plan } = input;
  const { sources, warnings, imageProfile } = input.loaded;
  const lines = [`# sdocker dry run: nothing was started. Policy: ${sources.join(' <- ')}`];
  if (imageProfile !== undefined) lines.push(`# image profile: ${imageProfile.name} (${imageProfile.file})`);
  const command = [input.docker, ...plan.argv].map(shellQuote).join(' ');
  // A refused command must not look runnable: pasted into a shell, a comment does nothing.
  const stopped = stoppedBy(plan);
  lines.push(stopped.length === 0 ? command : `# refused (${stopped.join(', ')}; see below), not runnable: ${command}`, '');
  if (plan.additions.length > 0) lines.push('added:', ...renderAdditions(plan));
  if (plan.rewrites.length > 0) lines.push('rewritten:', ...plan.rewrites.flatMap((r) => [`${FLAG_INDENT}${r.note}`, ...reason(r.rule)]));
  section(lines, 'refused:', plan.refused.map(refusalMessage));
  section(lines, 'allowed by policy:', plan.allowed.map(allowedWarning));
  const said = [...warnings, ...plan.notices.map((n) => n.text)];
  if (input.unknown !== undefined) said.push(`sdocker: the engine could not be asked (${input.unknown}); facts it would give are assumed`);
  section(lines, 'notes:', said);
  if (plan.network !== undefined) lines.push('', `network: ${plan.network} (${networkState(input.networkExists)}; bridge, inter-container traffic off)`);
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

export function networkState(exists: boolean | undefined): 'exists' | 'would be created' | 'created if missing' {
  return exists === true ? 'exists' : exists === false ? 'would be created' : 'created if missing';
}

/** One block a rule (--memory and --memory-swap share one reason): its flags, then why, indented below. */
function renderAdditions(plan: Plan): string[] {
  const byRule = new Map<RuleId, string[]>();
  for (const a of plan.additions) byRule.set(a.rule, [...(byRule.get(a.rule) ?? []), a.words.map(shellQuote).join(' ')]);
  return [...byRule].flatMap(([rule, flags]) => [...pack(flags, FLAG_INDENT), ...reason(rule)]);
}

/** `rule (CIS x): why`, wrapped under the flags it explains. */
function reason(rule: RuleId): string[] {
  const row = ruleRow(rule);
  return pack(`${rule} (CIS ${row.cis}): ${row.why}`.split(' '), REASON_INDENT);
}

/** Pieces joined by spaces into lines of at most WIDTH columns; a piece longer than that keeps a line of its own, whole. */
export function pack(pieces: readonly string[], indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const piece of pieces) {
    if (line !== '' && indent.length + line.length + 1 + piece.length > WIDTH) {
      lines.push(indent + line);
      line = '';
    }
    line = line === '' ? piece : `${line} ${piece}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

/** Messages stay whole (one line each, as a real run prints them): they are searched and copied. */
function section(lines: string[], title: string, entries: readonly string[]): void {
  if (entries.length === 0) return;
  lines.push(title, ...entries.map((entry) => `${FLAG_INDENT}${entry}`));
}
