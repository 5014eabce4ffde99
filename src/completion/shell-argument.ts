// The <shell> argument of shell-init and completion: its choices listed in the help and completed.
import { Argument } from 'commander';
import { SHELLS } from './shell.js';

/** The shell named: its choices are listed in the help and completed; the action checks it with sdocker's own message. */
export function shellArgument(): Argument {
  const argument = new Argument('<shell>', 'the shell');
  argument.argChoices = [...SHELLS];
  return argument;
}
