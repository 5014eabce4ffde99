// Writing an edited compose file back as the original text plus splices: only what an edit
// made (a key added at the end of a mapping, an item appended to a sequence, a scalar
// replaced, a value that became a collection) is rendered; every other byte stays as the user
// wrote it (issue 9: re-stringifying the whole document respaced comments and `-  x` items).
// Edits are found by comparing the edited yaml Document with a snapshot of its nodes taken
// right after parsing: node identity tells what is original.
import { Document, type Pair, type Scalar, YAMLMap, YAMLSeq, isAlias, isMap, isPair, isScalar, isSeq, visit, type Node } from 'yaml';
import { CannotSplice, renderBlock, renderFlowItems, renderInline, type Style } from './render.js';

export { CannotSplice, type Style } from './render.js';

/** The nodes of a document as parsed: what each collection held, each pair's value, each scalar's value. */
export class Snapshot {
  readonly items = new WeakMap<YAMLMap | YAMLSeq, unknown[]>();
  readonly values = new WeakMap<Pair, unknown>();
  readonly scalars = new WeakMap<Scalar, unknown>();

  constructor(doc: Document) {
    visit(doc, {
      Map: (_k, map) => void this.items.set(map, [...map.items]),
      Seq: (_k, seq) => void this.items.set(seq, [...seq.items]),
      Pair: (_k, pair) => void this.values.set(pair, pair.value),
      Scalar: (_k, scalar) => void this.scalars.set(scalar, scalar.value),
    });
  }
}

interface Splice {
  readonly at: number;
  readonly end: number;
  readonly text: string;
  /** What the skeleton has here instead (a block of new lines: one placeholder line). */
  readonly skeleton?: string;
}

/**
 * The spliced text, and what lets check.ts verify it without reading it all again: the
 * skeleton (the same text with each block of new lines as one placeholder line), the blocks
 * themselves, and where each placeholder stands in the edited document.
 */
export interface Spliced {
  readonly text: string;
  readonly skeleton: string;
  readonly blocks: readonly Block[];
  /** A collection whose items from `from` on are one block (added at its end). */
  readonly added: Map<YAMLMap | YAMLSeq, { readonly from: number; readonly id: number }>;
  /** A pair whose new value is one block, written below its key. */
  readonly values: Map<Pair, number>;
}

/** New lines written as one block: `node` holds what they must read back as. */
export interface Block {
  readonly text: string;
  readonly node: YAMLMap | YAMLSeq;
  /** The column of its placeholder: its first line's. */
  readonly column: number;
}

/** The key (map) or item (sequence) of placeholder `id` in a skeleton. */
export const placeholder = (id: number): string => `__sdocker_splice_${id}`;

/** The original text with every edit of `doc` spliced in; throws CannotSplice for a form it does not handle. */
export function spliceDocument(text: string, doc: Document, snapshot: Snapshot, style: Style): Spliced {
  const splicer = new Splicer(text, snapshot, style);
  if (!isNode(doc.contents) || doc.contents.range === undefined) throw new CannotSplice('the document root is new');
  splicer.walk(doc.contents, false);
  return splicer.apply();
}

class Splicer {
  private readonly splices: Splice[] = [];
  private readonly blocks: Block[] = [];
  private readonly added = new Map<YAMLMap | YAMLSeq, { from: number; id: number }>();
  private readonly values = new Map<Pair, number>();

  constructor(
    private readonly text: string,
    private readonly snapshot: Snapshot,
    private readonly style: Style,
  ) {}

  apply(): Spliced {
    // Stable: insertions at one offset stay in the order they were made (inner ones first).
    const sorted = this.splices.map((s, i) => ({ s, i })).sort((a, b) => a.s.at - b.s.at || a.i - b.i);
    let out = '';
    let skeleton = '';
    let from = 0;
    for (const { s } of sorted) {
      if (s.at < from) throw new CannotSplice('overlapping edits');
      const kept = this.text.slice(from, s.at);
      out += kept + s.text;
      skeleton += kept + (s.skeleton ?? s.text);
      from = s.end;
    }
    const rest = this.text.slice(from);
    return { text: out + rest, skeleton: skeleton + rest, blocks: this.blocks, added: this.added, values: this.values };
  }

  /** A block of new lines for `node` at `column`, and its placeholder line: the id of both. */
  private block(node: YAMLMap | YAMLSeq, text: string, column: number): { id: number; line: string } {
    const id = this.blocks.length;
    this.blocks.push({ text, node, column });
    const line = `${' '.repeat(column)}${isMap(node) ? `${placeholder(id)}: x` : `- ${placeholder(id)}`}${this.style.eol}`;
    return { id, line };
  }

