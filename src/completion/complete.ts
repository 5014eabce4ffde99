// `sdocker __complete WORDS... CURRENT`: what the completion scripts (scripts.ts) ask. sdocker's
// own commands are completed from the commander tree (own.ts); run/create/exec/learn by docker
// plus sdocker's options (docker.ts); every other word by docker alone.
import type { Command } from 'commander';
import type { Deps } from '../planner/deps.js';
import { HARDENED } from '../docker/words.js';
import { askDocker, completeRunLike } from './docker.js';
import { completeOwn, RULE_IDS } from './own.js';
import { NO_FILES, matching, renderCompletion, type Completion } from './protocol.js';

export async function runComplete(program: Command, args: readonly string[], deps: Deps): Promise<number> {
  const words = args.slice(0, -1);
  const current = args.at(-1) ?? '';
  deps.stdout(renderCompletion(await complete(program, words, current, deps.docker)));
  return 0;
}

/** Names of sdocker's own commands; `help` and `completion` stand for docker's too. */
function ownNames(program: Command): string[] {
  return program.commands.map((command) => command.name());
}

async function complete(program: Command, words: readonly string[], current: string, docker: string): Promise<Completion> {
  const [first, second] = words;
  const own = ownNames(program);
  if (first === undefined || (first === 'help' && words.length === 1)) {
    const fromDocker = await askDocker(docker, words, current);
    const ours = program.commands.map((command) => ({ value: command.name(), description: command.description() }));
    return { candidates: matching(current, [...ours, ...fromDocker.candidates]), directive: NO_FILES };
  }
  if (first === 'learn' || HARDENED.has(first) || (first === 'container' && HARDENED.has(second ?? ''))) return completeRunLike(docker, words, current);
  if (first === 'compose') return completeCompose(docker, words, current);
  // stack's words are docker's (deploy, ls, rm ...); sdocker hardens deploy without options of its own to complete.
  if (first === 'stack') return askDocker(docker, words, current);
  if (first !== 'help' && own.includes(first)) return completeOwn(program, words, current);
  if (first === 'help' && own.includes(second ?? '')) return completeOwn(program, words.slice(1), current);
  return askDocker(docker, words, current);
}

/** compose: sdocker's --sd-allow right after `compose`; compose's own words are compose's. */
async function completeCompose(docker: string, words: readonly string[], current: string): Promise<Completion> {
  if (words.at(-1) === '--sd-allow') return { candidates: matching(current, RULE_IDS()), directive: NO_FILES };
  const asked = await askDocker(docker, words.filter((word) => !word.startsWith('--sd-')), current);
  if (!current.startsWith('-') || words.slice(1).some((word) => !word.startsWith('-'))) return asked;
  return { candidates: matching(current, [{ value: '--sd-allow', description: 'lift one refusal of the model or of a run\'s flags' }, ...asked.candidates]), directive: asked.directive };
}
