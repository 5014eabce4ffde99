// docs/rules.md's rule table (between its `<!-- rules:start -->` markers; test/readme.test.ts
// keeps the two equal). Always the built-in default profile: the manual must not depend on the
// machine it was generated on.
import { REACHED_THROUGH } from '../policy/coverage.js';
import type { Policy } from '../policy/schema.js';
import { rows } from './rows.js';

export function rulesMarkdown(policy: Policy): string {
  const cell = (text: string): string => text.replaceAll('|', '\\|');
  const header = '| rule | sdocker | CIS | what | default profile | why |\n|---|---|---|---|---|---|\n';
  const table = header + rows(policy).map(([id, kind, row, value]) => `| \`${id}\` | ${kind} | ${row.cis} | ${cell(row.title)} | ${value ? `\`${cell(value)}\`` : ''} | ${cell(row.why)} |\n`).join('');
  const covered = Object.entries(REACHED_THROUGH).map(([id, text]) => `| \`${id}\` | ${cell(text)} |\n`).join('');
  return `${table}\nA refusal holds however the danger is written or inherited:\n\n| rule | also refused through |\n|---|---|\n${covered}`;
}
