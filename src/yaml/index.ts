// The yaml layer: the only folder that imports `yaml` (yaml 3 changes the node API; keeping every
// call here keeps that upgrade to one folder). Loaded lazily: importing yaml costs ~40 ms on
// these machines, so the run path only pays it when a user or project config file exists.
import { Document, LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import { SdockerError, EXIT_USAGE } from '../errors.js';
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

export function checkedDocument(text: string, file: string, options: { schema?: 'failsafe'; lineCounter?: LineCounter; merge?: boolean }): Document {
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true, ...options });
  if (!Array.isArray(docs)) return parseDocument('', options);
  if (docs.length > 1) {
    throw new SdockerError(`sdocker: ${file}: holds ${docs.length} YAML documents; keep one (remove the '---' separators)`, EXIT_USAGE);
  }
  const doc = docs[0] ?? parseDocument('', options);
  const error = doc.errors[0];
  if (error !== undefined) {
    const where = error.linePos?.[0];
    const position = where === undefined ? '' : `${where.line}:${where.col}:`;
    const message = (error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '');
    throw new SdockerError(`sdocker: ${file}:${position} ${message}`, EXIT_USAGE);
  }
  return doc;
}

export type Path = readonly (string | number)[];

/** How ComposeDocument.toString made its text (tests hold the splice path to every form they know). */
export type WriteMode = 'unchanged' | 'spliced' | 'restringified';

export { ComposeDocument } from './document.js';
export { renderYaml } from './nodes.js';

