// `sdocker completion SHELL`: the script that completes sdocker (scripts.ts).
import type { Command } from 'commander';
import type { Deps } from '../planner/deps.js';
import { EXIT_USAGE, SdockerError } from '../common/errors.js';
import { shellArgument } from './shell-argument.js';
import { SHELLS, type Shell } from './shell.js';
import { completionScript } from './scripts.js';

export function registerCompletion(program: Command, deps: Deps): void {
  program
    .command('completion')
    .addArgument(shellArgument())
    .description("print a completion script for sdocker's commands, options, rule ids and profiles; the rest is docker's own completion")
    .action((shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) throw new SdockerError(`sdocker: unknown shell '${shell}'; use one of ${SHELLS.join(', ')}`, EXIT_USAGE);
      deps.stdout(completionScript(shell as Shell));
    });
}
