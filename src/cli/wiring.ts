// Small pieces of commander wiring shared by sdocker's own commands.
import { Argument } from 'commander';
import { SHELLS } from '../completion/shell.js';

/** The shell named: its choices are listed in the help and completed; the action checks it with sdocker's own message. */
export function shellArgument(): Argument {
  const argument = new Argument('<shell>', 'the shell');
  argument.argChoices = [...SHELLS];
  return argument;
}

/** commander's "error: unknown option '--x'\n(Did you mean --y?)" as one line in docker's style. */
export function oneLineError(text: string): string {
  const [first = '', ...more] = text.trim().split('\n');
  const hint = more.join(' ').trim().replace(/^\(Did you mean (.*)\?\)$/, 'did you mean $1?');
  return `sdocker: ${first.replace(/^error: /, '').replace(/\.$/, '')}${hint === '' ? '' : `; ${hint}`}\n`;
}
