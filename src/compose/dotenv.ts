// The variables compose interpolates with: the project folder's `.env` file, overridden by the
// process environment (compose v1 config/environment.py Environment.from_env_file: the file's
// values, then `update(os.environ)`; compose-go the same). The file is read as python-dotenv
// 0.21 reads it for compose 1.29: `[export] KEY=VALUE`, `#` comments, single quotes literal,
// double quotes with escapes, and `${NAME}` / `${NAME:-default}` expanded in unquoted and
// double-quoted values, earlier lines of the file first, then the environment.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from './interpolate.js';

export function projectEnv(projectDir: string, env: Env): Env {
  let text: string;
  try {
    text = readFileSync(join(projectDir, '.env'), 'utf8');
  } catch {
    return env;
  }
  return { ...parseDotenv(text, env), ...definedOnly(env) };
}

function definedOnly(env: Env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

const LINE = /^\s*(?:export\s+)?([^=#\s]+)\s*=\s*(.*)$/;

export function parseDotenv(text: string, env: Env): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const match = LINE.exec(line);
    if (match === null) continue;
    const [, key = '', raw = ''] = match;
    const lookup = (name: string): string | undefined => values[name] ?? env[name];
    values[key] = readValue(raw, lookup);
  }
  return values;
}

function readValue(raw: string, lookup: (name: string) => string | undefined): string {
  const single = /^'((?:\\'|[^'])*)'/.exec(raw);
  if (single !== null) return (single[1] ?? '').replace(/\\'/g, "'");
  const double = /^"((?:\\.|[^"\\])*)"/.exec(raw);
  if (double !== null) return expand(unescape(double[1] ?? ''), lookup);
  return expand(raw.replace(/\s+#.*$/, '').trim(), lookup);
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', "'": "'" };

function unescape(text: string): string {
  return text.replace(/\\(.)/g, (whole, c: string) => ESCAPES[c] ?? whole);
}

/** python-dotenv's POSIX subset: `${NAME}` and `${NAME:-default}` (no nesting, `$NAME` kept). */
function expand(text: string, lookup: (name: string) => string | undefined): string {
  return text.replace(/\$\{([^}:]*)(?::-([^}]*))?\}/g, (_whole, name: string, fallback?: string) => lookup(name) ?? fallback ?? '');
}
