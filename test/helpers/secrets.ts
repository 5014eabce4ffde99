// Fake secrets for the scanner's tests, drawn from a seeded generator (test/helpers/seed.ts) in
// the format each secretlint rule expects, so the repository holds no token a scanner would
// flag. Each is built to match its rule for every draw (secrets.test.ts checks 1,000 seeds);
// the rules are @secretlint/secretlint-rule-preset-recommend 11.7.1's.
import { draw, shuffle, type Rnd } from './seed.js';
import type { ImageSnapshot } from '../../src/audit/types.js';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const BASE64 = `${ALNUM}+/`;

const one = (rnd: Rnd, alphabet: string): string => draw(rnd, alphabet, 1);

/**
 * An AWS secret access key's shape: 40 characters of [A-Za-z0-9+/]. The aws rule's pattern ends
 * `([A-Za-z0-9/+=]{40})["']?\b`: after a value at the end of the text, \b holds only when its
 * last character is a letter or digit, so a key ending in `+` or `/` (1 draw in 32) is not
 * found by it. The fake starts and ends with a letter or digit (a value starting with `/` reads
 * as a path to sdocker's name test, audit/secret-names.ts holdsNoSecret), and holds a digit, a
 * letter and 38 distinct characters in between, so sdocker's key-like test (secret-scan.ts
 * looksLikeKey) holds for it, and for it with its last character replaced.
 */
export function fakeAwsSecret(rnd: Rnd): string {
  const required = [one(rnd, DIGITS), one(rnd, UPPER), one(rnd, LOWER)];
  const rest = shuffle(rnd, [...BASE64].filter((c) => !required.includes(c))).slice(0, 35);
  return one(rnd, ALNUM) + shuffle(rnd, [...required, ...rest]).join('') + one(rnd, ALNUM);
}

/** A classic personal access token: `ghp_` and 36 of [A-Za-z0-9] (the rule takes [A-Za-z0-9_]{36}). */
export const fakeGithubToken = (rnd: Rnd): string => `ghp_${draw(rnd, ALNUM, 36)}`;
/** A bot token: `xoxb-`, two numeric ids, 24 characters (the rule: `xoxb-` then `[a-zA-Z0-9]{1,40}-` parts). */
export const fakeSlackToken = (rnd: Rnd): string => `xoxb-${draw(rnd, DIGITS, 13)}-${draw(rnd, DIGITS, 13)}-${draw(rnd, ALNUM, 24)}`;

/**
 * A live secret key's shape: `sk_live_` and 24 characters, 3 of them distinct digits, so it is
 * key-like (a digit, a letter, 10+ distinct characters) for every draw: no secretlint rule of
 * the preset knows Stripe, only that test finds it.
 */
export function fakeStripeKey(rnd: Rnd): string {
  const digits = shuffle(rnd, [...DIGITS]).slice(0, 3);
  return ['sk', 'live', shuffle(rnd, [...digits, ...draw(rnd, ALNUM, 21)]).join('')].join('_');
}

/** Whether anything of `value` (whole, or its last 8 characters) shows in `output` as JSON. */
export function leaks(output: unknown, value: string): boolean {
  const text = JSON.stringify(output);
  return text.includes(value) || text.includes(value.slice(-8));
}

export interface ImageParts {
  readonly env: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** CreatedBy of each step, oldest first (the engine lists them newest first). */
  readonly history: readonly string[];
}

export function imageWith(parts: ImageParts): ImageSnapshot {
  return {
    ref: 'example/app:1',
    raw: { Id: 'sha256:0', RepoTags: ['example/app:1'], RepoDigests: [], Config: { Env: parts.env, Labels: parts.labels } },
    history: parts.history.map((CreatedBy, i) => ({ Id: '<missing>', Created: i, CreatedBy, Size: 0, Comment: '' })).reverse(),
  };
}
