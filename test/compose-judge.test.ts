// harden judges what compose will run, not how it is spelled: compose's interpolation grammar
// with the project's .env, YAML 1.1 and string booleans, `~` and relative bind sources,
// extends, volumes_from, service: namespaces and merge keys. Each dangerous spelling is
// refused; its benign look-alike checks clean.
import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { composeBool } from '../src/compose/read/booleans.js';
import { parseDotenv, projectEnv } from '../src/compose/read/dotenv.js';
import { hardenCompose } from '../src/compose/edit/harden.js';
import { interpolate, InterpolationError } from '../src/compose/read/interpolate.js';
import type { Finding } from '../src/compose/keys/types.js';

const ENV = { HOME: '/home/u', SET: 'set', EMPTY: '', ROOT: '/', T: 'true' };

const GRAMMAR: [string, string][] = [
  ['${SET} $SET ${NOPE} $NOPE', 'set set  '],
  ['${NOPE:-d} ${EMPTY:-d} ${SET:-d}', 'd d set'],
  ['${NOPE-d} ${EMPTY-d} ${SET-d}', 'd  set'],
  ['${NOPE:+a} ${EMPTY:+a} ${SET:+a}', '  a'],
  ['${NOPE+a} ${EMPTY+a} ${SET+a}', ' a a'],
  ['${SET:?x} ${EMPTY?x}', 'set '],
  ['${A:-${B:-/}}:/x', '/:/x'],
  ['${NOPE:-${SET:+${ROOT}etc}}', '/etc'],
  ['$$ $${SET} $$SET', '$ ${SET} $SET'],
  ['a$ $1 $-', 'a$ $1 $-'],
  ['${set}', ''],
];

for (const [text, expected] of GRAMMAR) {
  test(`interpolation as compose reads it: ${text}`, (t) => t.is(interpolate(text, ENV), expected));
}

const REFUSED_TEMPLATES: [string, RegExp][] = [
  ['${NOPE:?give NOPE}', /required variable NOPE is missing a value: give NOPE/],
  ['${EMPTY:?}', /required variable EMPTY is missing a value$/],
  ['${NOPE?}', /required variable NOPE/],
  ['${SET', /is not closed/],
  ['${}', /names no variable/],
  ['${A B}', /invalid interpolation format/],
];

for (const [text, message] of REFUSED_TEMPLATES) {
  test(`compose refuses the template ${text}`, (t) => {
    const error = t.throws(() => interpolate(text, ENV), { instanceOf: InterpolationError });
    t.regex(error.message, message);
  });
}

test('a required variable is not asked for when its branch is not taken', (t) => t.is(interpolate('${SET:-${NOPE:?x}}', ENV), 'set'));

test('booleans as compose casts them: YAML 1.1 words in any case; the rest is unclear', (t) => {
  t.deepEqual(['y', 'Yes', 'ON', 'true', true].map(composeBool), ['true', 'true', 'true', 'true', 'true']);
  t.deepEqual(['N', 'no', 'Off', 'FALSE', false].map(composeBool), ['false', 'false', 'false', 'false', 'false']);
  t.deepEqual(['maybe', '', 1, 0].map(composeBool), ['unclear', 'unclear', 'unclear', 'unclear']);
});

test('.env is read as python-dotenv reads it, and the environment wins', (t) => {
  const text = "# c\nexport A=1\nB = 'x $A ${A}' \nC=\"q\\n${A}\"\nD=${A:-z}/${NONE:-d} # note\nE\n";
  // python-dotenv 0.21 expands ${A} inside single quotes too (dotenv-oracle.test.ts checks it against the real one).
  t.deepEqual(parseDotenv(text, {}), { A: '1', B: 'x $A 1', C: 'q\n1', D: '1/d' });
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-env-'));
  writeFileSync(join(dir, '.env'), 'P=true\nQ=yes\n');
  t.deepEqual(projectEnv(dir, { P: 'false' }), { P: 'false', Q: 'yes' });
});

