// docker's words are completed by docker itself: `docker __complete WORDS...` (cobra), the
// same call docker 28's own completion scripts make. sdocker adds only what docker cannot know:
// its --sd-* options among run/create/exec flags, rule ids and profile names as their values.
import { SDOCKER_FLAGS, LEARN_FLAGS } from '../docker/flags.js';
import { capture } from '../common/exec.js';
import { PROFILES, RULE_IDS } from './own.js';
import { NO_FILES, matching, parseCompletion, type Candidate, type Completion } from './protocol.js';

const OWN_VALUE: Readonly<Record<string, () => Candidate[]>> = { '--sd-allow': RULE_IDS, '--sd-profile': PROFILES };

const SD_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'sd-dry-run': 'print the hardened docker command and every reason; run nothing',
  'sd-allow': 'lift one refusal (RULE or RULE:ITEM)',
  'sd-profile': 'the profile for this run',
};
const SD_FLAGS: readonly Candidate[] = SDOCKER_FLAGS.map(([long]) => ({ value: `--${long}`, description: SD_DESCRIPTIONS[long] ?? '' }));

/** What docker completes for these words; nothing (files) if docker cannot be asked. */
export async function askDocker(docker: string, words: readonly string[], current: string): Promise<Completion> {
  const result = await capture(docker, ['__complete', ...words, current]).catch(() => undefined);
  return result === undefined || result.exitCode !== 0 ? { candidates: [], directive: 0 } : parseCompletion(result.stdout);
}

/** Drop sdocker's own options (docker's parser would stop at them as unknown flags). */
function withoutOwn(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    if (!word.startsWith('--sd-')) out.push(word);
    else if (OWN_VALUE[word] !== undefined) i += 1;
  }
  return out;
}

/**
 * run, create, exec (also as `container run`) and learn: docker's completion of `run`, plus
 * sdocker's options where docker offers its own flags (before the image, never after it).
 */
export async function completeRunLike(docker: string, words: readonly string[], current: string): Promise<Completion> {
  const values = OWN_VALUE[words.at(-1) ?? ''];
  if (values !== undefined) return { candidates: matching(current, values()), directive: NO_FILES };
  const learn = words[0] === 'learn';
  // docker offers nothing for `--sd` or `--probe`: ask it for all its flags, to learn whether
  // flags are still read here (before the image), and match them here.
  const asked = await askDocker(docker, withoutOwn(learn ? ['run', ...words.slice(1)] : words), current.startsWith('--') ? '--' : current);
  if (!current.startsWith('-')) return asked;
  if (!asked.candidates.some(({ value }) => value.startsWith('--'))) return { candidates: [], directive: asked.directive };
  const learnFlags = learn ? LEARN_FLAGS.map(([long]) => ({ value: `--${long}` })) : [];
  return { candidates: matching(current, [...asked.candidates, ...SD_FLAGS, ...learnFlags]), directive: asked.directive | NO_FILES };
}
