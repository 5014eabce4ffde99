// Audit warnings as SARIF 2.1.0 (the compose findings' style, src/compose/edit/sarif.ts). An audit
// target is no file: each result names its container, image or engine as a logical location,
// and carries the CIS id and the inspect evidence as properties.
import { isRefuseId, ruleRow, INJECTIONS, type RuleId } from '../policy/rules.js';
import type { Finding } from './types.js';

export function toAuditSarif(findings: readonly Finding[]): object {
  const warns = findings.filter((f) => f.result === 'warn');
  const ids = [...new Set(warns.map((f) => f.check))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'sdocker', rules: ids.map((id) => describeRule(id, warns)) } },
        results: warns.map((f) => ({
          ruleId: f.check,
          level: 'warning',
          message: { text: `[${f.target.kind} ${f.target.name}] ${f.message}` },
          locations: [{ logicalLocations: [{ name: f.target.name, kind: f.target.kind, fullyQualifiedName: `${f.target.kind}:${f.target.name}` }] }],
          properties: { cis: f.cis, evidence: f.evidence },
        })),
      },
    ],
  };
}

/** A rule-table id is described by its row; an audit-only id by its first finding's message. */
function describeRule(id: string, warns: readonly Finding[]): object {
  const first = warns.find((f) => f.check === id);
  if (isRefuseId(id) || Object.hasOwn(INJECTIONS, id)) {
    const row = ruleRow(id as RuleId);
    return { id, shortDescription: { text: row.title }, fullDescription: { text: row.why }, properties: { cis: row.cis } };
  }
  return { id, shortDescription: { text: id }, properties: { cis: first?.cis ?? null } };
}
