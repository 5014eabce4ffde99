// Property of harden over a corpus (the goldens and seeded re-spellings of them, see
// helpers/yaml-variants.ts): every line it does not edit comes back byte for byte, the result
// reads as the input plus the additions (for yaml and for docker-compose 1.29 itself), and
// hardening it again changes nothing.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, promisify } from 'node:util';
import { isMap, isSeq, parseDocument, type Node } from 'yaml';
import { hardenCompose } from '../src/compose/edit/harden.js';
import type { ServiceEdit } from '../src/compose/keys/types.js';
import { ComposeDocument, renderYaml } from '../src/yaml/index.js';
import { preserveCorpus, type PreserveCase } from './helpers/yaml-variants.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/compose/', import.meta.url));
// compose v1 reads the seccomp profile while it builds the config: a file that exists.
const OPTIONS = { profile: 'default', env: {}, cliAllow: [], seccomp: fileURLToPath(new URL('../../seccomp/sdocker-default.json', import.meta.url)) };
const CORPUS = preserveCorpus(FIXTURES, 9, 5);
const run = promisify(execFile);

type Data = Record<string, unknown>;

/** As compose v1 (PyYAML, YAML 1.1) reads a file: `0440` is octal, merge keys resolved. */
function read(text: string): Data {
  return parseDocument(text, { version: '1.1', merge: true }).toJS() as Data;
}

function setIn(target: Data, path: readonly (string | number)[], value: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path.at(-1) as string | number] = structuredClone(value);
}

/** The input's data with harden's edits made on it: what the output must read as. */
function expected(input: Data, edits: readonly ServiceEdit[]): Data {
  const out = structuredClone(input);
  const services = out['services'] as Record<string, Data>;
  // Each service on its own: an aliased service is a copy in the output.
  for (const name of Object.keys(services)) services[name] = structuredClone(services[name] ?? {});
  for (const { service, edit } of edits) {
    const data = services[service] as Data;
    if (edit.kind !== 'append') setIn(data, edit.path, edit.value);
    else {
      const current = data[edit.key];
      data[edit.key] = Array.isArray(current) ? [...current, edit.value] : current === null || current === undefined ? [edit.value] : [current, edit.value];
    }
  }
  return out;
}

/** Lines (0-based) of the input that hold a node an edit replaces: an alias made a copy, a replaced item, a scalar made a list. */
function touchedLines(text: string, edits: readonly ServiceEdit[]): Set<number> {
  const doc = parseDocument(text, { schema: 'failsafe' });
  const lines = new Set<number>();
  const lineOf = (pos: number): number => text.slice(0, pos).split('\n').length - 1;
  const mark = (node: unknown): void => {
    const range = (node as Node | undefined)?.range;
    if (range === undefined || range === null) return;
    for (let line = lineOf(range[0]); line <= lineOf(Math.max(range[0], range[1] - 1)); line += 1) lines.add(line);
  };
  const services = doc.get('services', true);
  if (isMap(services)) for (const pair of services.items) if (!isMap(pair.value)) mark(pair.value);
  for (const { service, edit } of edits) {
    const at = (path: readonly (string | number)[]): unknown => doc.getIn(['services', service, ...path], true);
    // A flow collection that gets an entry is rewritten on its line(s).
    const path = edit.kind === 'append' ? [edit.key] : edit.path;
    for (let end = 0; end <= path.length; end += 1) {
      const node = at(path.slice(0, end));
      if ((isMap(node) || isSeq(node)) && node.flow === true) mark(node);
    }
    if (edit.kind === 'replace') mark(at(edit.path));
    else if (edit.kind === 'append' && !isSeq(at([edit.key]))) mark(at([edit.key]));
    else if (edit.kind === 'set') for (let end = 1; end <= edit.path.length; end += 1) if (!isMap(at(edit.path.slice(0, end)))) mark(at(edit.path.slice(0, end)));
  }
  return lines;
}

function isSubsequence(needles: readonly string[], haystack: readonly string[]): number {
  let at = 0;
  for (const [i, needle] of needles.entries()) {
    while (at < haystack.length && haystack[at] !== needle) at += 1;
    if (at === haystack.length) return i;
    at += 1;
  }
  return -1;
}

async function hardened(c: PreserveCase) {
  return hardenCompose(c.text, join(FIXTURES, 'compose.yaml'), { ...OPTIONS, segment: c.segment });
}

