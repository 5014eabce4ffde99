// An edited document written back: the original text with splices (splice.ts) when the result
// reads back as the document (check.ts), else the whole document stringified.
import type { Document } from 'yaml';
import { readsBackAs } from './check.js';
import type { WriteMode } from './parse.js';
import { detectIndent, detectIndentSeq } from './nodes.js';
import { CannotSplice, spliceDocument, type Snapshot } from './splice.js';

export function writeDocument(text: string, doc: Document, snapshot: Snapshot): { text: string; mode: WriteMode } {
  const indent = detectIndent(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  try {
    const spliced = spliceDocument(text, doc, snapshot, { indent, indentSeq: detectIndentSeq(doc, text), eol });
    // A form the splicer got wrong is written whole instead.
    if (readsBackAs(spliced, doc)) return { text: spliced.text, mode: 'spliced' };
  } catch (error) {
    if (!(error instanceof CannotSplice)) throw error;
  }
  // Whole-document fallback (untouched lines may be respaced); no known compose form takes it.
  return { text: doc.toString({ lineWidth: 0, flowCollectionPadding: false, indent }), mode: 'restringified' };
}
