// Own copies of what an alias names, taken from the file as read: an anchor on a service
// edited earlier must not bring that service's additions into the copy.
import { isAlias, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import { SdockerError, EXIT_USAGE } from '../common/errors.js';
import type { Resolve } from './nodes.js';

export class PristineCopies {
  /** The file as read (failsafe) and its anchored nodes by offset; parsed when first needed. */
  private pristine: { doc: Document; anchored: Map<number, Node> } | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  /** A copy, without anchors, of the node `alias` names in the file as read (`resolve`: in the edited document). */
  copyOf(alias: Alias, resolve: Resolve): Node {
    this.pristine ??= pristineAnchors(this.text);
    // The anchored node is an original one (copies carry no anchors): the file as read holds it at the same offset.
    const start = resolve(alias)?.range?.[0];
    const original = start === undefined ? undefined : this.pristine.anchored.get(start);
    const source = original?.anchor === alias.source ? original : (alias.resolve(this.pristine.doc) as Node | undefined);
    if (source === undefined) throw new SdockerError(`sdocker: ${this.file}: alias *${alias.source} names no anchor before it`, EXIT_USAGE);
    const copy = source.clone() as Node;
    visit(copy, (_key, inner) => {
      if (inner !== null && typeof inner === 'object' && 'anchor' in inner) delete (inner as { anchor?: string }).anchor;
    });
    return copy;
  }
}

function pristineAnchors(text: string): { doc: Document; anchored: Map<number, Node> } {
  const doc = parseDocument(text, { schema: 'failsafe' });
  const anchored = new Map<number, Node>();
  visit(doc, {
    Node(_key, node) {
      const start = node.range?.[0];
      if (!isAlias(node) && node.anchor !== undefined && start !== undefined) anchored.set(start, node);
    },
  });
  return { doc, anchored };
}
