// Case as Go folds it (strings.ToLower, strings.ToUpper): each code point by Unicode's simple
// mapping, one code point for one. JavaScript's toLowerCase uses the full mapping instead, and
// the two differ where it matters to a bypass: Go lowers İ (U+0130) to a plain `i`, JavaScript
// to `i` and a combining dot, so `--mount type=bİnd` is a bind to docker and not to a naive
// reading. JavaScript also lowers a final Σ by its context (ς) and raises ß to `SS`; Go does
// neither. Used wherever the docker CLI or daemon fold a word before comparing it.

/** Go's strings.ToLower. */
export function goLower(text: string): string {
  // ASCII (nearly every value): one call, as Go's own fast path.
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  let out = '';
  for (const char of text) out += char === '\u0130' ? 'i' : single(char.toLowerCase(), char);
  return out;
}

/** Go's strings.ToUpper. */
export function goUpper(text: string): string {
  if (/^[\x00-\x7f]*$/.test(text)) return text.toUpperCase();
  let out = '';
  for (const char of text) out += single(char.toUpperCase(), char);
  return out;
}

/** A mapping to more than one code point is JavaScript's full mapping: Go's simple one keeps the character. */
function single(mapped: string, char: string): string {
  return [...mapped].length === 1 ? mapped : char;
}
