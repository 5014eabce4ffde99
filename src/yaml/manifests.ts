// A Kubernetes manifest file opened for editing: a stream of YAML documents (`---` between
// objects, as kubectl and podman kube play read it), each an EditableYaml of its own text, so
// every document keeps its comments and bytes and one that is not edited comes back as it was.
// Compose files stay single-document: ComposeDocument still refuses a second one.
import { LineCounter } from 'yaml';
import { EditableYaml } from './editable.js';
import { checkedDocument, documentData, parseTokens, splitDocuments } from './parse.js';

export interface ManifestDocument {
  /** The document's values as a reader gets them (aliases and merge keys resolved); null for an empty one. */
  readonly data: unknown;
  readonly edit: EditableYaml;
}

export class ManifestStream {
  readonly documents: readonly ManifestDocument[];

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    this.documents = splitDocuments(text, file).map(({ text: own, lineOffset }) => {
      const lines = new LineCounter();
      const tokens = parseTokens(own, lines);
      const edit = new EditableYaml(own, file, checkedDocument(own, file, { schema: 'failsafe' }, tokens), lines, lineOffset);
      return { data: documentData(checkedDocument(own, file, { merge: true }, tokens), own, file) ?? null, edit };
    });
  }

  toString(): string {
    return this.documents.map((d) => d.edit.toString()).join('');
  }
}
