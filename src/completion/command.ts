// `sdocker completion SHELL`: the script that completes sdocker (scripts.ts).
import type { Command } from 'commander';
import type { Deps } from '../planner/deps.js';
import { asShell, shellArgument } from './shell-argument.js';
import { completionScript } from './scripts.js';

export function registerCompletion(program: Command, deps: Deps): void {
  program
    .command('completion')
    .addArgument(shellArgument())
    .description("print a completion script for sdocker's commands, options, rule ids and profiles; the rest is docker's own completion")
    .action((shell: string) => {
      deps.stdout(completionScript(asShell(shell)));
    });
}
