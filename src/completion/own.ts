// Completion of sdocker's own commands, read from the commander tree itself: a command
// registered in commands.ts is completed (its subcommands, options, option values and argument
// choices) without a line here.
import { readdirSync } from 'node:fs';
import type { Command, Option } from 'commander';
import { APPARMOR_DIR } from '../policy/apparmor.js';
import { listProfiles } from '../policy/load.js';
import { REFUSALS } from '../policy/rules.js';
import { FILES, NO_FILES, matching, type Candidate, type Completion } from './protocol.js';

export const RULE_IDS = (): Candidate[] => Object.entries(REFUSALS).map(([value, row]) => ({ value, description: row.title }));
export const PROFILES = (): Candidate[] => listProfiles().map((value) => ({ value }));
const APPARMOR_PROFILES = (): Candidate[] => readdirSync(APPARMOR_DIR).map((value) => ({ value }));

/** Values of an option commander cannot know: rule ids and profile names. */
function optionValues(command: Command, option: Option): Candidate[] | undefined {
  if (option.argChoices !== undefined) return option.argChoices.map((value) => ({ value }));
  if (option.long === '--allow' || option.long === '--sd-allow') return RULE_IDS();
  if (option.long === '--profile') return command.parent?.name() === 'apparmor' ? APPARMOR_PROFILES() : PROFILES();
  return undefined;
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

/** The options of `command`, its help option included (commander's Help lists it). */
function optionsOf(command: Command): Option[] {
  return command.createHelp().visibleOptions(command);
}

function findOption(command: Command, word: string): Option | undefined {
  return optionsOf(command).find((option) => option.long === word || option.short === word);
}

/** `words` are those before the one being completed, the first one naming an own command. */
export function completeOwn(program: Command, words: readonly string[], current: string): Completion {
  let command = program;
  let positionals = 0;
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    const sub = command.commands.find((child) => child.name() === word);
    if (sub !== undefined && positionals === 0) {
      command = sub;
      continue;
    }
    const option = word.startsWith('-') ? findOption(command, word) : undefined;
    if (option !== undefined && takesValue(option) && !word.includes('=')) {
      if (i === words.length - 1) return { candidates: matching(current, optionValues(command, option) ?? []), directive: optionValues(command, option) === undefined ? FILES : NO_FILES };
      i += 1;
    } else if (!word.startsWith('-')) positionals += 1;
  }
  if (current.startsWith('-')) {
    const flags = optionsOf(command).flatMap((option) => [option.long, option.short].filter((flag): flag is string => flag !== undefined).map((value) => ({ value, description: option.description })));
    return { candidates: matching(current, flags), directive: NO_FILES };
  }
  const subs = command.createHelp().visibleCommands(command).map((child) => ({ value: child.name(), description: child.description() }));
  const choices = command.registeredArguments[Math.min(positionals, command.registeredArguments.length - 1)]?.argChoices;
  const candidates = [...(positionals === 0 ? subs : []), ...(choices ?? []).map((value) => ({ value }))];
  // No candidates at all (harden's files, trust's files): the shell's own file names.
  return { candidates: matching(current, candidates), directive: candidates.length > 0 ? NO_FILES : FILES };
}
