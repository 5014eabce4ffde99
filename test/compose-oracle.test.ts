// Differential test with compose itself as the oracle: for each file of a generated corpus
// (dangerous spellings and benign look-alikes), harden's verdict on the file (the rules it
// refuses, per service) equals its verdict on what `docker-compose config` (1.29, no engine
// needed) makes of the same file in the same environment. A file compose refuses is compared
// with nothing, but the test asserts compose did refuse it.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { hardenCompose } from '../src/compose/edit/harden.js';

interface Case {
  readonly name: string;
  readonly text: string;
  readonly env?: Record<string, string>;
  readonly files?: Record<string, string>;
  /** compose itself refuses the file (asserted). */
  readonly rejected?: boolean;
  /** A benign look-alike: harden must find nothing to refuse (the others must find something). */
  readonly clean?: boolean;
}

const HOME = '/home/judge';
const one = (body: string): string => `services:\n  s:\n    image: x\n${body}`;
const withBase = (body: string): string => `services:\n  base:\n    image: x\n    cap_add: [SYS_ADMIN]\n    volumes: ["/etc:/e", "./data:/d"]\n    network_mode: host\n    x-sdocker: {allow: [dangerous-cap, sensitive-mount, host-network]}\n  s:\n${body}`;
const BASE_FILE = 'services:\n  base:\n    image: x\n    privileged: "yes"\n    volumes: ["~/../../root:/r"]\n';

/** Benign look-alikes are marked `+`. */
const PRIVILEGED: [string, Record<string, string>?, string?][] = [
  ['yes'], ['"on"'], ['"TRUE"'], ['Y'], ['"${UNSET:-true}"'], ['"${P}"', { P: 'true' }], ['"${P}"', {}, 'P=true\n'], ['"${P}"', { P: 'yes' }, 'P=false\n'],
  ['+no'], ['+"off"'], ['+N'], ['+"${UNSET:-false}"'], ['+"${P}"', {}, 'P=no\n'], ['+"${P:-off}"', { P: '' }],
];

const VOLUMES: string[] = [
  '"~/../../etc:/x"', '+"~/data:/x"', '+"./data:/x"', '"../../../../../../../../etc:/x"', '"${DIR:-/etc}:/x"', '+"${DIR-./data}:/x"', '+"${DIR}/srv:/x"',
  '+"/etc/passwd:/x:ro"', '"/etc/passwd:/x"', '{type: BIND, source: /etc, target: /x}', '{type: Bind, source: /var/run/docker.sock, target: /x}',
  '+{type: bind, source: ./q, target: /x}', '+{type: bind, source: /etc/passwd, target: /x, read_only: "yes"}', '{type: bind, source: /etc/passwd, target: /x, read_only: "no"}',
];

const NAMED: string[] = [
  '{driver_opts: {type: none, o: bind, device: "${D:-/etc}"}}', '+{driver_opts: {type: none, o: bind, device: ./data}}', '{driver_opts: {type: none, o: bind, device: "~/../../root"}}',
  '{driver_opts: {type: ext4, device: /dev/sda1}}', '+{driver_opts: {type: tmpfs, device: tmpfs, o: "size=1m"}}',
];

const SETTINGS: string[] = [
  '    cap_add: ["${CAP:-SYS_ADMIN}"]\n', '+    cap_add: ["${CAP:-NET_BIND_SERVICE}"]\n', '    network_mode: "${NET:-host}"\n', '+    network_mode: "${NET-bridge}"\n',
  '    pid: "${PID-host}"\n', '    security_opt: ["seccomp:${SEC:-unconfined}"]\n', '    security_opt: ["label:${SEC:-disable}"]\n', '+    ipc: "${IPC:-shareable}"\n',
];

/** A template marked `+` is a benign look-alike. */
function marked(text: string): { text: string; clean: boolean } {
  return text.startsWith('+') ? { text: text.slice(1), clean: true } : { text, clean: false };
}

const SHARED = (key: string, mode: string): string => `services:\n  a:\n    image: x\n    ${key}: ${mode}\n    x-sdocker: {allow: [host-network, host-pid, host-ipc]}\n  b:\n    image: x\n    ${key}: "service:a"\n  s:\n    image: x\n    ${key}: "service:b"\n`;
const FROM = (from: string, source = '["/etc:/e"]'): string => `services:\n  src:\n    image: x\n    volumes: ${source}\n    x-sdocker: {allow: [sensitive-mount]}\n  s:\n    image: x\n    volumes_from: ["${from}"]\n`;

