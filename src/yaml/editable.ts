// One YAML document opened for editing without damage, addressed by key paths from its root:
// the part of ComposeDocument that is not about compose (document.ts adds services, `<<`
// inheritance and its own index), also used alone for each document of a Kubernetes manifest
// stream (manifests.ts). Edits go into a failsafe-schema document (every scalar stays the text
// it was); toString splices only the edited nodes into the original text (splice.ts).
import { LineCounter, YAMLMap, isAlias, isMap, isScalar, isSeq, type Alias, type Document, type Node, type YAMLSeq } from 'yaml';
import { SdockerError, EXIT_USAGE } from '../common/errors.js';
import { Anchors, holdsAnchor } from './anchors.js';
import { PristineCopies } from './copies.js';
import type { Path, WriteMode } from './parse.js';
import { isEmpty, styledNode } from './nodes.js';
import { Snapshot } from './splice.js';
import { writeDocument } from './write.js';

export class EditableYaml {
  protected readonly snapshot: Snapshot;
  protected changed = false;
  protected readonly anchors: Anchors;
  protected readonly resolve = (alias: Alias): Node | undefined => this.anchors.resolve(alias);
  private readonly copies: PristineCopies;
  writeMode: WriteMode = 'unchanged';

  /** `lineOffset`: lines before this text in its file (a later document of a stream), added to every position. */
  constructor(
    readonly text: string,
    readonly file: string,
    protected readonly doc: Document,
    protected readonly lines: LineCounter,
    private readonly lineOffset = 0,
  ) {
    this.snapshot = new Snapshot(doc);
    this.anchors = new Anchors(doc);
    this.copies = new PristineCopies(text, file);
  }

  /** line:col of the node at `path` (or of its nearest existing parent). */
  position(path: Path): { line: number; col: number } {
    for (let end = path.length; end >= 0; end -= 1) {
      const node = this.nodeAt(path.slice(0, end));
      const start = node?.range?.[0];
      if (start !== undefined) {
        const { line, col } = this.lines.linePos(start);
        return { line: line + this.lineOffset, col };
      }
    }
    return { line: 1 + this.lineOffset, col: 1 };
  }

  protected nodeAt(path: Path): Node | undefined {
    return this.doc.getIn(path, true) as Node | undefined;
  }

  /** Keep the alias index true after an edit put `inserted` where `removed` was. */
  protected replaced(removed: unknown, inserted: unknown): void {
    // Copies and new values carry no anchors (ownCopy, copyOf strip them), but an edit may drop an anchored node.
    if (holdsAnchor(removed) || holdsAnchor(inserted)) this.anchors.invalidate();
  }

  /** parent.set(key, node), the alias index kept true. */
  protected put(parent: YAMLMap | YAMLSeq, key: string | number, node: Node): void {
    this.replaced(parent.get(key, true), node);
    parent.set(key, node);
  }

  /**
   * The collection under `key`, made editable: an alias becomes a copy of what it names as the
   * file was read (its anchors stay with the original, once in the file), an empty value (or
   * a missing key, when `create`) a new mapping.
   */
  protected child(parent: YAMLMap | YAMLSeq, key: string | number, what: string, create: boolean): YAMLMap {
    let node = parent.get(key, true) as Node | undefined;
    if (isAlias(node)) {
      node = this.copyOf(node);
      this.put(parent, key, node);
    } else if ((node === undefined && create) || (create && isEmpty(node))) {
      node = new YAMLMap();
      this.put(parent, key, node);
    }
    if (!isMap(node)) throw new SdockerError(`sdocker: ${this.file}: ${what} is not a mapping`, EXIT_USAGE);
    return node;
  }

  protected copyOf(alias: Alias): Node {
    return this.copies.copyOf(alias, this.resolve);
  }

  /** The collection holding the last key of `path` below `root`, made editable on the way (`where`: how an error names `root`). */
  protected parentFrom(root: YAMLMap | YAMLSeq, path: Path, where: string): { parent: YAMLMap | YAMLSeq; key: string | number } {
    let parent = root;
    for (let i = 0; i < path.length - 1; i += 1) {
      const key = path[i] as string | number;
      const next = parent.get(key, true);
      parent = isSeq(next) ? next : this.child(parent, key, `'${path.slice(0, i + 1).join('.')}'${where}`, true);
    }
    const key = path.at(-1);
    if (key === undefined) throw new SdockerError(`sdocker: ${this.file}: an empty key path${where}`, EXIT_USAGE);
    return { parent, key };
  }

  private root(): YAMLMap {
    if (!isMap(this.doc.contents)) throw new SdockerError(`sdocker: ${this.file}: the document is not a mapping`, EXIT_USAGE);
    return this.doc.contents;
  }

  /** Set the value at `path` from the document's root (missing mappings on the way are made). */
  setIn(path: Path, value: unknown): void {
    const { parent, key } = this.parentFrom(this.root(), path, '');
    this.put(parent, key, this.toNode(value));
    this.changed = true;
  }

  /** Append to the sequence at `path` from the root (made when missing or empty; a lone scalar becomes its first item). */
  appendIn(path: Path, value: unknown): void {
    const { parent, key } = this.parentFrom(this.root(), path, '');
    this.appendTo(parent, key, value);
  }

  protected appendTo(parent: YAMLMap | YAMLSeq, key: string | number, value: unknown): void {
    let current = parent.get(key, true) as Node | undefined;
    if (isAlias(current)) {
      current = this.copyOf(current);
      this.put(parent, key, current);
    }
    if (isSeq(current)) {
      const item = this.toNode(value);
      this.replaced(undefined, item);
      current.add(item);
    } else if (current === undefined || isEmpty(current)) this.put(parent, key, this.toNode([value]));
    else this.put(parent, key, this.toNode([isScalar(current) ? String(current.value) : String(current.toJSON()), value]));
    this.changed = true;
  }

  toString(): string {
    if (!this.changed) return this.text;
    const { text, mode } = writeDocument(this.text, this.doc, this.snapshot);
    this.writeMode = mode;
    return text;
  }

  /**
   * New values keep their JS type for every reader: numbers and booleans are written plain;
   * a string is double-quoted where a YAML 1.1 or 1.2 reader would take it for something else
   * ("3" for a number, "8080:80" for a base-60 number in compose v1's PyYAML, "on" for true).
   */
  protected toNode(value: unknown): Node {
    return styledNode(this.doc, value);
  }
}
