// ComposeDocument: a compose file opened for editing without damage (see the class comment).
import { LineCounter, isAlias, isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { SdockerError, EXIT_USAGE } from '../common/errors.js';
import { EditableYaml } from './editable.js';
import { checkedDocument, documentData, parseTokens, type Path } from './parse.js';
import { mergedNode, ownCopy, writtenText } from './nodes.js';

/**
 * A compose file opened for editing without damage: edits go into a failsafe-schema document
 * (every scalar stays the text it was, so `0440` stays `0440`), analysis reads a second,
 * merged view (values inherited through `<<` included). The text given back is the original
 * with only the edited nodes written (splice.ts): untouched lines keep every byte.
 */
export class ComposeDocument extends EditableYaml {
  /** Each service's pair under `services`, by name: YAMLMap.get is a scan, once per edit and position. */
  private services: { map: YAMLMap; pairs: Map<string, Pair>; size: number } | undefined;
  /** The file's values, merge keys resolved, as compose would read them. */
  readonly data: Record<string, unknown>;

  constructor(text: string, file: string) {
    // One parse, composed twice: the edited view and the data view.
    const lines = new LineCounter();
    const tokens = parseTokens(text, lines);
    super(text, file, checkedDocument(text, file, { schema: 'failsafe' }, tokens), lines);
    const data = documentData(checkedDocument(text, file, { merge: true }, tokens), text, file);
    if (data !== null && (typeof data !== 'object' || Array.isArray(data))) {
      throw new SdockerError(`sdocker: ${file}: a compose file is a mapping of keys (services, networks, ...)`, EXIT_USAGE);
    }
    this.data = (data ?? {}) as Record<string, unknown>;
  }

  /** doc.getIn, a service found through the index of `services`. */
  protected override nodeAt(path: Path): Node | undefined {
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

  /** The collection holding the last key of `path` under a service's mapping, made editable on the way. */
  private parentOf(service: string, path: Path): { parent: YAMLMap | YAMLSeq; key: string | number } {
    return this.parentFrom(this.serviceMap(service), path, ` of service '${service}'`);
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
    this.appendTo(this.serviceMap(service), key, value);
  }

  /** Replace the scalar at `path` keeping its quoting style. */
  replaceScalar(service: string, path: Path, value: string): void {
    const { parent, key } = this.parentOf(service, path);
    const node = parent.get(key, true);
    if (isScalar(node)) node.value = value;
    else this.put(parent, key, this.toNode(value));
    this.changed = true;
  }
}
