// Does a spliced text read back as the edited document? Reading the whole output again was
// the largest cost of `harden` on a big file (~1/3 of it at 1,000 services), though most of
// it is the same few blocks of new lines (one service's hardening is another's). So the
// check reads two smaller things with the same parser: the skeleton (the file with each new
// block as one placeholder line where the block goes) against the edited document, and each
// distinct block once, alone, against the nodes it was rendered from. A block that stands
// alone at the placeholder's column (first line there, no line left of it) reads in place as
// it reads alone; one that could read differently in place (a block scalar, which may take in
// the blank lines after it; an anchor, which aliases after it would name) is not trusted to,
// and the whole text is read again instead, as it is when the skeleton does not match.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import { holdsAnchor } from './anchors.js';
import { readBack } from './parse.js';
import { placeholder, type Block, type Spliced } from './splice.js';

type Places = Pick<Spliced, 'added' | 'values'>;
const NONE: Places = { added: new Map(), values: new Map() };

/** Blocks read alone, by column and text (undefined: not a clean block at that column). */
const blocks = new Map<string, Node | undefined>();
const BLOCKS_MAX = 4096;

export function readsBackAs(spliced: Spliced, doc: Document): boolean {
  return skeletonReads(spliced, doc) || wholeReads(spliced.text, doc);
}

/** The check through the skeleton and the blocks alone; false also when it cannot tell (a block it does not trust). */
export function skeletonReads(spliced: Spliced, doc: Document): boolean {
  if (!spliced.blocks.every((block) => blockReads(block)) || !uniqueAddedKeys(spliced)) return false;
  const skeleton = readBack(spliced.skeleton);
  return skeleton !== undefined && same(skeleton.contents, doc.contents, spliced);
}

/** The check by reading the whole text again. */
export function wholeReads(text: string, doc: Document): boolean {
  const whole = readBack(text);
  return whole !== undefined && same(whole.contents, doc.contents, NONE);
}

function blockReads(block: Block): boolean {
  if (holdsAnchor(block.node)) return false;
  const key = `${block.column}\n${block.text}`;
  if (!blocks.has(key)) {
    if (blocks.size >= BLOCKS_MAX) blocks.clear();
    blocks.set(key, standsAlone(block.text, block.column) ? (readBack(block.text)?.contents as Node | null | undefined) ?? undefined : undefined);
  }
  const read = blocks.get(key);
  return read !== undefined && same(read, block.node, NONE);
}

/** Every line at `column` or right of it, the first one at it (where the placeholder is); no block scalar header (`|`, `>-`, ...). */
function standsAlone(text: string, column: number): boolean {
  const indent = ' '.repeat(column);
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (!/^\S/.test(text.slice(column))) return false;
  return lines.every((line) => line.trim() === '' || line.startsWith(indent)) && !/(^|[\s:-])[|>][-+0-9]*[ \t]*(#.*)?$/m.test(text);
}

/** A block added to a mapping repeats none of its keys (the skeleton has one placeholder key there). */
function uniqueAddedKeys(spliced: Spliced): boolean {
  for (const collection of spliced.added.keys()) {
    if (!isMap(collection)) continue;
    const keys = new Set<unknown>();
    for (const pair of collection.items) {
      if (!isScalar(pair.key)) continue;
      if (keys.has(pair.key.value)) return false;
      keys.add(pair.key.value);
    }
  }
  return true;
}

/** `read` is `edited`: scalar values as failsafe reads them, tags, aliases by name; placeholders where `places` says. */
function same(read: unknown, edited: unknown, places: Places): boolean {
  if (edited === null || edited === undefined) return read === null || read === undefined;
  if (isAlias(edited)) return isAlias(read) && read.source === edited.source;
  if (isScalar(edited)) return isScalar(read) && (read.tag ?? null) === (edited.tag ?? null) && read.value === edited.value;
  if (!isMap(edited) && !isSeq(edited)) return false;
  if (!(isMap(read) || isSeq(read)) || isMap(edited) !== isMap(read) || (read.tag ?? null) !== (edited.tag ?? null)) return false;
  const added = places.added.get(edited);
  const own = added === undefined ? edited.items.length : added.from;
  if (read.items.length !== own + (added === undefined ? 0 : 1)) return false;
  for (let i = 0; i < own; i += 1) {
    const item = edited.items[i];
    if (!(isPair(item) ? samePair(read.items[i], item, places) : same(read.items[i], item, places))) return false;
  }
  return added === undefined || isPlaceholder(read.items[own], added.id);
}

function samePair(read: unknown, edited: Pair, places: Places): boolean {
  if (!isPair(read)) return false;
  // A key an edit set is a plain string (YAMLMap.set), not a Scalar.
  const want = isScalar(edited.key) ? edited.key.value : edited.key;
  const key = isMap(want) || isSeq(want) || isAlias(want) ? same(read.key, want, places) : isScalar(read.key) && read.key.value === want;
  if (!key) return false;
  const id = places.values.get(edited);
  if (id === undefined) return same(read.value, edited.value, places);
  // The value is a block: the skeleton holds a collection of the same kind with the placeholder alone.
  const value = read.value;
  return (isMap(edited.value) ? isMap(value) : isSeq(value)) && (value as { items: unknown[] }).items.length === 1 && isPlaceholder((value as { items: unknown[] }).items[0], id);
}

function isPlaceholder(item: unknown, id: number): boolean {
  const name = placeholder(id);
  if (isPair(item)) return isScalar(item.key) && item.key.value === name && isScalar(item.value) && item.value.value === 'x' && item.value.tag === undefined;
  return isScalar(item) && item.value === name && item.tag === undefined;
}
