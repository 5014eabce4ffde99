// The only module that imports `yaml` (yaml 3 changes the node API; keeping every call here
// keeps that upgrade to one file). Loaded lazily: importing yaml costs ~40 ms on these
// machines, so the run path only pays it when a user or project config file exists.
import { parseAllDocuments } from 'yaml';
import { SdockerError, EXIT_USAGE } from './errors.js';

/** Parse one YAML document to plain data; a syntax error, duplicate key or second document is one clear error. */
export function parseYamlData(text: string, file: string): unknown {
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  if (!Array.isArray(docs)) return null;
  if (docs.length > 1) {
    throw new SdockerError(`sdocker: ${file}: holds ${docs.length} YAML documents; keep one (remove the '---' separators)`, EXIT_USAGE);
  }
  const doc = docs[0];
  if (doc === undefined) return null;
  const error = doc.errors[0];
  if (error !== undefined) {
    const where = error.linePos?.[0];
    const position = where === undefined ? '' : `${where.line}:${where.col}:`;
    const message = (error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '');
    throw new SdockerError(`sdocker: ${file}:${position} ${message}`, EXIT_USAGE);
  }
  return doc.toJS();
}
