// Edits applied to a plain copy of a document's data: what the hardened object will hold, read
// before the text is written (levels.ts judges it).
import type { Path } from '../yaml/index.js';
import type { K8sEdit } from './types.js';

export function withEdits(data: unknown, edits: readonly K8sEdit[]): unknown {
  const copy = structuredClone(data) as Record<string | number, unknown>;
  for (const edit of edits) {
    const { parent, key } = parentOf(copy, edit.path);
    if (edit.kind === 'set') parent[key] = structuredClone(edit.value);
    else {
      const list = parent[key];
      parent[key] = Array.isArray(list) ? [...list, structuredClone(edit.value)] : list === undefined || list === null ? [structuredClone(edit.value)] : [list, structuredClone(edit.value)];
    }
  }
  return copy;
}

function parentOf(root: Record<string | number, unknown>, path: Path): { parent: Record<string | number, unknown>; key: string | number } {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  return { parent: node, key: path.at(-1) as string | number };
}
