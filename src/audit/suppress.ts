// Suppressions (`audit.suppress` in the user's config.yml or a trusted project .sdocker.yml):
// a finding the user accepted stays in the report as info, with the reason, so a reader of the
// report sees what was waived and why; it is never silently gone.
import type { Suppression } from '../policy/schema.js';
import type { Finding } from './types.js';

export interface Suppressed {
  readonly findings: Finding[];
  /** Suppressions that matched no warn or info: a check id misspelt, a target since removed. */
  readonly unused: Suppression[];
}

export function applySuppressions(findings: readonly Finding[], suppressions: readonly Suppression[]): Suppressed {
  const used = new Set<Suppression>();
  const out = findings.map((finding) => {
    if (finding.result !== 'warn' && finding.result !== 'info') return finding;
    const match = suppressions.find((s) => s.check === finding.check && (s.target === undefined || s.target === finding.target.name));
    if (match === undefined) return finding;
    used.add(match);
    return { ...finding, result: 'info' as const, message: `suppressed (${match.reason}); was ${finding.result}: ${finding.message}` };
  });
  return { findings: out, unused: suppressions.filter((s) => !used.has(s)) };
}

export function unusedWarning(s: Suppression): string {
  return `sdocker audit: warning: the suppression of '${s.check}'${s.target === undefined ? '' : ` for ${s.target}`} matched no finding; check its id and target, or remove it`;
}