const CORPUS: Case[] = [
  ...PRIVILEGED.map(([value, env = {}, dotenv]) => ({ ...marked(value), env, ...(dotenv === undefined ? {} : { files: { '.env': dotenv } }) })).map((c) => ({
    ...c,
    name: `privileged ${c.text} env ${JSON.stringify(c.env)} .env ${JSON.stringify(c.files?.['.env'] ?? '')}`,
    text: one(`    privileged: ${c.text}\n`),
  })),
  ...VOLUMES.map(marked).map((c) => ({ ...c, name: `volume ${c.text}`, text: one(`    volumes:\n      - ${c.text}\n`) })),
  ...NAMED.map(marked).map((c) => ({ ...c, name: `named volume ${c.text}`, text: `${one('    volumes: ["v:/x"]\n')}volumes:\n  v: ${c.text}\n` })),
  ...SETTINGS.map(marked).map((c) => ({ ...c, name: `setting ${c.text.trim()}`, text: one(c.text) })),
  ...['network_mode', 'pid', 'ipc'].flatMap((key) => [host(key), { name: `${key} service: benign`, text: SHARED(key, '"shareable"').replace(/network_mode: "shareable"/, 'network_mode: bridge').replace(/pid: "shareable"/, 'pid: ""'), clean: true }]),
  // Not `service:src` alone: v1 reads it as service 'service' with mode 'src' (types.py parse_v2), compose-go as src.
  ...['src', 'src:ro', 'service:src:ro', 'service:src:rw'].map((from) => ({ name: `volumes_from ${from}`, text: FROM(from) })),
  { name: 'volumes_from container:other (a warning only)', text: FROM('container:other'), clean: true },
  { name: 'volumes_from read-only below /etc, made ro', text: FROM('src:ro', '["/etc/passwd:/p"]'), clean: true },
  { name: 'volumes_from writable below /etc', text: FROM('src', '["/etc/passwd:/p"]') },
  { name: 'extends in the file', text: withBase('    extends: base\n') },
  { name: 'extends mapping', text: withBase('    extends: {service: base}\n') },
  { name: 'extends overridden: volume and network replaced, cap_add joined', text: withBase('    extends: base\n    volumes: ["./mine:/e"]\n    network_mode: bridge\n    cap_add: [NET_BIND_SERVICE]\n') },
  // Not a service with extends and its own x-sdocker: v1's merge keeps only compose's keys, so its config output drops the allow list.
  { name: 'extends another file', text: 'services:\n  s:\n    extends: {file: lib/base.yml, service: base}\n', files: { 'lib/base.yml': BASE_FILE } },
  { name: 'extends chain of files', text: 'services:\n  s:\n    extends: {file: lib/mid.yml, service: mid}\n', files: { 'lib/base.yml': BASE_FILE, 'lib/mid.yml': 'services:\n  mid:\n    extends: {file: base.yml, service: base}\n    cap_add: [SYS_PTRACE]\n' } },
  { name: 'anchor merged into two services', text: 'x-base: &base\n  image: x\n  privileged: "on"\n  volumes: ["/:/host"]\nservices:\n  a:\n    <<: *base\n  b:\n    <<: *base\n  c:\n    <<: *base\n    privileged: false\n    volumes: ["./data:/host"]\n' },
  // What compose 1.29 itself refuses: its grammar lacks :+ and +, nesting, and it casts strictly.
  ...['"maybe"', '"$$x"', '"${A:-${B:-true}}"', '"${SET:+true}"', '"${NOPE:?set NOPE}"', '"${NOPE?}"'].map((value) => ({ name: `compose refuses privileged ${value}`, text: one(`    privileged: ${value}\n`), env: { SET: '1' }, rejected: true })),
  ...['"${A:-${B:-/}}:/x"', '"${HOME:+/etc}:/x"', '"${DATA:?set DATA}:/x"'].map((entry) => ({ name: `compose refuses volume ${entry}`, text: one(`    volumes: [${entry}]\n`), rejected: true })),
  { name: 'compose refuses read_only maybe', text: one('    volumes:\n      - {type: bind, source: /etc/passwd, target: /x, read_only: "maybe"}\n'), rejected: true },
];

function host(key: string): Case {
  return { name: `${key} service: chain to host`, text: SHARED(key, 'host') };
}

const run = promisify(execFile);

/** `service rule` of every refused setting, sorted and unique. */
async function verdict(text: string, file: string, env: Record<string, string>): Promise<string[]> {
  const { findings } = await hardenCompose(text, file, { profile: 'default', env, cliAllow: [], seccomp: '/x.json' });
  return [...new Set(findings.filter((f) => f.level === 'error').map((f) => `${f.service} ${f.rule}`))].sort();
}

test('the corpus is large enough to mean something', (t) => {
  t.true(CORPUS.length >= 40, String(CORPUS.length));
  t.true(CORPUS.filter((c) => c.rejected !== true).length >= 40);
});

for (const c of CORPUS) {
  test(`harden judges the file as compose config reads it: ${c.name}`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'sdocker-oracle-'));
    for (const [name, body] of Object.entries(c.files ?? {})) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), body);
    }
    const file = join(dir, 'compose.yaml');
    writeFileSync(file, c.text);
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME, ...c.env };
    const composed = await run('docker-compose', ['-f', file, 'config'], { cwd: dir, env }).then(
      (out) => ({ ok: true, stdout: out.stdout, stderr: out.stderr }),
      (error: { stdout: string; stderr: string }) => ({ ok: false, stdout: error.stdout, stderr: error.stderr }),
    );
    const mine = await verdict(c.text, file, env);
    if (c.rejected === true) {
      t.false(composed.ok, `compose accepted a file the corpus says it refuses:\n${composed.stdout}`);
      t.not(mine, [], 'harden does not judge it clean either');
      return;
    }
    t.true(composed.ok, composed.stderr);
    // Beside the file, so its folder (and .env) are the same; compose's output is already interpolated.
    const model = join(dir, 'compose.config.yml');
    writeFileSync(model, composed.stdout);
    t.deepEqual(mine, await verdict(composed.stdout, model, env), composed.stdout);
    t.is(mine.length === 0, c.clean === true, `verdict ${mine.join(', ')}`);
  });
}
