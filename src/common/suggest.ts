// "Did you mean": the nearest known word to a mistyped one, by optimal-string-alignment distance
// (Damerau-Levenshtein with adjacent swaps: `privilgeed` is one edit from `privileged`).

/** Edits (insert, delete, substitute, swap two neighbours) turning a into b. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The closest candidate within about a third of the word's length (at least 1, at most 3 edits), if any. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** "; did you mean X?" or nothing: the tail of a one-line error. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const near = suggest(word, candidates);
  return near === undefined ? '' : `; did you mean ${near}?`;
}

/** commander's "error: unknown option '--x'\n(Did you mean --y?)" as one line in docker's style. */
export function oneLineError(text: string): string {
  const [first = '', ...more] = text.trim().split('\n');
  const hint = more.join(' ').trim().replace(/^\(Did you mean (.*)\?\)$/, 'did you mean $1?');
  return `sdocker: ${first.replace(/^error: /, '').replace(/\.$/, '')}${hint === '' ? '' : `; ${hint}`}\n`;
}
