// Reading YAML text: one checked document or a stream of them, as plain data; the parse the
// editors (document.ts, editable.ts, manifests.ts) and the write check (check.ts) build on.
import { Composer, Document, LineCounter, Parser, isScalar, visit } from 'yaml';
import type { CST } from 'yaml';
import { SdockerError, EXIT_USAGE } from '../common/errors.js';
import { checkExpansion } from './anchors.js';

/** Parse one YAML document to plain data; a syntax error, duplicate key or second document is one clear error. */
export function parseYamlData(text: string, file: string): unknown {
  return documentData(checkedDocument(text, file, {}), text, file);
}

/**
 * The document as plain data, its aliases expanded. yaml's own guard (maxAliasCount, 100 by
 * default) refuses a compose file where over 100 services merge one anchor, which compose
 * reads: checkExpansion refuses what it guards against, an alias bomb, instead.
 */
export function documentData(doc: Document, text: string, file: string): unknown {
  checkExpansion(doc, text, file);
  return doc.toJS({ maxAliasCount: -1 });
}

/** The text's CST, to compose more than one document from one parse (ComposeDocument reads a file twice). */
export function parseTokens(text: string, lines?: LineCounter): CST.Token[] {
  return Array.from(new Parser(lines?.addNewLine).parse(text));
}

export function checkedDocument(text: string, file: string, options: { schema?: 'failsafe'; lineCounter?: LineCounter; merge?: boolean }, tokens = parseTokens(text, options.lineCounter)): Document {
  const docs = composed(text, tokens, options);
  if (docs.length > 1) {
    throw new SdockerError(`sdocker: ${file}: holds ${docs.length} YAML documents; keep one (remove the '---' separators)`, EXIT_USAGE);
  }
  return checkDocument(docs[0] as Document, text, file);
}

/** A syntax error or duplicate key of `doc` (read from `text`) as one clear error; else `doc`. */
function checkDocument(doc: Document, text: string, file: string): Document {
  const error = doc.errors[0];
  const where = error === undefined ? duplicateKey(doc) : error.pos[0];
  if (where !== undefined) {
    const { line, col } = lineCol(text, where);
    const message = error === undefined ? 'Map keys must be unique' : (error.message.split('\n')[0] ?? error.code);
    throw new SdockerError(`sdocker: ${file}:${line}:${col}: ${message}`, EXIT_USAGE);
  }
  return doc;
}

/** One document of a stream: its own text (from its directives or `---` to the next document's) and the lines before it. */
export interface DocumentText {
  readonly text: string;
  readonly lineOffset: number;
}

/**
 * A stream of documents (a Kubernetes manifest file: `---` between objects) cut into the text of
 * each, checked as checkedDocument checks one (positions in the whole file). Each piece reads
 * alone as the document it was in the stream, so it is edited alone and the pieces joined give
 * the file back: comments before a `---` stay with the document above it.
 */
export function splitDocuments(text: string, file: string): DocumentText[] {
  const tokens = parseTokens(text);
  for (const doc of composed(text, tokens, { schema: 'failsafe' })) checkDocument(doc, text, file);
  const starts: number[] = [];
  let pending: number | undefined;
  for (const token of tokens) {
    if (token.type === 'directive' && pending === undefined) pending = token.offset;
    if (token.type !== 'document') continue;
    starts.push(starts.length === 0 ? 0 : (pending ?? token.offset));
    pending = undefined;
  }
  if (starts.length === 0) return [{ text, lineOffset: 0 }];
  return starts.map((start, i) => ({ text: text.slice(start, starts[i + 1] ?? text.length), lineOffset: lineCol(text, start).line - 1 }));
}

/** The text read back as `schema`, or undefined when it is not one clean document (ComposeDocument's splice check). */
export function readBack(text: string): Document | undefined {
  const docs = composed(text, parseTokens(text), { schema: 'failsafe' });
  const doc = docs[0] as Document;
  return docs.length === 1 && doc.errors.length === 0 && duplicateKey(doc) === undefined ? doc : undefined;
}

function composed(text: string, tokens: CST.Token[], options: { schema?: 'failsafe'; merge?: boolean }): Document[] {
  // uniqueKeys off: yaml compares each key with every earlier one (~60 ms per read of a
  // 1,000-service file); duplicateKey finds the same duplicates with a set per mapping.
  return Array.from(new Composer({ ...options, uniqueKeys: false }).compose(tokens, true, text.length)) as Document[];
}

/** Where the first key equal to an earlier key of its mapping starts, as yaml's uniqueKeys compares them (scalar values, ===). */
function duplicateKey(doc: Document): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || Number.isNaN(pair.key.value)) continue;
        if (seen.has(pair.key.value)) {
          found = pair.key.range?.[0] ?? 0;
          return visit.BREAK;
        }
        seen.add(pair.key.value);
      }
      return undefined;
    },
  });
  return found;
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, col: offset - before.lastIndexOf('\n') };
}

export type Path = readonly (string | number)[];

/** How ComposeDocument.toString made its text (tests hold the splice path to every form they know). */
export type WriteMode = 'unchanged' | 'spliced' | 'restringified';
