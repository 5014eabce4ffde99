// The learned image profile: the same keys as profiles/images/*.yml, each grant commented with
// the evidence that it was needed. Written as plain YAML text (strings JSON-quoted, which YAML
// reads as they are) so that no comment is lost. It names the image by its tag (or digest): a
// profile applies to what was proven, not to every tag of the repository.
import { tmpfsEntry, type Grants } from './grants.js';

export interface ProfileFacts {
  readonly image: string;
  /** The `images:` entry: repository and tag (or digest). */
  readonly entry: string;
  readonly imageId: string;
  readonly trials: number;
  readonly seconds: number;
  readonly proven: readonly string[];
  readonly notProven: readonly string[];
  readonly date: string;
  /** The policy's own tmpfs paths: an image profile's list replaces them, so they are written too. */
  readonly baseTmpfs: readonly string[];
}

export function renderProfile(grants: Grants, facts: ProfileFacts): string {
  const q = (text: string): string => JSON.stringify(text);
  const note = (text: string): string => `# ${text.replace(/[\r\n]+/g, ' ').slice(0, 300)}`;
  const root = grants.user !== undefined && /^0(:|$)/.test(grants.user.value);
  const lines = [
    `# Learned by \`sdocker learn ${facts.image}\` on ${facts.date}: ${facts.trials} trials, ${facts.seconds} s,`,
    `# judged against the image run under plain docker. Proven on image ${facts.imageId || 'unknown'}:`,
    ...facts.proven.map((line) => `#   - ${line}`),
    '# Not proven:',
    ...facts.notProven.map((line) => `#   - ${line}`),
    '# Each grant below was kept because a trial failed without it. It applies to this tag only: add',
    '# other tags (or the bare repository) to images: once you have checked them, or learn them.',
    `images: [${q(facts.entry)}]`,
  ];
  if (grants.user !== undefined) lines.push('', note(grants.user.why), `user: ${q(grants.user.value)}`);
  if (grants.caps.length > 0) {
    lines.push('', 'capabilities:', root ? '  asRoot:' : '  add:');
    for (const cap of grants.caps) lines.push(`    ${note(cap.why)}`, `    - ${cap.value}`);
  }
  if (grants.tmpfs.length > 0) {
    // tmpfs.paths replaces the policy's list: keep its defaults first.
    const granted = new Set(grants.tmpfs.map((g) => g.value));
    lines.push('', 'tmpfs:', '  paths:', ...facts.baseTmpfs.filter((p) => !granted.has(p)).map((path) => `    - ${q(path)}`));
    for (const grant of grants.tmpfs) {
      lines.push(`    ${note(grant.why)}`);
      if (grant.exec !== undefined) lines.push(`    ${note(`exec: ${grant.exec.why}`)}`);
      if (grant.owner !== undefined && root) lines.push(`    ${note(`${grant.owner.value}: ${grant.owner.why}`)}`);
      lines.push(`    - ${q(tmpfsEntry(grant, root))}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
