// The two ways in: `sdocker harden --learn [--write] FILE` (every service whose image has no
// profile) and `sdocker learn -f FILE [SERVICE...]` (the services named; the file printed unless
// --write). What harden's other modes do does not mix with learning: one clear line.
import type { Deps } from '../planner/deps.js';
import { EXIT_USAGE, SdockerError } from '../common/errors.js';
import type { HardenFlags } from '../compose/edit/command.js';
import { runComposeLearn } from './learn.js';

export function runHardenLearn(files: readonly string[], flags: HardenFlags, deps: Deps): Promise<number> {
  const other = [flags.check && '--check', flags.diff && '--diff', flags.override !== undefined && '--override', flags.segment && '--segment', (flags.format ?? 'text') !== 'text' && '--format', (flags.target ?? 'compose') !== 'compose' && '--target'].filter(Boolean);
  if (other.length > 0) throw new SdockerError(`sdocker: harden --learn writes a file (or prints it); it does not go with ${other.join(', ')}: run harden ${other[0] ?? ''} on the learned file afterwards`, EXIT_USAGE);
  if (files.length !== 1) throw new SdockerError('sdocker: harden --learn takes one compose file: sdocker harden --learn --write FILE', EXIT_USAGE);
  return runComposeLearn({ files, services: [], write: flags.write === true, profile: flags.profile, allow: flags.allow ?? [] }, deps);
}

/** `learn -f FILE [-f FILE] [--write] [SERVICE...]`. */
export function runLearnFile(args: readonly string[], deps: Deps): Promise<number> {
  const files: string[] = [];
  const services: string[] = [];
  let write = false;
  for (let i = 0; i < args.length; i += 1) {
    const word = args[i] ?? '';
    if (word === '-f' || word === '--file') {
      const file = args[i + 1];
      if (file === undefined) throw new SdockerError(`sdocker learn: ${word} needs a compose file: sdocker learn -f FILE [SERVICE...]`, EXIT_USAGE);
      files.push(file);
      i += 1;
    } else if (word.startsWith('--file=')) files.push(word.slice('--file='.length));
    else if (word === '--write') write = true;
    else if (word.startsWith('-')) throw new SdockerError(`sdocker learn: ${word} is not an option of learn -f (only -f FILE, --write and service names)`, EXIT_USAGE);
    else services.push(word);
  }
  return runComposeLearn({ files, services, write, profile: deps.env['SDOCKER_PROFILE'] || 'default' }, deps);
}