/** Harden `text` as compose.yaml in a fresh folder with `files` beside it; error findings as `service rule`. */
async function judge(text: string, env: Record<string, string> = ENV, files: Record<string, string> = {}): Promise<{ errors: string[]; findings: readonly Finding[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-judge-'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, text);
  const { findings } = await hardenCompose(text, file, { profile: 'default', env, cliAllow: [], seccomp: '/x.json' });
  return { errors: findings.filter((f) => f.level === 'error').map((f) => `${f.service} ${f.rule}`), findings };
}

const svc = (body: string): string => `services:\n  s:\n    image: x\n${body}`;

const PRIVILEGED: [value: string, refused: boolean, env?: Record<string, string>, dotenv?: string][] = [
  ['yes', true], ['"on"', true], ['"TRUE"', true], ['Y', true], ['"maybe"', true], ['"${UNSET:-true}"', true],
  ['"${P}"', true, { P: 'true' }], ['"${P}"', true, {}, 'P=true\n'], ['"${P}"', true, { P: 'On' }, 'P=false\n'],
  ['no', false], ['"off"', false], ['N', false], ['false', false], ['"${UNSET:-false}"', false], ['"${P}"', false, {}, 'P=no\n'],
];

for (const [value, refused, env = {}, dotenv] of PRIVILEGED) {
  test(`privileged: ${value}${dotenv === undefined ? '' : ` with .env ${dotenv.trim()}`} ${refused ? 'is refused' : 'is clean'}`, async (t) => {
    const { errors, findings } = await judge(svc(`    privileged: ${value}\n`), { ...ENV, ...env }, dotenv === undefined ? {} : { '.env': dotenv });
    t.deepEqual(errors, refused ? ['s privileged'] : []);
    if (refused) t.like(findings.find((f) => f.level === 'error'), { line: 4, col: 17 });
  });
}

const SETTINGS: [body: string, refused: string[]][] = [
  ['    cap_add: ["${CAP:-sys_admin}"]\n', ['s dangerous-cap']],
  ['    cap_add: ["${CAP:-NET_BIND_SERVICE}"]\n', []],
  ['    network_mode: "${NET:-host}"\n', ['s host-network']],
  ['    pid: "${SET:+host}"\n', ['s host-pid']],
  ['    pid: "${NOPE:+host}"\n', []],
  ['    security_opt: ["seccomp:${S:-unconfined}"]\n', ['s seccomp-unconfined']],
  ['    use_api_socket: "yes"\n', ['s docker-socket']],
  ['    pid: "${NOPE:?set NOPE}"\n', ['s compose-file']],
  ['    command: "${CMD:?set CMD}"\n', []],
];

for (const [body, refused] of SETTINGS) {
  test(`every checked value is interpolated: ${body.trim()}`, async (t) => t.deepEqual((await judge(svc(body))).errors, refused));
}

const VOLUMES: [entry: string, refused: string[], files?: Record<string, string>][] = [
  ['"~/../../etc:/x"', ['s sensitive-mount']],
  ['"~/data:/x"', []],
  ['"../../../../../../../etc:/x"', ['s sensitive-mount']],
  ['"./data:/x"', []],
  ['"${HOME:+/etc}:/x"', ['s sensitive-mount']],
  ['"${NOPE:+/etc}./data:/x"', []],
  // `/` also holds the engine's socket: both rules refuse it.
  ['"${A:-${B:-/}}:/x"', ['s sensitive-mount', 's docker-socket']],
  ['"/srv/$$x:/x"', ['s sensitive-mount']],
  ['"~root/.ssh:/x"', ['s sensitive-mount']],
  ['"/srv/~x:/x"', ['s sensitive-mount']],
  ['{type: BIND, source: /etc, target: /x}', ['s sensitive-mount']],
  ['{type: Bind, source: /var/run/docker.sock, target: /x}', ['s docker-socket']],
  ['{type: bind, source: /etc/passwd, target: /x, read_only: "yes"}', []],
  ['{type: bind, source: /etc/passwd, target: /x, read_only: "maybe"}', ['s sensitive-mount']],
  ['{type: bind, source: /etc/passwd, target: /x, read_only: "no"}', ['s sensitive-mount']],
  ['"/etc/passwd:/x:ro,rw"', ['s sensitive-mount']],
  ['"/etc/passwd:/x:ro"', []],
  ['"tmp:/x"', []],
];

for (const [entry, refused] of VOLUMES) {
  test(`bind source judged where it leads: ${entry}`, async (t) => t.deepEqual((await judge(svc(`    volumes:\n      - ${entry}\n`))).errors, refused));
}

const NAMED: [definition: string, entry: string, refused: string[]][] = [
  ['{driver_opts: {type: none, o: bind, device: "${D:-/etc}"}}', '"v:/x"', ['s sensitive-mount']],
  ['{driver_opts: {type: none, o: bind, device: "${D:-./data}"}}', '"v:/x"', []],
  ['{driver_opts: {type: none, o: "rbind", device: "~/../../root"}}', '"v:/x"', ['s sensitive-mount']],
  ['{driver_opts: {type: ext4, device: /dev/sda1}}', '"v:/x"', ['s sensitive-mount']],
  ['{driver_opts: {type: tmpfs, device: tmpfs, o: "size=1m"}}', '"v:/x"', []],
  ['{driver_opts: {type: none, o: bind, device: /}}', '{type: volume, source: v, target: /x, volume: {subpath: etc/shadow}}', ['s sensitive-mount']],
  ['{driver_opts: {type: none, o: bind, device: /srv}}', '{type: volume, source: v, target: /x}', []],
  ['{driver_opts: {type: none, o: bind, device: "${D:?set D}"}}', '"v:/x"', ['s compose-file']],
  // Kernel filesystems show the host's own (docker/local-volume.ts); memory does not.
  ['{driver_opts: {type: proc, device: proc}}', '"v:/x"', ['s sensitive-mount']],
  ['{driver_opts: {type: sysfs, device: sysfs}}', '{type: volume, source: v, target: /x}', ['s sensitive-mount']],
  ['{driver: local, driver_opts: {type: devtmpfs, device: devtmpfs}}', '"v:/x:ro"', ['s sensitive-mount']],
  ['{driver_opts: {type: fuse, device: x}}', '"v:/x"', ['s sensitive-mount']],
  ['{driver_opts: {type: tmpfs, device: tmpfs}}', '"v:/x"', []],
  ['{driver_opts: {type: nfs, device: ":/srv", o: "addr=10.0.0.1"}}', '"v:/x"', []],
  ['{driver_opts: {type: overlay, device: overlay, o: "lowerdir=/etc,upperdir=/srv/u,workdir=/srv/w"}}', '"v:/x"', ['s sensitive-mount']],
  ['{driver_opts: {type: overlay, device: overlay, o: "lowerdir=/srv/l,upperdir=/srv/u,workdir=/srv/w"}}', '"v:/x"', []],
  // Only `o: bind` exactly is made absolute by compose; `rbind` reaches the engine relative.
  ['{driver_opts: {type: none, o: rbind, device: ./data}}', '"v:/x"', ['s sensitive-mount']],
];

for (const [definition, entry, refused] of NAMED) {
  test(`a named volume is judged through its definition: ${definition} ${entry}`, async (t) => {
    t.deepEqual((await judge(`${svc(`    volumes:\n      - ${entry}\n`)}volumes:\n  v: ${definition}\n`)).errors, refused);
  });
}

const WITH_ETC = '  src:\n    image: x\n    volumes: ["/etc:/e"]\n    x-sdocker: {allow: [sensitive-mount]}\n';

test('volumes_from: the source service volumes are judged on the service, under its own allow list', async (t) => {
  for (const from of ['src', 'src:ro', 'service:src', 'service:src:rw']) {
    const { errors, findings } = await judge(`services:\n${WITH_ETC}  s:\n    image: x\n    volumes_from: ["${from}"]\n`);
    t.deepEqual(errors, ['s sensitive-mount'], from);
    t.regex(findings.find((f) => f.service === 's' && f.level === 'error')?.message ?? '', /from service 'src' through volumes_from/);
  }
  const own = await judge(`services:\n${WITH_ETC}  s:\n    image: x\n    volumes_from: [src]\n    x-sdocker: {allow: ["sensitive-mount:/etc"]}\n`);
  t.deepEqual(own.errors, [], 'allowed on the service itself');
});

test('volumes_from :ro makes an inherited bind read-only; a chain is followed; container: is a warning', async (t) => {
  const rw = '  src:\n    image: x\n    volumes: ["/etc/passwd:/p"]\n    x-sdocker: {allow: [sensitive-mount]}\n';
  t.deepEqual((await judge(`services:\n${rw}  s:\n    image: x\n    volumes_from: [src]\n`)).errors, ['s sensitive-mount']);
  t.deepEqual((await judge(`services:\n${rw}  s:\n    image: x\n    volumes_from: ["src:ro"]\n`)).errors, []);
  const chain = await judge(`services:\n${WITH_ETC}  mid:\n    image: x\n    volumes_from: [src]\n    x-sdocker: {allow: [sensitive-mount]}\n  s:\n    image: x\n    volumes_from: [mid]\n`);
  t.deepEqual(chain.errors, ['s sensitive-mount']);
  const { errors, findings } = await judge(svc('    volumes_from: ["container:other"]\n'));
  t.deepEqual(errors, []);
  t.like(findings.find((f) => f.level === 'warning' && f.rule === 'sensitive-mount'), { line: 4, message: 'volumes_from container:other: the volumes of a container outside this file cannot be judged without the engine: sdocker compose checks them when it runs' });
});

test('network_mode, pid and ipc service:X are judged as X runs, chains followed, under the service own allow list', async (t) => {
  for (const [key, rule] of [['network_mode', 'host-network'], ['pid', 'host-pid'], ['ipc', 'host-ipc']]) {
    const text = `services:\n  a:\n    image: x\n    ${key}: host\n    x-sdocker: {allow: [${rule}]}\n  b:\n    image: x\n    ${key}: "service:a"\n  s:\n    image: x\n    ${key}: "service:b"\n`;
    const { errors, findings } = await judge(text);
    t.deepEqual(errors.sort(), [`b ${rule}`, `s ${rule}`]);
    t.regex(findings.find((f) => f.service === 's' && f.level === 'error')?.message ?? '', new RegExp(`${key} of service 'a' \\(through ${key}: service:b\\)`));
  }
  const benign = await judge('services:\n  a:\n    image: x\n  s:\n    image: x\n    network_mode: "service:a"\n');
  t.deepEqual(benign.errors, []);
  const missing = await judge(svc('    network_mode: "service:nope"\n'));
  t.deepEqual(missing.errors, ['s compose-file']);
  const container = await judge(svc('    network_mode: "container:other"\n'));
  t.is(container.findings.filter((f) => f.level === 'warning' && f.rule === 'host-network').length, 1);
});

const BASE = 'services:\n  base:\n    image: x\n    cap_add: [SYS_ADMIN]\n    volumes: ["/etc:/e", "./data:/d"]\n    network_mode: host\n    x-sdocker: {allow: [dangerous-cap, sensitive-mount, host-network]}\n';

test('extends: in the file, from another file, and chained: inherited settings refused at the extends line, naming their origin', async (t) => {
  for (const ext of ['base', '{service: base}', '{file: lib/base.yml, service: base}', '{file: lib/mid.yml, service: mid}']) {
    const text = `${ext.includes('file') ? 'services:\n' : BASE}  s:\n    extends: ${ext}\n`;
    const files = { 'lib/base.yml': BASE, 'lib/mid.yml': 'services:\n  mid:\n    extends: {file: base.yml, service: base}\n' };
    const { errors, findings } = await judge(text, ENV, files);
    t.deepEqual(errors.filter((e) => e.startsWith('s ')).sort(), ['s dangerous-cap', 's host-network', 's sensitive-mount'], ext);
    const line = ext.includes('file') ? 3 : 9;
    t.true(findings.filter((f) => f.service === 's' && f.level === 'error').every((f) => f.line === line && /inherited through extends from service 'base'/.test(f.message)), ext);
    if (ext.includes('file')) t.regex(findings.find((f) => f.service === 's' && f.level === 'error')?.message ?? '', /in lib\/base\.yml/);
  }
});

test('extends merges as compose does: an override of the same container path replaces the base volume; scalars override', async (t) => {
  const text = `${BASE}  s:\n    extends: base\n    volumes: ["./mine:/e"]\n    network_mode: bridge\n    cap_add: [NET_BIND_SERVICE]\n`;
  t.deepEqual((await judge(text)).errors.filter((e) => e.startsWith('s ')), ['s dangerous-cap']);
  const allowed = await judge(`${BASE}  s:\n    extends: base\n    x-sdocker: {allow: [dangerous-cap, sensitive-mount, host-network]}\n`);
  t.deepEqual(allowed.errors, [], "the service's own allow list lifts what it inherits");
  const broken = await judge(svc('    extends: {file: missing.yml, service: base}\n'));
  t.deepEqual(broken.errors, ['s compose-file']);
  const circular = await judge('services:\n  a:\n    extends: b\n  b:\n    extends: a\n');
  t.deepEqual(circular.errors.sort(), ['a compose-file', 'b compose-file']);
});

test('a dangerous value in an anchor is refused on every service that merges it', async (t) => {
  const text = 'x-base: &base\n  image: x\n  privileged: "on"\n  volumes: ["/:/host"]\nservices:\n  a:\n    <<: *base\n  b:\n    <<: *base\n    user: "1000"\n  c:\n    <<: *base\n    privileged: false\n    volumes: []\n';
  const { errors } = await judge(text);
  t.deepEqual(errors.sort(), ['a docker-socket', 'a privileged', 'a sensitive-mount', 'b docker-socket', 'b privileged', 'b sensitive-mount']);
});

// docker-compose 1.29 bind-mounts a `file:` secret read-only at /run/secrets/NAME (measured:
// inspect shows Source /etc/shadow); compose v2 binds `file:` configs the same way.
const FILE_MOUNTS: [text: string, refused: string[]][] = [
  [`${svc('    secrets: [k]\n')}secrets:\n  k:\n    file: /etc/shadow\n`, ['s sensitive-mount']],
  [`${svc('    secrets: [{source: k, target: key}]\n')}secrets:\n  k:\n    file: "\${KEYS:-/root}/.ssh/id_rsa"\n`, ['s sensitive-mount']],
  [`${svc('    configs: [c]\n')}configs:\n  c:\n    file: /var/run/docker.sock\n`, ['s docker-socket']],
  [`${svc('    secrets: [k]\n')}secrets:\n  k:\n    file: ./key.txt\n`, []],
  [`${svc('    secrets: [k]\n')}secrets:\n  k:\n    environment: TOKEN\n`, []],
  [`${svc('    configs: [c]\n')}configs:\n  c:\n    file: /etc/passwd\n`, []],
];

for (const [text, refused] of FILE_MOUNTS) {
  test(`a secret or config file is the bind it is: ${text.split('\n').slice(-3).join(' ').trim()}`, async (t) => t.deepEqual((await judge(text, ENV, { 'key.txt': 'k' })).errors, refused));
}

const BUILDS: [body: string, refused: string[]][] = [
  ['    build: {context: ., privileged: "yes"}\n', ['s privileged']],
  ['    build: {context: ., network: host}\n', ['s host-network']],
  ['    build: {context: ., network: "${BN:-host}"}\n', ['s host-network']],
  ['    build: {context: ., network: none, privileged: false}\n', []],
  ['    build: .\n', []],
];

for (const [body, refused] of BUILDS) {
  test(`the build's own container is judged: ${body.trim()}`, async (t) => t.deepEqual((await judge(svc(body))).errors, refused));
}
