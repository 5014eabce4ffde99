// What `sdocker audit` prints: text for people (grouped by target, worst first, colour only on
// a terminal), the JSON contract for CI (issue 10: every finding, passes included; fixes as
// argv; the merged daemon.json), or SARIF (sarif.ts). And the exit code --fail-on asks for.
import { shellQuote } from '../common/quote.js';
import { renderRollback, renderSteps } from './fix/steps.js';
import type { AuditReport, Finding, Fix, Result, Target, TargetKind } from './types.js';

export type Format = 'text' | 'json' | 'sarif';
export type FailOn = 'warn' | 'info' | 'none';

/** Worst first. */
const ORDER: readonly Result[] = ['warn', 'info', 'pass', 'n/a'];
const KINDS: readonly TargetKind[] = ['engine', 'container', 'image'];
const LABELS: Readonly<Record<Result, string>> = { warn: 'WARN', info: 'INFO', pass: 'PASS', 'n/a': 'N/A ' };
/** ANSI SGR: red, cyan, green, dim. */
const COLOURS: Readonly<Record<Result, string>> = { warn: '31', info: '36', pass: '32', 'n/a': '2' };

export interface TextOptions {
  /** Also list passes and not-applicable checks (the summary counts them either way). */
  readonly verbose: boolean;
  readonly colour: boolean;
}

export function renderJson(report: AuditReport): string {
  return `${JSON.stringify({ findings: report.findings, fixes: report.fixes, daemonJson: report.daemonJson }, null, 2)}\n`;
}

export function renderText(report: AuditReport, options: TextOptions): string {
  const paint = (result: Result, text: string): string => (options.colour ? `\u001b[${COLOURS[result]}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  for (const [key, findings] of groupByTarget(report.findings)) {
    const target = findings[0]?.target as Target;
    lines.push(`${target.kind} ${target.name}  (${countsText(findings)})`);
    for (const f of sortWorstFirst(findings)) {
      if (!options.verbose && (f.result === 'pass' || f.result === 'n/a')) continue;
      const cis = f.cis === null ? '' : ` CIS ${f.cis}`;
      lines.push(`  ${paint(f.result, LABELS[f.result])}  ${f.check}${cis}: ${f.message}`, `        ${f.evidence}`);
    }
    for (const fix of report.fixes.filter((x) => targetKey(x.target) === key)) lines.push(...fixLines(fix));
  }
  if (report.daemonJson !== null) lines.push('', "daemon.json with the engine's fixes (existing keys kept):", JSON.stringify(report.daemonJson, null, 2));
  const targets = new Set(report.findings.map((f) => targetKey(f.target))).size;
  lines.push('', `sdocker audit: ${targets} target${targets === 1 ? '' : 's'}: ${countsText(report.findings)}${options.verbose ? '' : ' (passes hidden; --verbose lists them)'}`);
  return `${lines.join('\n')}\n`;
}

function fixLines(fix: Fix): string[] {
  const lines = fixCommandLines(fix);
  if (fix.lost !== undefined && fix.lost.length > 0) lines.push(`       not recovered from inspect: ${fix.lost.join(', ')}`);
  return lines;
}

/** Advice, or the steps that swap the container for a hardened one (paste them as they are), or the bare command. */
function fixCommandLines(fix: Fix): string[] {
  if (fix.advice !== undefined) return [`  fix: ${fix.advice}`];
  if (fix.steps === undefined || fix.steps.length === 0) return [`  fix: ${fix.command.map(shellQuote).join(' ')}`];
  const up = fix.steps.some((s) => s.until === 'healthy') ? 'is healthy' : fix.steps.some((s) => s.expect !== undefined) ? 'runs' : 'is made';
  const lines = [`  fix: re-create it hardened; the old container is kept, stopped, until the new one ${up} (paste the lines as they are):`];
  lines.push(...renderSteps(fix.steps).map((line) => `       ${line}`));
  if (fix.rollback !== undefined && fix.rollback.length > 0) lines.push(`       roll back (the new one does not come up): ${renderRollback(fix.rollback)}`);
  return lines;
}

/** Exit 1 when a finding is at or above the threshold (a suppressed finding is info). */
export function exitCodeFor(findings: readonly Finding[], failOn: FailOn): number {
  if (failOn === 'none') return 0;
  const failing: readonly Result[] = failOn === 'warn' ? ['warn'] : ['warn', 'info'];
  return findings.some((f) => failing.includes(f.result)) ? 1 : 0;
}

export function countsText(findings: readonly Finding[]): string {
  return ORDER.map((result) => `${findings.filter((f) => f.result === result).length} ${result}`).join(', ');
}

export function sortWorstFirst(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => ORDER.indexOf(a.result) - ORDER.indexOf(b.result) || a.check.localeCompare(b.check));
}

/** Engine first, then containers, then images; by name within a kind. */
export function groupByTarget(findings: readonly Finding[]): Map<string, Finding[]> {
  const sorted = [...findings].sort((a, b) => KINDS.indexOf(a.target.kind) - KINDS.indexOf(b.target.kind) || a.target.name.localeCompare(b.target.name));
  const groups = new Map<string, Finding[]>();
  for (const f of sorted) groups.set(targetKey(f.target), [...(groups.get(targetKey(f.target)) ?? []), f]);
  return groups;
}

function targetKey(target: Target): string {
  return `${target.kind}\u0000${target.name}`;
}
