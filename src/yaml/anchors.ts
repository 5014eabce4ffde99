// Aliases of a parsed document resolved through one walk, and the size check that stands in
// for the yaml package's maxAliasCount.
// yaml's Alias.resolve(doc) walks the whole document for each alias: harden resolving each
// service's `<<: *common` so was quadratic in the services (~60% of a 300-service profile).
// yaml's maxAliasCount (100 by default) refuses a file where more than 100 services merge one
// anchor, which compose (PyYAML) reads; what it guards against, an alias bomb (a few KB
// expanding to gigabytes, "billion laughs"), is refused here by counting the values the
// aliases expand to instead.
import { isAlias, isMap, isPair, isScalar, isSeq, visit, type Alias, type Document, type Node } from 'yaml';
import { SdockerError, EXIT_USAGE } from '../common/errors.js';

/** Each alias of `doc` and the node it names: the last node anchored with its name before it (YAML 1.2 §7.1, yaml's Alias.resolve). */
export function indexAliases(doc: Document): Map<Alias, Node | undefined> {
  const last = new Map<string, Node>();
  const targets = new Map<Alias, Node | undefined>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) targets.set(node, last.get(node.source));
      else if (node.anchor !== undefined && node.anchor !== '') last.set(node.anchor, node);
    },
  });
  return targets;
}

/**
 * The aliases of a document being edited, indexed once. An edit that removes an anchored node
 * or adds one calls `invalidate`; an alias an edit adds (in a copied node) is not indexed
 * yet, and the first look-up of one re-indexes the document.
 */
export class Anchors {
  private targets: Map<Alias, Node | undefined> | undefined;

  constructor(private readonly doc: Document) {}

  resolve(alias: Alias): Node | undefined {
    this.targets ??= indexAliases(this.doc);
    if (!this.targets.has(alias)) this.targets = indexAliases(this.doc);
    // Still unknown: an alias outside the document, which yaml resolves against its end.
    return this.targets.has(alias) ? this.targets.get(alias) : (alias.resolve(this.doc) as Node | undefined);
  }

  invalidate(): void {
    this.targets = undefined;
  }
}

/** Whether the subtree at `node` holds an anchor (or, with `aliases`, an alias). */
export function holdsAnchor(node: unknown, aliases = false): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (isAlias(node)) return aliases;
  if ((isScalar(node) || isMap(node) || isSeq(node)) && node.anchor !== undefined && node.anchor !== '') return true;
  if (isPair(node)) return holdsAnchor(node.key, aliases) || holdsAnchor(node.value, aliases);
  return (isMap(node) || isSeq(node)) && node.items.some((item) => holdsAnchor(item, aliases));
}

/**
 * Values the document's aliases may expand to before it is read as data: its own nodes count
 * once each, and this many more per node of the file. A compose file where every service
 * merges an anchor expands to a few times its size; a bomb's few KB to millions of values.
 */
const EXPANSION_PER_NODE = 100;
const EXPANSION_FLOOR = 100_000;

/** Refuse a document whose aliases expand past the limit, or that holds a recursive alias: one line, exit 2. */
export function checkExpansion(doc: Document, text: string, file: string): void {
  const targets = indexAliases(doc);
  const own = countNodes(doc.contents);
  const limit = EXPANSION_FLOOR + EXPANSION_PER_NODE * own;
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  const refuse = (node: Node, why: string): never => {
    const line = text.slice(0, node.range?.[0] ?? 0).split('\n').length;
    throw new SdockerError(`sdocker: ${file}:${line}: ${why}; write the values out instead of aliasing them`, EXIT_USAGE);
  };
  const bomb = (node: Node): never => refuse(node, `${isAlias(node) ? `alias *${node.source} expands` : 'the aliases of this value expand'} the file past ${limit} values (an alias bomb?)`);
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      const target = targets.get(node);
      if (target === undefined) return 1;
      if (open.has(target)) return refuse(node, `alias *${node.source} is inside the node it names (a recursive alias)`);
      const found = size(target);
      return found > limit ? bomb(node) : found;
    }
    if (isPair(node)) return size(node.key) + size(node.value);
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    open.add(node);
    let total = 1;
    for (const item of node.items as unknown[]) {
      total += size(item);
      // The item that crosses the limit is named: an alias, or the pair holding one.
      if (total > limit) bomb(isPair(item) && isAlias(item.value) ? item.value : isAlias(item) ? item : node);
    }
    open.delete(node);
    sizes.set(node, total);
    return total;
  };
  size(doc.contents);
}

function countNodes(node: unknown): number {
  if (isPair(node)) return countNodes(node.key) + countNodes(node.value);
  if (isMap(node) || isSeq(node)) return (node.items as unknown[]).reduce<number>((sum, item) => sum + countNodes(item), 1);
  return 1;
}