for (const c of CORPUS) {
  test(`${c.name}: untouched lines kept byte for byte, the data is the input plus the additions, hardening again changes nothing`, async (t) => {
    const result = await hardened(c);
    t.true(result.edits.length > 0, 'harden has something to add');
    const touched = touchedLines(c.text, result.edits);
    const kept = c.text.split(/\r?\n/).filter((_line, i) => !touched.has(i));
    const missing = isSubsequence(kept, result.output.split(/\r?\n/));
    t.is(missing, -1, `line kept as written: ${JSON.stringify(kept[missing])}\n${result.output}`);
    t.is(/\r\n/.test(c.text), /\r\n/.test(result.output), 'CRLF kept');
    t.false(/\r\n/.test(c.text) && /(?<!\r)\n/.test(result.output), 'no bare LF in a CRLF file');
    t.is(result.output.endsWith('\n'), c.text.endsWith('\n'), 'the last newline (or its absence) kept');
    const output = read(result.output);
    const want = expected(read(c.text), result.edits);
    // --segment's new networks are added at the top level: taken from the output, checked by compose below.
    if (c.segment) want['networks'] = output['networks'];
    t.true(isDeepStrictEqual(output, want), `${JSON.stringify(output)}\n!==\n${JSON.stringify(want)}`);
    const again = await hardenCompose(result.output, join(FIXTURES, 'compose.yaml'), { ...OPTIONS, segment: c.segment });
    t.is(again.output, result.output);
    t.deepEqual(again.edits, []);
    if (!c.segment) {
      // The same edits through ComposeDocument: written by splicing, not by the whole-document fallback.
      const doc = new ComposeDocument(c.text, 'compose.yaml');
      for (const { service, edit } of result.edits) {
        if (edit.kind === 'set') doc.set(service, edit.path, edit.value);
        else if (edit.kind === 'append') doc.append(service, edit.key, edit.value);
        else doc.replaceScalar(service, edit.path, edit.value);
      }
      t.is(doc.toString(), result.output);
      t.is(doc.writeMode, 'spliced');
    }
  });
}

async function composeConfig(file: string): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout } = await run('docker-compose', ['-f', file, 'config'], { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' } });
    return { ok: true, out: stdout };
  } catch (error) {
    return { ok: false, out: String((error as { stderr?: string }).stderr ?? error) };
  }
}

test('docker-compose 1.29 reads each hardened file as the input plus the additions', async (t) => {
  t.timeout(540_000);
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-preserve-'));
  let compared = 0;
  const rejectedInputs = new Set<string>();
  const rejectedOutputs = new Set<string>();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // Each base as written and its first two re-spellings (compose v1 takes ~0.3 s a file).
  const sample = CORPUS.filter((c) => !/~([2-9]|\d\d)\[/.test(c.name));
  const queue = [...sample.entries()];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [i, c] = next;
      const result = await hardened(c);
      const files = { in: join(dir, `${i}.in.yml`), out: join(dir, `${i}.out.yml`), want: join(dir, `${i}.want.yml`) };
      const output = read(result.output);
      const want = expected(read(c.text), result.edits);
      if (c.segment) want['networks'] = output['networks'];
      writeFileSync(files.in, c.text);
      writeFileSync(files.out, result.output);
      writeFileSync(files.want, renderYaml(want));
      const base = c.name.replace(/~.*/, '');
      const [input, out, wanted] = await Promise.all([c.name === base ? composeConfig(files.in) : undefined, composeConfig(files.out), composeConfig(files.want)]);
      if (input?.ok === false) rejectedInputs.add(base);
      if (!out.ok) {
        rejectedOutputs.add(base);
        continue;
      }
      t.true(wanted.ok, `${c.name}: ${wanted.out}`);
      t.is(out.out, wanted.out, c.name);
      compared += 1;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  // compose v1 does not know `name:` (basic) nor compose v2's !reset tags (reset); it reads the rest,
  // and the hardened files whose input it refused for an empty `cap_drop:` (harden fills it).
  t.deepEqual([...rejectedOutputs].sort(), ['basic', 'reset']);
  t.deepEqual([...rejectedInputs].sort(), ['aliases4', 'basic', 'noindent-seq', 'reset']);
  t.is(compared, sample.filter((c) => !/^(basic|reset)\b/.test(c.name)).length);
});
