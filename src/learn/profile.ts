// The learned image profile: the same keys as profiles/images/*.yml, each grant commented with
// the line that proved it was needed. Written as plain YAML text (strings JSON-quoted, which
// YAML reads as they are) so that no comment is lost.
import type { Grants } from './grants.js';

export interface ProfileFacts {
  readonly image: string;
  /** The repository the profile matches (normalizeImage). */
  readonly repository: string;
  readonly trials: number;
  readonly seconds: number;
  readonly proof: string;
  readonly date: string;
  /** The policy's own tmpfs paths: an image profile's list replaces them, so they are written too. */
  readonly baseTmpfs: readonly string[];
}

export function renderProfile(grants: Grants, facts: ProfileFacts): string {
  const q = (text: string): string => JSON.stringify(text);
  const note = (text: string): string => `# ${text.replace(/[\r\n]+/g, ' ').slice(0, 300)}`;
  const root = grants.user !== undefined && /^0(:|$)/.test(grants.user.value);
  const lines = [
    `# Learned by \`sdocker learn ${facts.image}\` on ${facts.date}: ${facts.trials} trials, ${facts.seconds} s.`,
    `# Proof: ${facts.proof}.`,
    '# Each grant below was kept because the proof failed without it. Edit freely; learn again to re-prove.',
    `images: [${q(facts.repository)}]`,
  ];
  if (grants.user !== undefined) lines.push('', note(grants.user.why), `user: ${q(grants.user.value)}`);
  if (grants.caps.length > 0) {
    lines.push('', 'capabilities:', root ? '  asRoot:' : '  add:');
    for (const cap of grants.caps) lines.push(`    ${note(cap.why)}`, `    - ${cap.value}`);
  }
  if (grants.tmpfs.length > 0) {
    // tmpfs.paths replaces the policy's list: keep its defaults first.
    lines.push('', 'tmpfs:', '  paths:', ...facts.baseTmpfs.map((path) => `    - ${q(path)}`));
    for (const path of grants.tmpfs.filter((g) => !facts.baseTmpfs.includes(g.value))) lines.push(`    ${note(path.why)}`, `    - ${q(path.value)}`);
  }
  return `${lines.join('\n')}\n`;
}
