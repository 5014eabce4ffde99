// The <shell> argument of shell-init and completion: its choices listed in the help and completed.
import { Argument } from 'commander';
import { EXIT_USAGE, SdockerError } from '../common/errors.js';
import { SHELLS, type Shell } from './shell.js';

/** The shell named: its choices are listed in the help and completed; the action checks it with sdocker's own message. */
export function shellArgument(): Argument {
  const argument = new Argument('<shell>', 'the shell');
  argument.argChoices = [...SHELLS];
  return argument;
}

/** The shell the argument names, or sdocker's one-line error listing the shells. */
export function asShell(word: string): Shell {
  if (!(SHELLS as readonly string[]).includes(word)) throw new SdockerError(`sdocker: unknown shell '${word}'; use one of ${SHELLS.join(', ')}`, EXIT_USAGE);
  return word as Shell;
}
