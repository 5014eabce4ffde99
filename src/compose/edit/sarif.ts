// Findings as SARIF 2.1.0, the format code-scanning services read (GitHub, GitLab, Azure).
import { relative } from 'node:path';
import { ruleRow, type RuleId, type RuleRow } from '../../policy/rules.js';
import type { Finding } from '../keys/types.js';

const COMPOSE_FILE: RuleRow = { cis: '-', title: 'a file compose refuses', why: 'compose stops on it (a required variable unset, a malformed ${...}, a broken extends), so its settings cannot be judged' };

const LEVELS: Readonly<Record<Finding['level'], string>> = { error: 'error', warning: 'warning', change: 'note', note: 'note', unenforced: 'warning' };

/** `rows`: what a target names beyond the rule table (harden --target k8s: k8s/types.ts K8S_ROWS). */
export function toSarif(findings: readonly (Omit<Finding, 'rule'> & { readonly rule: string })[], cwd: string, rows: Readonly<Record<string, RuleRow>> = {}): object {
  const ids = [...new Set(findings.map((f) => f.rule))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sdocker',
            rules: ids.map((id) => {
              const row = id === 'compose-file' ? COMPOSE_FILE : (rows[id] ?? ruleRow(id as RuleId));
              return { id, shortDescription: { text: row.title }, fullDescription: { text: row.why }, properties: { cis: row.cis } };
            }),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          level: LEVELS[f.level],
          message: { text: `[${f.service}] ${f.message}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: relative(cwd, f.file) || f.file }, region: { startLine: f.line, startColumn: f.col } } }],
        })),
      },
    ],
  };
}
