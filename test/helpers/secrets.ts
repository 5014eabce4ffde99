// Fake secrets for the scanner's tests, made at run time in the format each secretlint rule
// expects (random, so the repository holds no token a scanner would flag), and a leak check.
import { randomBytes, randomInt } from 'node:crypto';
import type { ImageSnapshot } from '../../src/audit/types.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function pick(alphabet: string, length: number): string {
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/** 40 characters of [A-Za-z0-9+/]: an AWS secret access key's shape (30 bytes in base64). */
export const fakeAwsSecret = (): string => randomBytes(30).toString('base64');
/** A classic personal access token: `ghp_` and 36 characters. */
export const fakeGithubToken = (): string => `ghp_${pick(ALNUM, 36)}`;
/** A bot token: `xoxb-`, two numeric ids, 24 characters. */
export const fakeSlackToken = (): string => `xoxb-${pick('0123456789', 13)}-${pick('0123456789', 13)}-${pick(ALNUM, 24)}`;
/** A live secret key's shape: `sk_live_` and 24 characters. */
export const fakeStripeKey = (): string => ['sk', 'live', pick(ALNUM, 24)].join('_');

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
