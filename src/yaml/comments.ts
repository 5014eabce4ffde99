// Comments added after values of a text that is otherwise left as it is: the line of the value
// (a scalar, or an item of a sequence) gets `  # COMMENT` at its end, unless it holds one
// already. compose learn names the evidence for each grant it writes this way.
import { isScalar, isSeq, parseDocument, type Node } from 'yaml';

export interface ValueComment {
  /** Where the value is: ['services', 'web', 'tmpfs']. */
  readonly path: readonly string[];
  /** Which value (of a sequence, which item) gets it, by its text. */
  readonly matches: (value: string) => boolean;
  readonly comment: string;
}

export function commentValues(text: string, comments: readonly ValueComment[]): string {
  const doc = parseDocument(text);
  const ends = new Map<number, string>();
  for (const wanted of comments) {
    const node = doc.getIn(wanted.path, true) as Node | undefined;
    const values = isSeq(node) ? node.items : [node];
    for (const value of values) {
      if (!isScalar(value) || value.range === undefined || value.range === null || !wanted.matches(String(value.value))) continue;
      const end = text.indexOf('\n', value.range[1]);
      const lineEnd = end === -1 ? text.length : end;
      const lineStart = text.lastIndexOf('\n', value.range[0]) + 1;
      if (!text.slice(lineStart, lineEnd).includes('#') && !ends.has(lineEnd)) ends.set(lineEnd, wanted.comment.replace(/\s+/g, ' ').slice(0, 160));
    }
  }
  let out = text;
  for (const [at, comment] of [...ends].sort((a, b) => b[0] - a[0])) out = `${out.slice(0, at)}  # ${comment}${out.slice(at)}`;
  return out;
}
