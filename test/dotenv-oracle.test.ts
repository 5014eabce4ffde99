// sdocker reads a project's `.env` as docker-compose 1.29 does (src/compose/read/dotenv.ts): checked
// against compose's own reader, python-dotenv 0.21 as Debian's docker-compose installs it
// (dotenv_values(path, encoding='utf-8-sig', interpolate=True), compose/config/environment.py),
// on generated files mixing every construct its parser knows and the ones that break it.
// SDOCKER_PROP_SEED=N repeats a run.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDotenv } from '../src/compose/read/dotenv.js';
import { pick, random, type Rnd } from './helpers/spellings.js';
import { repeatLine, SEED } from './helpers/seed.js';

const PYTHON = '/usr/bin/python3';
const ENV = { FROM_ENV: 'env value', EMPTY: '', PRIV: 'true' };

const KEYS = ['A', 'PRIV', 'B_2', 'lower', "'QUOTED'", "'has space'", 'FROM_ENV', 'x.y', 'K-1'];
const VALUES = [
  'plain', 'false', 'two words', 'v # comment', 'v#no-comment', '  padded  ', '',
  "'single'", "'sin\\'gle'", "'a\\\\b'", "'${FROM_ENV}'", "'${UNSET:-fallback}'",
  '"double"', '"esc \\" \\n \\t \\\\ \\a"', '"multi\nline"', '"multi\r\nline"', '"${A}x${B_2:-d}"', '"unterminated',
  '${FROM_ENV}', '${EMPTY:-not used}', '${UNSET:-used}', '$FROM_ENV', '${A', '${A:x}', 'tail \\', '"q" junk', "'q' # ok",
];
const SEPARATORS = ['=', ' = ', '=\t', ' =', '\u00a0=\u00a0'];
const ENDS = ['\n', '\r\n', '\r', ' # end\n', '\n\n', '\n  \n'];
const EXTRA = ['# a comment line\n', '\n', 'export ', '   ', '=no key\n', 'NOVALUE\n', 'export X=1\n', '\uFEFF'];

function line(rnd: Rnd): string {
  const extra = rnd() < 0.3 ? pick(rnd, EXTRA) : '';
  return `${extra}${pick(rnd, KEYS)}${pick(rnd, SEPARATORS)}${pick(rnd, VALUES)}${pick(rnd, ENDS)}`;
}

function generate(rnd: Rnd): string {
  return Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => line(rnd)).join('').replace(/(?!^)\uFEFF/g, '');
}

/** python-dotenv's values for each file, None left out (sdocker leaves a key without value out). */
function oracle(files: readonly string[]): Record<string, string>[] {
  const script = "import sys, json, dotenv\nprint(json.dumps([{k: v for k, v in dotenv.dotenv_values(dotenv_path=p, encoding='utf-8-sig', interpolate=True).items() if v is not None} for p in sys.argv[1:]]))";
  const result = spawnSync(PYTHON, ['-c', script, ...files], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', ...ENV } });
  if (result.status !== 0) throw new Error(`python-dotenv (docker-compose 1.29's) did not answer: ${result.stderr || result.error?.message}`);
  return JSON.parse(result.stdout) as Record<string, string>[];
}

test('a .env file reads as docker-compose 1.29 reads it, for generated files', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-dotenv-'));
  try {
    const rnd = random(SEED);
    const texts = Array.from({ length: 400 }, () => generate(rnd));
    const files = texts.map((text, i) => {
      const file = join(dir, `${i}.env`);
      writeFileSync(file, text);
      return file;
    });
    const expected = oracle(files);
    const differ = texts.flatMap((text, i) => {
      const ours = parseDotenv(text, ENV);
      return JSON.stringify(ours) === JSON.stringify(expected[i]) ? [] : [`${JSON.stringify(text)}\n  python-dotenv ${JSON.stringify(expected[i])}\n  sdocker       ${JSON.stringify(ours)}`];
    });
    t.log(`${repeatLine()}; ${texts.length} files`);
    t.deepEqual(differ.slice(0, 10), [], `seed ${SEED}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the cases that misled sdocker before: a quoted key, a lone CR, a multi-line value, ${X:-...} in single quotes', (t) => {
  t.deepEqual(parseDotenv("'PRIV'=false\n", {}), { PRIV: 'false' });
  t.deepEqual(parseDotenv('A=1\rPRIV=false\r', {}), { A: '1', PRIV: 'false' });
  t.deepEqual(parseDotenv('M="line one\nPRIV=true"\n', {}), { M: 'line one\nPRIV=true' });
  t.deepEqual(parseDotenv("P='${UNSET:-true}'\n", {}), { P: 'true' });
  t.deepEqual(parseDotenv('E=${EMPTY:-x}\n', { EMPTY: '' }), { E: '' }, ':- falls back only when the name is missing');
});
