// Rewriting the value scalars of a machine-written YAML model (`docker stack config`'s output)
// and writing it back. The failsafe schema keeps every scalar the text it was: only the
// scalars `rewrite` changes are written differently; keys are never touched.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { checkedDocument, type Path } from './parse.js';

export type ScalarRewrite = (path: Path, value: string) => string;

export function rewriteScalars(text: string, file: string, rewrite: ScalarRewrite): string {
  const doc = checkedDocument(text, file, { schema: 'failsafe' });
  walk(doc.contents as Node | null, [], rewrite);
  return doc.toString({ lineWidth: 0 });
}

function walk(node: Node | null, path: Path, rewrite: ScalarRewrite): void {
  if (isMap(node)) {
    for (const pair of node.items) walk(pair.value as Node | null, [...path, isScalar(pair.key) ? String(pair.key.value) : ''], rewrite);
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => walk(item as Node | null, [...path, index], rewrite));
  } else if (isScalar(node) && typeof node.value === 'string') {
    const value = rewrite(path, node.value);
    if (value !== node.value) node.value = value;
  }
}
