// A corpus of compose files for the byte-preservation property of harden: the golden inputs and
// a few bases written the ways people write them (sequences not indented under their key, a
// block scalar, empty keys, aliases, flow collections over several lines), each re-spelled by
// seeded variations of spacing, comments, blank lines, `---`, CRLF and a missing last newline.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { random, type Rnd } from './spellings.js';

export interface PreserveCase {
  readonly name: string;
  readonly text: string;
  readonly segment: boolean;
}

interface Base {
  readonly name: string;
  readonly text: string;
  /** A block scalar's lines are content: only whole-file variations apply. */
  readonly blockScalar?: boolean;
  readonly segment?: boolean;
}

const EXTRA: Base[] = [
  {
    name: 'noindent-seq',
    blockScalar: true,
    text: [
      '---',
      '# Sequences not indented under their key, empty keys, a block scalar.',
      'services:',
      '  web:',
      '    image: sdocker-test/busybox:1',
      '    ports:',
      '    - "8080:80"',
      '    -   "9000"     # second port',
      '    cap_drop:',
      '    security_opt:   # filled in by harden',
      '    environment:',
      '      A: "1"',
      '    command: |',
      "      sh -c 'sleep 3600'",
      '    # restart: always  (a comment after the last key)',
      '',
      '  db:',
      '    image: postgres:16',
      '    logging:',
      '      driver: json-file',
      '    ulimits:',
      '      nproc: 512',
      '    tmpfs: /run   # a lone tmpfs',
      '',
    ].join('\n'),
  },
  {
    name: 'aliases4',
    text: [
      'x-defaults: &defaults',
      '    image: sdocker-test/busybox:1',
      '    environment: &env {LEVEL: info}',
      '    command: ["sleep", "3600"]',
      'x-log: &log',
      '    driver: json-file',
      '',
      'services:',
      '    api: *defaults   # a copy of the defaults',
      '    worker:',
      '        <<: *defaults',
      '        security_opt: []',
      '        ulimits: {}',
      '        cap_drop: ~',
      '    edge:',
      '        image: sdocker-test/busybox:1',
      '        ports: ["80:80", {target: 443, published: 8443}]',
      '        logging: *log',
      '        tmpfs:',
      '            - /run',
      '',
    ].join('\n'),
  },
  {
    name: 'flow-lines',
    text: [
      'services:',
      '  app: {',
      '    image: sdocker-test/busybox:1,',
      '    cap_add: [',
      '      CHOWN',
      '    ],',
      '    environment: {A: "1"}   # env',
      '  }',
      '  job: {image: sdocker-test/busybox:1, logging: {driver: local}, deploy: {resources: {}}}',
      '',
    ].join('\n'),
  },
  {
    name: 'segment-networks',
    segment: true,
    text: [
      'services:',
      '  web:',
      '    image: sdocker-test/busybox:1',
      '    depends_on: [db]',
      '  db:',
      '    image: sdocker-test/busybox:1',
      'networks:',
      '  outside:',
      '    driver: bridge   # kept',
      '',
    ].join('\n'),
  },
];

function bases(fixtures: string): Base[] {
  const golden = readdirSync(fixtures).filter((n) => n.endsWith('.in.yml')).map((n) => {
    const name = n.slice(0, -'.in.yml'.length);
    return { name, text: readFileSync(join(fixtures, n), 'utf8'), segment: name.startsWith('segment') };
  });
  return [...golden, ...EXTRA];
}

type LineVariation = (rnd: Rnd, line: string) => string[];

const LINE_VARIATIONS: Record<string, LineVariation> = {
  // `key:   value` (a block key with a value on its line)
  colon: (rnd, line) => [line.replace(/^(\s*(?:- )?[\w.<-]+):( )(?=\S)/, (_m, key: string) => `${key}:${' '.repeat(1 + Math.floor(rnd() * 3))}`)],
  // `-   item` for an item that is one scalar (a mapping item's next lines are aligned to it)
  dash: (rnd, line) => [/^\s*- [^:{[]*$|^\s*- "[^"]*"$/.test(line) ? line.replace('- ', `-${' '.repeat(2 + Math.floor(rnd() * 2))}`) : line],
  comment: (rnd, line) => [line.trim() === '' || /[|>]$/.test(line) ? line : `${line}${' '.repeat(1 + Math.floor(rnd() * 4))}# note`],
  blank: (_rnd, line) => ['', line],
  'comment-line': (rnd, line) => [`${' '.repeat(Math.floor(rnd() * 8))}# a comment line`, line],
};

/** The corpus: every base as written, then `perBase` seeded variations of it. */
export function preserveCorpus(fixtures: string, seed: number, perBase: number): PreserveCase[] {
  const rnd = random(seed);
  const out: PreserveCase[] = [];
  for (const base of bases(fixtures)) {
    out.push({ name: base.name, text: base.text, segment: base.segment === true });
    for (let i = 0; i < perBase; i += 1) {
      const names: string[] = [];
      let lines = base.text.replace(/\n$/, '').split('\n');
      if (base.blockScalar !== true) {
        for (const variation of Object.keys(LINE_VARIATIONS).filter(() => rnd() < 0.6)) {
          names.push(variation);
          const apply = LINE_VARIATIONS[variation] as LineVariation;
          lines = lines.flatMap((line, n) => (n > 0 && rnd() < 0.4 ? apply(rnd, line) : [line]));
        }
      }
      let text = `${lines.join('\n')}\n`;
      if (!text.startsWith('---') && rnd() < 0.3) (names.push('doc-start'), (text = `---\n${text}`));
      if (rnd() < 0.3) (names.push('no-last-newline'), (text = text.slice(0, -1)));
      if (rnd() < 0.3) (names.push('crlf'), (text = text.replace(/\n/g, '\r\n')));
      out.push({ name: `${base.name}~${i}[${names.join(',')}]`, text, segment: base.segment === true });
    }
  }
  return out;
}
