// Small pieces of commander wiring shared by sdocker's own commands.

/** commander's "error: unknown option '--x'\n(Did you mean --y?)" as one line in docker's style. */
export function oneLineError(text: string): string {
  const [first = '', ...more] = text.trim().split('\n');
  const hint = more.join(' ').trim().replace(/^\(Did you mean (.*)\?\)$/, 'did you mean $1?');
  return `sdocker: ${first.replace(/^error: /, '').replace(/\.$/, '')}${hint === '' ? '' : `; ${hint}`}\n`;
}
