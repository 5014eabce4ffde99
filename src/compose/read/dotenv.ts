// The variables compose interpolates with: the project folder's `.env` file, overridden by the
// process environment (compose v1 config/environment.py Environment.from_env_file: the file's
// values, then `update(os.environ)`; compose-go the same). The file is read as docker-compose
// 1.29 reads it, through python-dotenv 0.21 (env_vars_from_file: dotenv_values(path,
// encoding='utf-8-sig', interpolate=True)); this is a port of its parser.py and variables.py:
// - the file is opened in text mode: `\r\n` and a lone `\r` are both newlines, a BOM is dropped;
// - a binding is `[export ]KEY[ = VALUE][ # comment]`, KEY unquoted (`[^=#\s]+`) or in single
//   quotes; a value in single quotes (escapes `\\` `\'`), double quotes (`\\ \' \" \a \b \f \n
//   \r \t \v`; it may run over several lines), or unquoted (to the end of the line, ` #...` cut);
//   a line that does not parse is skipped whole, and so is the rest of the line after an error;
// - every value, single-quoted ones included, is then interpolated: `${NAME}` and
//   `${NAME:-default}` only (no `$NAME`, no nesting), from the environment and the lines above,
//   the file's own values winning; `:-` falls back only when NAME is missing, not when empty.
// A KEY without `=` has no value (Python None): compose then interpolates `${KEY}` as "None";
// it is left out here. compose v2 (compose-go's dotenv) differs: it expands `$NAME` too, never
// inside single quotes, and supports nested defaults (docs/compose.md).
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

/** Python's str.isspace() characters (`\s` in a str regex); `\r` never survives the newline translation. */
const WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** `[^\S\r\n]`: whitespace other than a newline. */
const HWS = '\\t\\v\\f\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const RE = {
  multilineWhitespace: new RegExp(`[${WS}]*`, 'y'),
  export: new RegExp(`(?:export[${HWS}]+)?`, 'y'),
  singleQuotedKey: /'([^']+)'/y,
  unquotedKey: new RegExp(`([^=#${WS}]+)`, 'y'),
  whitespace: new RegExp(`[${HWS}]*`, 'y'),
  equalSign: new RegExp(`(=[${HWS}]*)`, 'y'),
  singleQuotedValue: /'((?:\\'|[^'])*)'/y,
  doubleQuotedValue: /"((?:\\"|[^"])*)"/y,
  unquotedValue: /([^\r\n]*)/y,
  comment: new RegExp(`(?:[${HWS}]*#[^\\r\\n]*)?`, 'y'),
  endOfLine: new RegExp(`[${HWS}]*(?:\\r\\n|\\n|\\r|$)`, 'y'),
  restOfLine: /[^\r\n]*(?:\r|\n|\r\n)?/y,
};

const DOUBLE_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

class ParseError extends Error {}

class Reader {
  at = 0;
  constructor(readonly text: string) {}

  read(re: RegExp): string[] {
    re.lastIndex = this.at;
    const match = re.exec(this.text);
    if (match === null) throw new ParseError();
    this.at += match[0].length;
    return match.slice(1).map((group) => group ?? '');
  }

  peek(): string {
    return this.text[this.at] ?? '';
  }
}

/** The file's bindings in order, as python-dotenv's parse_stream yields them (None values as undefined). */
export function dotenvBindings(raw: string): [string, string | undefined][] {
  // Text mode: universal newlines, and utf-8-sig drops the BOM.
  const reader = new Reader(raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'));
  const out: [string, string | undefined][] = [];
  while (reader.at < reader.text.length) {
    try {
      reader.read(RE.multilineWhitespace);
      if (reader.at >= reader.text.length) break;
      reader.read(RE.export);
      const key = reader.peek() === '#' ? undefined : reader.read(reader.peek() === "'" ? RE.singleQuotedKey : RE.unquotedKey)[0];
      reader.read(RE.whitespace);
      let value: string | undefined;
      if (reader.peek() === '=') {
        reader.read(RE.equalSign);
        value = readValue(reader);
      }
      reader.read(RE.comment);
      reader.read(RE.endOfLine);
      if (key !== undefined) out.push([key, value]);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      reader.read(RE.restOfLine);
    }
  }
  return out;
}

function readValue(reader: Reader): string {
  const char = reader.peek();
  if (char === "'") return (reader.read(RE.singleQuotedValue)[0] ?? '').replace(/\\[\\']/g, (m) => m[1] as string);
  if (char === '"') return (reader.read(RE.doubleQuotedValue)[0] ?? '').replace(/\\[\\'"abfnrtv]/g, (m) => DOUBLE_ESCAPES[m[1] as string] as string);
  if (char === '' || char === '\n' || char === '\r') return '';
  const part = reader.read(RE.unquotedValue)[0] ?? '';
  return part.replace(new RegExp(`[${WS}]+#.*`), '').replace(new RegExp(`[${WS}]+$`), '');
}

/** python-dotenv's posix variables: `${NAME}` and `${NAME:-default}`. */
const VARIABLE = /\$\{([^}:]*)(?::-([^}]*))?\}/g;

/** The file's values, interpolated as dotenv_values(interpolate=True) does: the environment, then the lines above (which win). */
export function parseDotenv(text: string, env: Env): Record<string, string> {
  const values = new Map<string, string | undefined>();
  for (const [key, value] of dotenvBindings(text)) {
    const lookup = (name: string, fallback: string): string => (values.has(name) ? values.get(name) : Object.hasOwn(env, name) ? env[name] : fallback) ?? '';
    values.set(key, value === undefined ? undefined : value.replace(VARIABLE, (_whole, name: string, fallback?: string) => lookup(name, fallback ?? '')));
  }
  return Object.fromEntries([...values].filter((entry): entry is [string, string] => entry[1] !== undefined));
}
