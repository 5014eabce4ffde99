// Rendering the nodes an edit made, for splice.ts. Harden adds the same keys to most services
// of a file (cap_drop, security_opt, tmpfs of one image...): a block already rendered at a
// column is taken from a cache keyed by everything yaml's stringifier reads of the nodes.
import { Document, YAMLSeq, isAlias, isMap, isPair, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';

/** The file's own style, as splices write it. */
export interface Style {
  /** Spaces per nesting level. */
  readonly indent: number;
  /** `key:\n  - x` (true) or `key:\n- x` (false), as the file writes its sequences. */
  readonly indentSeq: boolean;
  readonly eol: string;
}

/** Thrown for a form the splicer does not write; the caller re-stringifies instead. */
export class CannotSplice extends Error {}

const RENDER = { lineWidth: 0, flowCollectionPadding: false, verifyAliasOrder: false } as const;

/** One document renders every splice: a new Document per added key was ~20% of writing a 1,000-service file. */
let renderer: Document | undefined;

function stringify(node: Node, options: { indent?: number; indentSeq?: boolean } = {}): string {
  renderer ??= new Document(null, { schema: 'failsafe' });
  renderer.contents = node as typeof renderer.contents;
  const text = renderer.toString({ ...RENDER, ...options }).replace(/\n$/, '');
  renderer.contents = null;
  return text;
}

/** Rendered blocks by renderKey, column and style; emptied when it grows past a file's worth of distinct blocks. */
const blocks = new Map<string, string>();
const BLOCKS_MAX = 4096;

/** A block collection's lines at `column`, each ending with the file's line ending. */
export function renderBlock(node: YAMLMap | YAMLSeq, column: number, style: Style): string {
  const key = `${column} ${style.indent} ${style.eol} ${renderKey(node)}`;
  const known = blocks.get(key);
  if (known !== undefined) return known;
  // yaml's own indentSeq: false puts a list under a key at indent - 2: the caller places such lists itself.
  const lines = stringify(node, { indent: style.indent }).split('\n');
  const text = lines.map((line) => (line === '' ? line : ' '.repeat(column) + line) + style.eol).join('');
  if (blocks.size >= BLOCKS_MAX) blocks.clear();
  blocks.set(key, text);
  return text;
}

/** What yaml's stringifier reads of a node (values, styles, tags, anchors, comments), as one string. */
export function renderKey(node: unknown): string {
  return JSON.stringify(keyOf(node));
}

function keyOf(node: unknown): unknown {
  if (isPair(node)) return ['p', keyOf(node.key), keyOf(node.value)];
  if (!isScalar(node) && !isMap(node) && !isSeq(node) && !isAlias(node)) return node ?? null;
  const own = [node.tag ?? null, node.anchor ?? null, node.comment ?? null, node.commentBefore ?? null, node.spaceBefore ?? null];
  if (isAlias(node)) return ['a', node.source, ...own];
  if (isScalar(node)) return ['s', node.type ?? null, node.value, ...own];
  return [isMap(node) ? 'm' : 'q', node.flow ?? null, ...own, (node.items as unknown[]).map(keyOf)];
}

/** The items of a flow collection, without its brackets. */
export function renderFlowItems(node: YAMLMap | YAMLSeq): string {
  node.flow = true;
  const text = stringify(node);
  if (text.includes('\n')) throw new CannotSplice('a flow collection written on several lines');
  return text.slice(1, -1);
}

/** One value on a line: in flow context (or as a flow collection) wrapped in a flow sequence so flow quoting rules apply. */
export function renderInline(node: Node, flow: boolean): string {
  // An original scalar carries the comments around it, which stay in the text where they are.
  const bare = node.clone() as Node;
  delete bare.comment;
  delete bare.commentBefore;
  delete bare.spaceBefore;
  if (!flow) return stringify(bare);
  return renderFlowItems(Object.assign(new YAMLSeq(), { items: [bare] }));
}
