// The completion protocol of cobra (spf13/cobra completions.go), which docker 28's own scripts
// speak: one candidate a line (`value<TAB>description`), then `:DIRECTIVE`. sdocker answers
// `sdocker __complete WORDS...` the same way, so one parser serves docker's answers and ours.
export interface Candidate {
  readonly value: string;
  readonly description?: string;
}

export interface Completion {
  readonly candidates: readonly Candidate[];
  /** cobra's ShellCompDirective bits: 2 no space after, 4 no file names when nothing matches. */
  readonly directive: number;
}

export const NO_FILES = 4;
export const FILES = 0;

export function parseCompletion(text: string): Completion {
  const lines = text.split('\n').filter((line) => line !== '');
  const last = lines.at(-1) ?? '';
  const hasDirective = /^:\d+$/.test(last);
  const directive = hasDirective ? Number(last.slice(1)) : FILES;
  const candidates = (hasDirective ? lines.slice(0, -1) : lines).map((line): Candidate => {
    const tab = line.indexOf('\t');
    return tab === -1 ? { value: line } : { value: line.slice(0, tab), description: line.slice(tab + 1) };
  });
  return { candidates, directive };
}

export function renderCompletion(completion: Completion): string {
  const lines = completion.candidates.map(({ value, description }) => (description === undefined ? value : `${value}\t${description.split('\n')[0] ?? ''}`));
  return [...lines, `:${completion.directive}`].join('\n') + '\n';
}

/** Candidates starting with what is typed, each value once (the first wins). */
export function matching(prefix: string, candidates: readonly Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return candidates.filter(({ value }) => value.startsWith(prefix) && !seen.has(value) && seen.add(value) !== undefined);
}
