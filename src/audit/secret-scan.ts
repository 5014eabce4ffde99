// Finding secrets in one text: an ENV value, a label value, a history step or a file of a layer.
// By VALUE with secretlint's recommended preset, and by NAME for ENV, labels, build arguments
// and dotenv files. Values are never returned whole: a hit carries only the masked form. The
// layer reader calls findSecrets once per small file of every layer, so a call reuses the one
// loaded engine and skips what it cannot scan cheaply.

import { scanWithSecretlint, type RuleMatch } from './secret-engine.js';
import { dotenvEntries, holdsNoSecret, isDotenvPath, isSecretName, type NamedValue } from './secret-names.js';

export type SecretPlace = 'env' | 'label' | 'history' | 'file';

export interface SecretWhere {
  readonly kind: SecretPlace;
  /** The ENV name, the label key, the history step (oldest first, from 0), or the file's path. */
  readonly name: string;
  /** The layer a file is in (oldest first, from 1). */
  readonly layer?: number;
  /** Whether that layer came from the base image rather than the image's own steps. */
  readonly fromBase?: boolean;
  /** What a later layer did to the file: it is still in the image's layers either way. */
  readonly fate?: 'deleted' | 'replaced';
}

export interface SecretHit {
  readonly where: SecretWhere;
  /** `value`: a secretlint rule matched the value (warn); `name`: only its name says secret (info). */
  readonly by: 'value' | 'name';
  /** What matched: secretlint's rule and message id (`aws/AWSSecretAccessKey`), or `secret-like name`. */
  readonly what: string;
  /** The variable a name hit is about, inside a history step or a dotenv file. */
  readonly key?: string;
  /** 1-based line in a file or history step. */
  readonly line?: number;
  /** The value masked (see maskSecret); the value itself is never kept. */
  readonly masked: string;
}

/**
 * Files larger than this are not scanned: secrets live in small config files, and secretlint's
 * cost grows with the text (measured here: ~4.4 ms for 1 MiB of text, ~0.02 ms for 1 KiB).
 */
export const MAX_SCAN_BYTES = 1 << 20;

/**
 * The text of a file worth scanning, or undefined: too large, or binary (a NUL byte in the
 * first 8 KiB, git's own test for binary files).
 */
export function scannableText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0 || bytes.length > MAX_SCAN_BYTES) return undefined;
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}

/**
 * The first 4 characters (only when the value is long enough that 4 of them give little away),
 * then its length: `ghp_…(40 chars)`. Unprintable characters shown as `?`.
 */
export function maskSecret(value: string): string {
  const shown = value.length >= 16 ? value.slice(0, 4).replace(/[^\x21-\x7e]/g, '?') : '';
  return `${shown}…(${value.length} chars)`;
}

/** Secrets in one ENV value, label value, history step (CreatedBy) or file's text. */
export async function findSecrets(text: string, where: SecretWhere): Promise<SecretHit[]> {
  if (text.length > MAX_SCAN_BYTES || text.includes('\0')) return [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  switch (where.kind) {
    case 'env':
    case 'label':
      return findInKeyValue(body, where);
    case 'history':
      return findInText(body, where, 'history', buildEntries(body));
    case 'file':
      return findInText(body, where, where.name, isDotenvPath(where.name) ? dotenvEntries(body) : []);
  }
}

/** `NAME=value` is scanned whole: some rules need the name (aws's `AWS_SECRET_ACCESS_KEY=`). */
async function findInKeyValue(value: string, where: SecretWhere): Promise<SecretHit[]> {
  if (value === '') return [];
  const line = `${where.name}=${value}`;
  const offset = where.name.length + 1;
  const matches = (await scanWithSecretlint(line, where.kind)).filter((m) => m.end > offset);
  if (matches.length > 0) return matches.map((m) => valueHit(line, Math.max(m.start, offset), m, where, false));
  if (!isSecretName(where.name) || holdsNoSecret(value)) return [];
  // A secret-named variable holding a long random-looking value is a key whatever secretlint
  // knows of its format (it skips AWS's published example pair on purpose; an image shipping
  // even that ships a credential-shaped value to every container).
  if (looksLikeKey(value)) return [{ where, by: 'value', what: 'secret-like name/key-like value', masked: maskSecret(value) }];
  return [{ where, by: 'name', what: 'secret-like name', masked: maskSecret(value) }];
}

/** 20+ characters of base64/hex/token alphabet with letters and digits mixed, no spaces. */
function looksLikeKey(value: string): boolean {
  return value.length >= 20 && /^[A-Za-z0-9+/=_\-.]+$/.test(value) && /[A-Za-z]/.test(value) && /[0-9]/.test(value) && new Set(value).size >= 10;
}

/** A file or history step: secretlint on the text, then names of its `KEY=VALUE` entries. */
async function findInText(text: string, where: SecretWhere, path: string, entries: NamedValue[]): Promise<SecretHit[]> {
  const matches = [...(await scanWithSecretlint(text, path))];
  // secretlint's privatekey rule wants a body of 100+ characters: an Ed25519 key in PKCS#8 form
  // (about 64) passes it by. A PEM private key block of any length is one.
  for (const block of text.matchAll(/-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g)) {
    const start = block.index ?? 0;
    const end = start + block[0].length;
    if (matches.some((m) => m.start < end && m.end > start)) continue;
    matches.push({ rule: 'pem', what: 'private-key', start, end, line: text.slice(0, start).split('\n').length });
  }
  const hits = matches.map((m) => valueHit(text, m.start, m, where, true));
  for (const e of entries) {
    const covered = matches.some((m) => m.start < e.start + e.value.length && m.end > e.start);
    if (covered || !isSecretName(e.name) || holdsNoSecret(e.value)) continue;
    hits.push({ where, by: 'name', what: 'secret-like name', key: e.name, line: e.line, masked: maskSecret(e.value) });
  }
  return hits;
}

function valueHit(text: string, start: number, m: RuleMatch, where: SecretWhere, withLine: boolean): SecretHit {
  const masked = maskSecret(text.slice(start, m.end));
  const what = `${m.rule}/${m.what}`;
  return withLine ? { where, by: 'value', what, line: m.line, masked } : { where, by: 'value', what, masked };
}

/**
 * Build arguments a RUN step saw, as the engine's history records them: `|2 A=1 B=2 /bin/sh -c
 * ...` (moby builder and BuildKit alike), and the pairs of an `ENV` step, which stay in history
 * even when a later step overwrites the variable.
 */
function buildEntries(createdBy: string): NamedValue[] {
  const args = /^\|(\d+) /.exec(createdBy);
  const env = /^(?:\/bin\/sh -c #\(nop\)\s+)?ENV\s+/.exec(createdBy);
  const from = args?.[0].length ?? env?.[0].length;
  if (from === undefined) return [];
  const words = createdBy.slice(from).split(' ');
  const take = args ? Number(args[1]) : words.length;
  const out: NamedValue[] = [];
  let start = from;
  for (const word of words.slice(0, take)) {
    const eq = word.indexOf('=');
    if (eq > 0) out.push({ name: word.slice(0, eq), value: word.slice(eq + 1), start: start + eq + 1, line: 1 });
    start += word.length + 1;
  }
  return out;
}
