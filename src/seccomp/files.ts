// Reading seccomp/source.yml and its base, and writing what the generator makes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSeccomp, renderComparison, type SeccompProfile, type SeccompSource } from './generate.js';

export { renderComparison };

export async function loadSeccompSource(dir: string): Promise<{ base: SeccompProfile; source: SeccompSource; profile: SeccompProfile }> {
  const { parseYamlData } = await import('../yaml/index.js');
  const file = join(dir, 'source.yml');
  const source = parseYamlData(readFileSync(file, 'utf8'), file) as SeccompSource;
  const base = JSON.parse(readFileSync(join(dir, source.base), 'utf8')) as SeccompProfile;
  return { base, source, profile: generateSeccomp(base, source) };
}

export function renderProfile(profile: SeccompProfile): string {
  return `${JSON.stringify(profile, null, 2)}\n`;
}

const START = '<!-- comparison:start -->\n';
const END = '<!-- comparison:end -->';

/** The README with the text between its comparison markers replaced. */
export function replaceTable(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error('seccomp/README.md lacks the comparison markers');
  return readme.slice(0, start + START.length) + table + readme.slice(end);
}

export function tableOf(readme: string): string {
  return readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END));
}