  /** Find the edits in an original node (inFlow: inside a flow collection). */
  walk(node: unknown, inFlow: boolean): void {
    if (isScalar(node)) {
      if (this.snapshot.scalars.has(node) && this.snapshot.scalars.get(node) !== node.value) this.replace(node, node, inFlow);
    } else if (isMap(node) || isSeq(node)) {
      const before = this.snapshot.items.get(node);
      if (before === undefined) throw new CannotSplice('a collection without a snapshot');
      const flow = inFlow || node.flow === true;
      before.forEach((item, i) => {
        if (node.items[i] !== item) this.replaceItem(node as YAMLSeq, i, flow);
        else if (isPair(item)) this.walkPair(item, flow);
        else this.walk(item, flow);
      });
      const added = node.items.slice(before.length);
      if (added.length > 0) this.add(node, before, added, flow);
    }
  }

  private walkPair(pair: Pair, flow: boolean): void {
    const before = this.snapshot.values.get(pair);
    if (pair.value === before) this.walk(pair.value, flow);
    else this.replacePairValue(pair, before, flow);
  }

  /** New pairs or items at the end of an original collection. */
  private add(node: YAMLMap | YAMLSeq, before: unknown[], added: unknown[], flow: boolean): void {
    const fresh = isMap(node) ? Object.assign(new YAMLMap(), { items: added }) : Object.assign(new YAMLSeq(), { items: added });
    if (flow) {
      if (node.flow !== true) throw new CannotSplice('an implicit mapping inside a flow collection');
      const last = before.at(-1);
      const at = last === undefined ? rangeOf(node)[0] + 1 : itemEnd(last, this.snapshot);
      this.insert(at, `${last === undefined ? '' : ', '}${renderFlowItems(fresh)}`);
      return;
    }
    const first = before[0];
    if (first === undefined) throw new CannotSplice('an empty block collection');
    const column = columnOf(this.text, isPair(first) ? rangeOf(first.key)[0] : rangeOf(node)[0]);
    const lines = isMap(node) ? added.map((pair) => this.renderPair(pair as Pair, column)).join('') : renderBlock(fresh, column, this.style);
    const { id, line } = this.block(fresh, lines, column);
    this.added.set(node, { from: before.length, id });
    this.insertLines(contentEnd(node, this.snapshot), lines, line);
  }

  /** A new pair's lines; a list under it not indented when the file writes `key:\n- x`. */
  private renderPair(pair: Pair, column: number): string {
    const lines = renderBlock(Object.assign(new YAMLMap(), { items: [pair] }), column, this.style);
    if (this.style.indentSeq || !isBlock(pair.value) || !isSeq(pair.value)) return lines;
    return lines.slice(0, lines.indexOf(this.style.eol) + this.style.eol.length) + renderBlock(pair.value, column, this.style);
  }

  /** An item of an original sequence replaced by another node. */
  private replaceItem(seq: YAMLSeq, i: number, flow: boolean): void {
    const before = this.snapshot.items.get(seq)?.[i];
    const after = seq.items[i];
    if (!isNode(before) || !isNode(after) || isPair(before)) throw new CannotSplice('a replaced mapping entry');
    this.replace(before, after, flow);
  }

  /** The original node's text replaced by `after` on the same line(s); a collection is written in flow style there. */
  private replace(before: Node, after: Node, flow: boolean): void {
    const [start] = rangeOf(before);
    const end = isBlock(before) ? contentEnd(before, this.snapshot) : rangeOf(before)[1];
    const rendered = renderInline(after, flow || isMapOrSeq(after));
    if (rendered.includes('\n')) throw new CannotSplice('a value written on several lines');
    this.splices.push({ at: start, end, text: rendered });
  }

