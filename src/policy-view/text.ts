// `sdocker rules`: every rule with the value the effective policy gives it, whether a refusal
// is lifted (and by which layer), and the lists the refusals judge by, whole.
import type { LoadedPolicy } from '../policy/load.js';
import type { Policy } from '../policy/schema.js';
import { rows } from './rows.js';
import { allowOrigins } from './trace.js';

export function rulesText(loaded: LoadedPolicy): string {
  const { policy } = loaded;
  const lifted = allowOrigins(loaded.layers);
  const all = rows(policy);
  const width = Math.max(...all.map(([id]) => id.length));
  const lines = all.map(([id, kind, row, value]) => {
    const shown = id === 'sensitive-mount' ? 'the two path lists below' : value;
    const allowed = lifted.filter(({ entry }) => entry === id || entry.startsWith(`${id}:`));
    const state = allowed.length === 0 ? '' : ` (lifted: ${allowed.map(({ entry, layer }) => `${entry} by ${layer.kind}`).join(', ')})`;
    return `${id.padEnd(width)}  ${kind.padEnd(7)}  CIS ${row.cis.padEnd(4)}  ${row.title}${shown ? ` [${shown}]` : ''}${state}: ${row.why}`;
  });
  return `${[...lines, '', ...listLines(policy)].join('\n')}\n`;
}

/** The lists behind dangerous-cap and sensitive-mount, every entry. */
function listLines(p: Policy): string[] {
  return [
    'dangerous capabilities (dangerous-cap refuses --cap-add of these; capabilities.dangerous):',
    ...wrap(p.capabilities.dangerous),
    'system folders (sensitive-mount: read-only below them, never the folder itself; sensitivePaths):',
    ...wrap(p.sensitivePaths.map((path) => (path === '/' ? '/ (itself only)' : path))),
    'secret paths (sensitive-mount: never, in any mode, nor anything below; secretPaths):',
    ...wrap(p.secretPaths),
  ];
}

/** Words on indented lines of at most 100 columns; none dropped. */
function wrap(words: readonly string[], width = 100): string[] {
  if (words.length === 0) return ['  (none)'];
  const lines: string[] = [];
  let line = ' ';
  for (const word of words) {
    if (line.length + 1 + word.length > width && line.trim() !== '') {
      lines.push(line);
      line = ' ';
    }
    line += ` ${word}`;
  }
  return [...lines, line];
}
