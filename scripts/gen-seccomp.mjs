// Regenerate seccomp/sdocker-default.json and the comparison table in seccomp/README.md from
// seccomp/source.yml (run after `npm run build`: it uses the built generator).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { loadSeccompSource, renderComparison, renderProfile, replaceTable } from '../dist/src/seccomp/files.js';

const root = new URL('../', import.meta.url);
const { base, source, profile } = await loadSeccompSource(new URL('seccomp/', root).pathname);
write(new URL('seccomp/sdocker-default.json', root), renderProfile(profile));
const readme = new URL('seccomp/README.md', root);
write(readme, replaceTable(readFileSync(readme, 'utf8'), renderComparison(base, profile, source)));

function write(url, text) {
  const temp = `${url.pathname}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, url);
}