  /** A pair of an original mapping whose value is a new node (an alias made a copy, an empty value filled, a scalar made a list). */
  private replacePairValue(pair: Pair, before: unknown, flow: boolean): void {
    const after = pair.value;
    if (!isNode(after) || !isNode(before)) throw new CannotSplice('a pair without a value node');
    const empty = isScalar(before) && rangeOf(before)[0] === rangeOf(before)[1];
    if (flow || (!isBlock(after) && !empty)) return this.replace(before, after, flow);
    if (!isMapOrSeq(after)) return this.fillEmpty(before, after);
    const column = columnOf(this.text, rangeOf(pair.key)[0]) + (isSeq(after) && !this.style.indentSeq ? 0 : this.style.indent);
    if (isBlock(before)) {
      // The old block's lines give way to the new block's.
      const from = this.text.lastIndexOf('\n', rangeOf(before)[0] - 1) + 1;
      this.splices.push({ at: from, end: lineAfter(this.text, contentEnd(before, this.snapshot)), text: '' });
      return this.insertValue(pair, after, contentEnd(before, this.snapshot), column);
    }
    // Written as a block below the key: the inline value (an alias, a scalar) goes, a comment after it stays.
    const [start, end] = rangeOf(before);
    // A tag or anchor of the old value (`tmpfs: !reset`) is not the new value's: it goes too.
    const keyEnd = rangeOf(pair.key)[1];
    const props = /(?:[ \t]+[!&]\S*)+/.exec(this.text.slice(keyEnd, start));
    if (props !== null) this.splices.push({ at: keyEnd + props.index, end: keyEnd + props.index + props[0].length, text: '' });
    if (!empty) this.splices.push({ at: trimBack(this.text, start), end, text: '' });
    this.insertValue(pair, after, end, column);
  }

  /** The pair's new block value, on the lines after offset `pos`. */
  private insertValue(pair: Pair, after: YAMLMap | YAMLSeq, pos: number, column: number): void {
    const lines = renderBlock(after, column, this.style);
    const { id, line } = this.block(after, lines, column);
    this.values.set(pair, id);
    this.insertLines(pos, lines, line);
  }

  /** `key:` with nothing after it given a scalar: ` value` after the colon, before a comment. */
  private fillEmpty(before: Node, after: Node): void {
    const at = rangeOf(before)[0];
    const rendered = renderInline(after, false);
    if (rendered.includes('\n')) throw new CannotSplice('a value written on several lines');
    const comment = this.text[at] === '#';
    this.insert(at, `${/[ \t]/.test(this.text[at - 1] ?? '') ? '' : ' '}${rendered}${comment ? ' ' : ''}`);
  }

  private insert(at: number, text: string, skeleton?: string): void {
    this.splices.push({ at, end: at, text, ...(skeleton === undefined ? {} : { skeleton }) });
  }

  /** Whole lines inserted after the line holding offset `pos` (`skeleton`: the skeleton's lines there). */
  private insertLines(pos: number, lines: string, skeleton?: string): void {
    const at = lineAfter(this.text, pos);
    if (at <= this.text.length && this.text[at - 1] === '\n') return this.insert(at, lines, skeleton);
    // The file ends without a newline: it still does.
    const unended = (block: string): string => this.style.eol + block.slice(0, -this.style.eol.length);
    this.insert(this.text.length, unended(lines), skeleton === undefined ? undefined : unended(skeleton));
  }
}

function isNode(value: unknown): value is Node {
  return isScalar(value) || isMap(value) || isSeq(value) || isAlias(value);
}

function isMapOrSeq(value: unknown): value is YAMLMap | YAMLSeq {
  return isMap(value) || isSeq(value);
}

function isBlock(node: unknown): boolean {
  return isMapOrSeq(node) && node.flow !== true;
}

function rangeOf(node: unknown): [number, number] {
  const range = isNode(node) ? node.range : undefined;
  if (range === undefined || range === null) throw new CannotSplice('a node without a source range');
  return [range[0], range[1]];
}

/** Where the last character of an original node's own text is (a block collection's range runs on over what follows). */
function contentEnd(node: unknown, snapshot: Snapshot): number {
  if (isBlock(node)) {
    const last = snapshot.items.get(node as YAMLMap | YAMLSeq)?.at(-1);
    if (last === undefined) throw new CannotSplice('an empty block collection');
    return itemEnd(last, snapshot);
  }
  return rangeOf(node)[1];
}

function itemEnd(item: unknown, snapshot: Snapshot): number {
  if (!isPair(item)) return contentEnd(item, snapshot);
  const value = snapshot.values.get(item);
  return Math.max(rangeOf(item.key)[1], isNode(value) ? contentEnd(value, snapshot) : 0);
}

/** The start of the line after the one holding the character before `pos` (the text's end when there is none). */
function lineAfter(text: string, pos: number): number {
  const newline = text.indexOf('\n', Math.max(pos - 1, 0));
  return newline < 0 ? text.length : newline + 1;
}

function columnOf(text: string, pos: number): number {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  return pos - lineStart;
}

function trimBack(text: string, pos: number): number {
  let at = pos;
  while (at > 0 && (text[at - 1] === ' ' || text[at - 1] === '\t')) at -= 1;
  return at;
}
