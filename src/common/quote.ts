// Words and paths as a user types them back into a POSIX shell: a printed command or file name
// can be pasted as is.
import { isAbsolute, relative } from 'node:path';

/** A word as a POSIX shell would need it. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A file relative to the working directory when below it (`./x.yml`), else absolute; quoted when the shell would split it. */
export function shownPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return shellQuote(rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? `./${rel}` : file);
}
