// ComposeDocument: a compose file opened for editing without damage (see the class comment).
import { Document, LineCounter, YAMLMap, isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Alias, type Node, type YAMLSeq } from 'yaml';
import { SdockerError, EXIT_USAGE } from '../errors.js';
import { checkedDocument, type Path, type WriteMode } from './index.js';
import { detectIndent, detectIndentSeq, isEmpty, mergedNode, ownCopy, sameData, styledNode, writtenText } from './nodes.js';
import { CannotSplice, Snapshot, spliceDocument } from './splice.js';

/**
 * A compose file opened for editing without damage: edits go into a failsafe-schema document
 * (every scalar stays the text it was, so `0440` stays `0440`), analysis reads a second,
 * merged view (values inherited through `<<` included). The text given back is the original
 * with only the edited nodes written (splice.ts): untouched lines keep every byte.
 */
export class ComposeDocument {
  private readonly doc: Document;
  private readonly lines = new LineCounter();
  private readonly snapshot: Snapshot;
  private changed = false;
  /** The file's values, merge keys resolved, as compose would read them. */
  readonly data: Record<string, unknown>;
  writeMode: WriteMode = 'unchanged';

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    this.doc = checkedDocument(text, file, { schema: 'failsafe', lineCounter: this.lines });
    this.snapshot = new Snapshot(this.doc);
    const data = checkedDocument(text, file, { merge: true }).toJS() as unknown;
    if (data !== null && (typeof data !== 'object' || Array.isArray(data))) {
      throw new SdockerError(`sdocker: ${file}: a compose file is a mapping of keys (services, networks, ...)`, EXIT_USAGE);
    }
    this.data = (data ?? {}) as Record<string, unknown>;
  }

  /** line:col of the node at `path` (or of its nearest existing parent). */
  position(path: Path): { line: number; col: number } {
    for (let end = path.length; end >= 0; end -= 1) {
      const node = this.doc.getIn(path.slice(0, end), true) as Node | undefined;
      const start = node?.range?.[0];
      if (start !== undefined) return this.lines.linePos(start);
    }
    return { line: 1, col: 1 };
  }

  /** The service's own mapping, made editable: an aliased service becomes a copy of what it aliases. */
  private serviceMap(service: string): YAMLMap {
    const services = this.doc.get('services', true);
    if (!isMap(services)) throw new SdockerError(`sdocker: ${this.file}: 'services' is not a mapping`, EXIT_USAGE);
    return this.child(services, service, `service '${service}'`, false);
  }

  /**
   * The collection under `key`, made editable: an alias becomes a copy of what it names as the
   * file was read (its anchors stay with the original, once in the file), an empty value (or
   * a missing key, when `create`) a new mapping.
   */
  private child(parent: YAMLMap | YAMLSeq, key: string | number, what: string, create: boolean): YAMLMap {
    let node = parent.get(key, true) as Node | undefined;
    if (isAlias(node)) {
      node = this.copyOf(node);
      parent.set(key, node);
    } else if ((node === undefined && create) || (create && isEmpty(node))) {
      node = new YAMLMap();
      parent.set(key, node);
    }
    if (!isMap(node)) throw new SdockerError(`sdocker: ${this.file}: ${what} is not a mapping`, EXIT_USAGE);
    return node;
  }

  /**
   * Make the service write itself what it inherits through `<<` at each level of `path`, and
   * turn an alias there into its own copy: a merge key is shallow, so an edit under a key the
   * service does not write would otherwise replace the whole inherited value.
   */
  inherit(service: string, path: Path): void {
    let map = this.serviceMap(service);
    for (const key of path) {
      if (typeof key !== 'string') return;
      let node = map.get(key, true) as Node | undefined;
      if (node === undefined || isAlias(node)) {
        const found = node ?? mergedNode(this.doc, map, key);
        if (found === undefined) return;
        node = ownCopy(this.doc, found);
        map.set(key, node);
        this.changed = true;
      }
      if (!isMap(node)) return;
      map = node;
    }
  }

  /** The scalar at `path` as the file writes it (`cpus: 1.0` gives '1.0'), for messages that quote the file. */
  written(path: Path): string | undefined {
    return writtenText(this.doc, path);
  }

  /** The tags (`!reset`, `!override`) written on the keys of the mapping at `path`. */
  tags(path: Path): Record<string, string> {
    const node = this.doc.getIn(path, true) as Node | undefined;
    const out: Record<string, string> = {};
    if (!isMap(node)) return out;
    for (const pair of node.items) {
      const tag = (pair.value as Node | null)?.tag;
      if (isScalar(pair.key) && tag !== undefined) out[String(pair.key.value)] = tag;
    }
    return out;
  }

  private copyOf(alias: Alias): Node {
    // Resolved in the file as read: an anchor on a service edited earlier must not bring that service's additions.
    const pristine = parseDocument(this.text, { schema: 'failsafe' });
    const copy = (alias.resolve(pristine) as Node).clone() as Node;
    visit(copy, (_key, inner) => {
      if (inner !== null && typeof inner === 'object' && 'anchor' in inner) delete (inner as { anchor?: string }).anchor;
    });
    return copy;
  }

  /** The collection holding the last key of `path` under a service's mapping, made editable on the way. */
  private parentOf(service: string, path: Path): { parent: YAMLMap | YAMLSeq; key: string | number } {
    let parent: YAMLMap | YAMLSeq = this.serviceMap(service);
    for (let i = 0; i < path.length - 1; i += 1) {
      const key = path[i] as string | number;
      const next = parent.get(key, true);
      parent = isSeq(next) ? next : this.child(parent, key, `'${path.slice(0, i + 1).join('.')}' of service '${service}'`, true);
    }
    const key = path.at(-1);
    if (key === undefined) throw new SdockerError(`sdocker: ${this.file}: an empty key path for service '${service}'`, EXIT_USAGE);
    return { parent, key };
  }

  /** Set `key` on a service (an explicit key also overrides one inherited through `<<`). */
  set(service: string, path: Path, value: unknown): void {
    const { parent, key } = this.parentOf(service, path);
    parent.set(key, this.toNode(value));
    this.changed = true;
  }

  /** Set a top-level key path (a network definition under `networks`). */
  setTop(path: Path, value: unknown): void {
    this.doc.setIn(path, this.toNode(value));
    this.changed = true;
  }

  /** Append to a service's sequence; a lone scalar becomes a one-item sequence first. */
  append(service: string, key: string, value: unknown): void {
    const map = this.serviceMap(service);
    let current = map.get(key, true) as Node | undefined;
    if (isAlias(current)) {
      current = this.copyOf(current);
      map.set(key, current);
    }
    if (isSeq(current)) current.add(this.toNode(value));
    else if (current === undefined || isEmpty(current)) map.set(key, this.toNode([value]));
    else map.set(key, this.toNode([this.scalarText(current), value]));
    this.changed = true;
  }

  /** Replace the scalar at `path` keeping its quoting style. */
  replaceScalar(service: string, path: Path, value: string): void {
    const { parent, key } = this.parentOf(service, path);
    const node = parent.get(key, true);
    if (isScalar(node)) node.value = value;
    else parent.set(key, this.toNode(value));
    this.changed = true;
  }

  toString(): string {
    if (!this.changed) return this.text;
    const indent = detectIndent(this.text);
    const eol = this.text.includes('\r\n') ? '\r\n' : '\n';
    try {
      const spliced = spliceDocument(this.text, this.doc, this.snapshot, { indent, indentSeq: detectIndentSeq(this.doc, this.text), eol });
      // The spliced text must read back as the edited document; a form the splicer got wrong is written whole instead.
      const reread = parseDocument(spliced, { schema: 'failsafe', uniqueKeys: true });
      if (reread.errors.length === 0 && sameData(reread, this.doc)) {
        this.writeMode = 'spliced';
        return spliced;
      }
    } catch (error) {
      if (!(error instanceof CannotSplice)) throw error;
    }
    // Whole-document fallback (untouched lines may be respaced); no known compose form takes it.
    this.writeMode = 'restringified';
    return this.doc.toString({ lineWidth: 0, flowCollectionPadding: false, indent });
  }

  private scalarText(node: Node): string {
    return isScalar(node) ? String(node.value) : String(node.toJSON());
  }

  /**
   * New values keep their JS type for every reader: numbers and booleans are written plain;
   * a string is double-quoted where a YAML 1.1 or 1.2 reader would take it for something else
   * ("3" for a number, "8080:80" for a base-60 number in compose v1's PyYAML, "on" for true).
   */
  private toNode(value: unknown): Node {
    return styledNode(this.doc, value);
  }
}
