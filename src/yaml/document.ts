// ComposeDocument: a compose file opened for editing without damage (see the class comment).
import { LineCounter, YAMLMap, isAlias, isMap, isScalar, isSeq, type Alias, type Document, type Node, type Pair, type YAMLSeq } from 'yaml';
import { SdockerError, EXIT_USAGE } from '../errors.js';
import { Anchors, holdsAnchor } from './anchors.js';
import { PristineCopies } from './copies.js';
import { checkedDocument, documentData, parseTokens, type Path, type WriteMode } from './index.js';
import { isEmpty, mergedNode, ownCopy, styledNode, writtenText } from './nodes.js';
import { Snapshot } from './splice.js';
import { writeDocument } from './write.js';

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
  private readonly anchors: Anchors;
  private readonly resolve = (alias: Alias): Node | undefined => this.anchors.resolve(alias);
  private readonly copies: PristineCopies;
  /** Each service's pair under `services`, by name: YAMLMap.get is a scan, once per edit and position. */
  private services: { map: YAMLMap; pairs: Map<string, Pair>; size: number } | undefined;
  /** The file's values, merge keys resolved, as compose would read them. */
  readonly data: Record<string, unknown>;
  writeMode: WriteMode = 'unchanged';

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    // One parse, composed twice: the edited view and the data view.
    const tokens = parseTokens(text, this.lines);
    this.doc = checkedDocument(text, file, { schema: 'failsafe' }, tokens);
    this.snapshot = new Snapshot(this.doc);
    this.anchors = new Anchors(this.doc);
    this.copies = new PristineCopies(text, file);
    const data = documentData(checkedDocument(text, file, { merge: true }, tokens), text, file);
    if (data !== null && (typeof data !== 'object' || Array.isArray(data))) {
      throw new SdockerError(`sdocker: ${file}: a compose file is a mapping of keys (services, networks, ...)`, EXIT_USAGE);
    }
    this.data = (data ?? {}) as Record<string, unknown>;
  }

  /** line:col of the node at `path` (or of its nearest existing parent). */
  position(path: Path): { line: number; col: number } {
    for (let end = path.length; end >= 0; end -= 1) {
      const node = this.nodeAt(path.slice(0, end));
      const start = node?.range?.[0];
      if (start !== undefined) return this.lines.linePos(start);
    }
    return { line: 1, col: 1 };
  }

  /** doc.getIn, a service found through the index of `services`. */
  private nodeAt(path: Path): Node | undefined {
    const [top, service, ...rest] = path;
    if (top !== 'services' || typeof service !== 'string') return this.doc.getIn(path, true) as Node | undefined;
    const value = this.servicePair(service)?.value as Node | null | undefined;
    if (rest.length === 0 || value === null || value === undefined) return value ?? undefined;
    return isMap(value) || isSeq(value) ? (value.getIn(rest, true) as Node | undefined) : undefined;
  }

  /** The `services` entry named `service`, through an index rebuilt when `services` changes. */
  private servicePair(service: string): Pair | undefined {
    const map = this.doc.get('services', true);
    if (!isMap(map)) return undefined;
    if (this.services?.map !== map || this.services.size !== map.items.length) {
      const pairs = new Map<string, Pair>();
      // The first of duplicate keys, as YAMLMap.get (a duplicate is a parse error anyway).
      for (const pair of map.items) if (isScalar(pair.key) && !pairs.has(String(pair.key.value))) pairs.set(String(pair.key.value), pair);
      this.services = { map, pairs, size: map.items.length };
    }
    const pair = this.services.pairs.get(service);
    return pair !== undefined && isScalar(pair.key) && String(pair.key.value) === service ? pair : (map.items.find((p) => isScalar(p.key) && String(p.key.value) === service) as Pair | undefined);
  }

  /** The service's own mapping, made editable: an aliased service becomes a copy of what it aliases. */
  private serviceMap(service: string): YAMLMap {
    const services = this.doc.get('services', true);
    if (!isMap(services)) throw new SdockerError(`sdocker: ${this.file}: 'services' is not a mapping`, EXIT_USAGE);
    const pair = this.servicePair(service);
    let node = pair?.value as Node | null | undefined;
    if (pair !== undefined && isAlias(node)) {
      node = this.copyOf(node);
      this.replaced(pair.value, node);
      pair.value = node;
    }
    if (!isMap(node)) throw new SdockerError(`sdocker: ${this.file}: service '${service}' is not a mapping`, EXIT_USAGE);
    return node;
  }

  /** Keep the alias index true after an edit put `inserted` where `removed` was. */
  private replaced(removed: unknown, inserted: unknown): void {
    // Copies and new values carry no anchors (ownCopy, copyOf strip them), but an edit may drop an anchored node.
    if (holdsAnchor(removed) || holdsAnchor(inserted)) this.anchors.invalidate();
  }

  /** parent.set(key, node), the alias index kept true. */
  private put(parent: YAMLMap | YAMLSeq, key: string | number, node: Node): void {
    this.replaced(parent.get(key, true), node);
    parent.set(key, node);
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
      this.put(parent, key, node);
    } else if ((node === undefined && create) || (create && isEmpty(node))) {
      node = new YAMLMap();
      this.put(parent, key, node);
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
        const found = node ?? mergedNode(this.resolve, map, key);
        const copy = found === undefined ? undefined : ownCopy(this.resolve, found);
        if (copy === undefined) return;
        node = copy;
        this.put(map, key, node);
        this.changed = true;
      }
      if (!isMap(node)) return;
      map = node;
    }
  }

  /** The scalar at `path` as the file writes it (`cpus: 1.0` gives '1.0'), for messages that quote the file. */
  written(path: Path): string | undefined {
    return writtenText(this.doc, this.resolve, path);
  }

  /** The tags (`!reset`, `!override`) written on the keys of the mapping at `path`. */
  tags(path: Path): Record<string, string> {
    const node = this.nodeAt(path);
    const out: Record<string, string> = {};
    if (!isMap(node)) return out;
    for (const pair of node.items) {
      const tag = (pair.value as Node | null)?.tag;
      if (isScalar(pair.key) && tag !== undefined) out[String(pair.key.value)] = tag;
    }
    return out;
  }

  private copyOf(alias: Alias): Node {
    return this.copies.copyOf(alias, this.resolve);
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
    this.put(parent, key, this.toNode(value));
    this.changed = true;
  }

  /** Set a top-level key path (a network definition under `networks`). */
  setTop(path: Path, value: unknown): void {
    const node = this.toNode(value);
    this.replaced(this.doc.getIn(path, true), node);
    this.doc.setIn(path, node);
    this.changed = true;
  }

  /** Append to a service's sequence; a lone scalar becomes a one-item sequence first. */
  append(service: string, key: string, value: unknown): void {
    const map = this.serviceMap(service);
    let current = map.get(key, true) as Node | undefined;
    if (isAlias(current)) {
      current = this.copyOf(current);
      this.put(map, key, current);
    }
    if (isSeq(current)) {
      const item = this.toNode(value);
      this.replaced(undefined, item);
      current.add(item);
    } else if (current === undefined || isEmpty(current)) this.put(map, key, this.toNode([value]));
    else this.put(map, key, this.toNode([this.scalarText(current), value]));
    this.changed = true;
  }

  /** Replace the scalar at `path` keeping its quoting style. */
  replaceScalar(service: string, path: Path, value: string): void {
    const { parent, key } = this.parentOf(service, path);
    const node = parent.get(key, true);
    if (isScalar(node)) node.value = value;
    else this.put(parent, key, this.toNode(value));
    this.changed = true;
  }

  toString(): string {
    if (!this.changed) return this.text;
    const { text, mode } = writeDocument(this.text, this.doc, this.snapshot);
    this.writeMode = mode;
    return text;
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
