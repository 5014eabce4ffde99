// The manual as the tests read it: README.md and docs/*.md, their shell blocks, and the command
// lines in them (comments dropped, `\` continuations joined), split into words as a shell would
// for the plain lines a manual prints (quotes, no expansion).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Page {
  readonly file: string; // relative to ROOT: README.md, docs/run.md
  readonly text: string;
}

export function pages(): Page[] {
  const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`);
  return ['README.md', ...docs].map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));
}

/** The lines of each ```sh block, and of each ```console block the `$ ` lines, in order. */
export function shellBlocks(text: string): string[][] {
  const blocks: string[][] = [];
  for (const match of text.matchAll(/^```(sh|console)\n([\s\S]*?)^```$/gm)) {
    const lines = (match[2] ?? '').split('\n');
    blocks.push(match[1] === 'sh' ? lines : lines.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2)));
  }
  return blocks;
}

export interface Line {
  readonly command: string;
  /** The comment after it (`# ...`), where the expected outcome is said. */
  readonly comment: string;
}

/** Command lines: a `#` after whitespace starts the comment; blank and comment-only lines dropped. */
export function commandLines(block: readonly string[]): Line[] {
  const joined = block.join('\n').replace(/\\\n\s*/g, '');
  return joined.split('\n').flatMap((raw) => {
    const at = raw.search(/(^|\s)#/);
    const command = (at === -1 ? raw : raw.slice(0, at)).trim();
    return command === '' ? [] : [{ command, comment: at === -1 ? '' : raw.slice(at).replace(/^\s*#\s*/, '') }];
  });
}

/** Each `sdocker ...` in a line: alone, after `&&` or `|`, or inside `"$(...)"`. */
export function sdockerCommands(command: string): string[][] {
  return [...command.matchAll(/(?:^|&&|\||\$\()\s*(sdocker\s[^|&>)]*)/g)].map((m) => words((m[1] ?? '').trim()));
}

/** Words as a shell splits a plain line: whitespace, '...' and "..." quoting. */
export function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** The exit codes a line's comment promises: "exit N" is N; "exit N when ..." is N or 0; none is 0. */
export function expectedCodes(comment: string): number[] {
  const said = /exit (\d+)( when)?/.exec(comment);
  if (said === null) return [0];
  return said[2] === undefined ? [Number(said[1])] : [0, Number(said[1])];
}

/** A line of a first example that needs a real engine: learn, explain, doctor, audit, a run that is not refused or dry. */
export function needsEngine(args: readonly string[], comment: string): boolean {
  const [command = ''] = args;
  if (['learn', 'explain', 'doctor', 'audit'].includes(command)) return true;
  return ['run', 'create'].includes(command) && !args.some((a) => a.startsWith('--sd-dry-run')) && !expectedCodes(comment).includes(125);
}

/** Images a first example names, and the local stand-in the tests run instead (no registry here). */
export const STAND_INS: Readonly<Record<string, string>> = {
  'varnish:7.6': 'localhost/sdlearn2/varnish:1',
};
