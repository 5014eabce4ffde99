// Key-name heuristics for secrets that no value pattern can recognise (`DB_PASSWORD=hunter2`):
// an ENV name, a label key or a `.env` line whose name says "credential". Weaker evidence than
// a value match, so `audit` reports them as info, not warn. CIS Docker Benchmark 4.10: do not
// store secrets in Dockerfiles (ENV and labels end up in every container's inspect output).

/** Words that make a name secret-like wherever they stand in it. */
const SECRET_WORDS = new Set([
  'PASSWORD', 'PASSWD', 'PASS', 'PWD', 'SECRET', 'SECRETS', 'TOKEN', 'APIKEY', 'CREDENTIAL',
  'CREDENTIALS', 'PASSPHRASE',
]);

/**
 * A name whose last word is one of these describes a secret rather than holding one: a
 * version, a download checksum, a public key id or fingerprint, where the secret lives
 * (`POSTGRES_PASSWORD_FILE=/run/secrets/db` is the recommended practice), or its policy.
 */
const DESCRIPTIVE_LAST = new Set([
  'VERSION', 'SHA', 'SHA1', 'SHA256', 'SHA512', 'MD5', 'CHECKSUM', 'ID', 'IDS', 'FINGERPRINT',
  'FILE', 'PATH', 'DIR', 'URL', 'URI', 'ENDPOINT', 'HOST', 'PORT', 'USER', 'USERNAME', 'NAME',
  'TTL', 'EXPIRY', 'LIFETIME', 'TIMEOUT', 'LENGTH', 'TYPE', 'METHOD', 'HEADER', 'ENABLED',
]);

/**
 * Words before a final KEY that make it public: official images verify downloads with
 * `GPG_KEY`/`GPG_KEYS` (python, php, httpd: signing key fingerprints), and a public key is
 * public.
 */
const PUBLIC_KEY_WORDS = new Set(['GPG', 'PGP', 'PUBLIC', 'PUB', 'SIGNING', 'HOST', 'RELEASE']);

/** `PWD`, the shell's working directory, is the one exact name the word list would catch. */
const EXACT_ALLOWED = new Set(['PWD', 'OLDPWD']);

/** `DB_PASSWORD`, `com.example.api-token`, `apiKey` -> DB PASSWORD / COM EXAMPLE API TOKEN / API KEY. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w !== '');
}

/** Whether a variable or label name says it holds a secret. */
export function isSecretName(name: string): boolean {
  if (EXACT_ALLOWED.has(name.toUpperCase())) return false;
  const words = nameWords(name);
  const last = words.at(-1);
  if (last === undefined || DESCRIPTIVE_LAST.has(last)) return false;
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  if (last === 'KEY' || last === 'KEYS') {
    const before = words.at(-2);
    return before === undefined || !PUBLIC_KEY_WORDS.has(before);
  }
  return false;
}

/**
 * Values that hold nothing to leak: empty, a reference to another variable (`$DB_PASS`,
 * `${TOKEN}`), a path to where the secret is mounted, a flag. A placeholder such as `changeme`
 * is NOT in this list on purpose: an image that ships a default password runs with a known one
 * wherever nobody overrides it.
 */
export function holdsNoSecret(value: string): boolean {
  const v = value.trim();
  return (
    v === '' ||
    /^\$\{?[A-Za-z_][A-Za-z0-9_]*(:?[-=?][^}]*)?\}?$/.test(v) ||
    /^\/[^\s:@]*$/.test(v) ||
    /^(true|false|yes|no|on|off|0|1|none|null)$/i.test(v)
  );
}

export interface NamedValue {
  readonly name: string;
  readonly value: string;
  /** Offset of the value in the scanned text, and its 1-based line. */
  readonly start: number;
  readonly line: number;
}

/** `KEY=VALUE` lines of a dotenv file (`export ` and quotes allowed, comments skipped). */
export function dotenvEntries(text: string): NamedValue[] {
  const out: NamedValue[] = [];
  const re = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*(["']?)(.*?)\2[ \t]*\r?$/d;
  let offset = 0;
  text.split('\n').forEach((row, i) => {
    const m = re.exec(row);
    const at = m?.indices?.[3];
    if (m && at) out.push({ name: m[1] ?? '', value: m[3] ?? '', start: offset + at[0], line: i + 1 });
    offset += row.length + 1;
  });
  return out;
}

/** Whether a file's name says it is a dotenv file (`.env`, `.env.production`, `app.env`). */
export function isDotenvPath(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base === '.env' || base.startsWith('.env.') || base.endsWith('.env');
}
