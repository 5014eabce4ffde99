// Node helpers of the yaml layer: what a mapping inherits through merge keys, own copies of
// aliased nodes, and the file's own style.
import { Document, Scalar, YAMLMap, isAlias, isMap, isScalar, isSeq, visit, type Alias, type Node } from 'yaml';

/** What an alias names in the document (anchors.ts: resolved through an index, not a walk per alias). */
export type Resolve = (alias: Alias) => Node | undefined;

/** The node a mapping inherits at `key` through its merge keys (`<<: *a` or `<<: [*a, *b]`, the first source winning). */
export function mergedNode(resolve: Resolve, map: YAMLMap, key: string): Node | undefined {
  for (const pair of map.items) {
    if (!isScalar(pair.key) || pair.key.value !== '<<') continue;
    const value = pair.value as Node | null;
    for (const item of isSeq(value) ? value.items : [value]) {
      const source = isAlias(item) ? resolve(item) : item;
      if (!isMap(source)) continue;
      const found = (source.get(key, true) as Node | undefined) ?? mergedNode(resolve, source, key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The text of the scalar at `path` as the file writes it (failsafe reads it unresolved: `1.0` stays `1.0`), through aliases and merge keys. */
export function writtenText(doc: Document, resolve: Resolve, path: readonly (string | number)[]): string | undefined {
  let node = doc.contents as Node | null | undefined;
  for (const key of path) {
    if (isAlias(node)) node = resolve(node);
    if (isMap(node)) node = (node.get(key, true) as Node | undefined) ?? (typeof key === 'string' ? mergedNode(resolve, node, key) : undefined);
    else if (isSeq(node) && typeof key === 'number') node = node.items[key] as Node | undefined;
    else return undefined;
  }
  if (isAlias(node)) node = resolve(node);
  return isScalar(node) ? String(node.value) : undefined;
}

/** A copy of a node (an alias: of what it names) without anchors, which stay once in the file. */
export function ownCopy(resolve: Resolve, node: Node): Node | undefined {
  const target = isAlias(node) ? resolve(node) : node;
  if (target === undefined) return undefined;
  const copy = target.clone() as Node;
  visit(copy, (_key, inner) => {
    if (inner !== null && typeof inner === 'object' && 'anchor' in inner) delete (inner as { anchor?: string }).anchor;
  });
  return copy;
}

/** An empty value (`tmpfs:`, `tmpfs: ~`, `tmpfs: null`): failsafe reads its text, compose reads null. */
export function isEmpty(node: unknown): boolean {
  return isScalar(node) && (node.value === '' || (node.type === Scalar.PLAIN && /^(~|null|Null|NULL)$/.test(String(node.value))));
}

/** Whether the file indents a block sequence under its key (`key:\n  - x`); yes when it has none. */
export function detectIndentSeq(doc: Document, text: string): boolean {
  let indented: boolean | undefined;
  visit(doc, {
    Pair(_key, pair) {
      const value = pair.value;
      if (!isSeq(value) || value.flow === true || !isScalar(pair.key) || value.range == null || pair.key.range == null) return undefined;
      indented = column(text, value.range[0]) > column(text, pair.key.range[0]);
      return visit.BREAK;
    },
  });
  return indented ?? true;
}

function column(text: string, pos: number): number {
  return pos - (text.lastIndexOf('\n', pos - 1) + 1);
}

/** Plain data as YAML, styled as ComposeDocument writes new values. */
export function renderYaml(value: unknown): string {
  const doc = new Document(null, { schema: 'failsafe' });
  doc.contents = styledNode(doc, value) as typeof doc.contents;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

export function styledNode(doc: Document, value: unknown): Node {
  const node = doc.createNode(value) as Node;
  visit(node, {
    Scalar(_key, scalar) {
      if (typeof scalar.value === 'number' || typeof scalar.value === 'boolean') {
        scalar.value = String(scalar.value);
        scalar.type = Scalar.PLAIN;
      } else if (typeof scalar.value === 'string' && needsQuotes(scalar.value)) {
        scalar.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return node;
}

function needsQuotes(text: string): boolean {
  return text.includes(':') || /^([-+]?[\d._]+([eE][-+]?\d+)?|0[xob][\da-f_]+|y|n|yes|no|on|off|true|false|null|~|)$/i.test(text);
}

/** The indentation the file itself uses (first indented key line), 2 when it has none. */
export function detectIndent(text: string): number {
  const match = /^( +)\S/m.exec(text);
  return match?.[1]?.length ?? 2;
}
