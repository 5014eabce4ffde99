// sdocker harden on golden files: what it adds, what it keeps, what it refuses, and that the
// result is a valid compose file that hardening leaves alone.
import test from 'ava';
import { Ajv } from 'ajv';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { hardenCompose } from '../src/compose/edit/harden.js';
import { runMain } from './helpers/fakes.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/compose/', import.meta.url));
const SCHEMA = JSON.parse(readFileSync(fileURLToPath(new URL('../../test/fixtures/compose-spec/compose-spec.json', import.meta.url)), 'utf8')) as object;
const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true, validateSchema: false }).compile(SCHEMA);
const OPTIONS = { profile: 'default', env: {}, cliAllow: [], seccomp: '/opt/sdocker/seccomp.json' };
const NAMES = readdirSync(FIXTURES).filter((n) => n.endsWith('.in.yml')).map((n) => n.slice(0, -'.in.yml'.length));

for (const name of NAMES) {
  const input = join(FIXTURES, `${name}.in.yml`);
  // segment.in.yml is the fixture of --segment.
  const options = { ...OPTIONS, segment: name.startsWith('segment') };
  const expected = readFileSync(join(FIXTURES, `${name}.out.yml`), 'utf8');

  test(`${name}: hardened as the golden file says`, async (t) => {
    const result = await hardenCompose(readFileSync(input, 'utf8'), input, options);
    t.is(result.output, expected);
  });

  test(`${name}: hardening the hardened file changes nothing, byte for byte`, async (t) => {
    const again = await hardenCompose(expected, input, options);
    t.is(again.output, expected);
    t.deepEqual(again.edits, []);
  });

  test(`${name}: the hardened file validates against the compose-spec schema`, (t) => {
    const data = parseDocument(expected, { merge: true }).toJS() as unknown;
    t.true(validate(data), JSON.stringify(validate.errors, null, 2));
  });
}

test('refused settings are errors at their line and column; an allowed one is a warning', async (t) => {
  const file = join(FIXTURES, 'refused.in.yml');
  const result = await hardenCompose(readFileSync(file, 'utf8'), file, OPTIONS);
  const reported = result.findings.filter((f) => f.level !== 'change').map((f) => `${f.line}:${f.col} ${f.level} ${f.rule} ${f.service}`);
  t.deepEqual(reported, [
    '4:17 error privileged agent',
    '5:19 error host-network agent',
    '6:15 error dangerous-cap agent',
    '8:9 error docker-socket agent',
    '9:9 error sensitive-mount agent',
    '12:9 error sensitive-mount agent',
    '12:9 error docker-socket agent',
    '6:14 warning user agent',
    '15:10 warning host-pid allowed',
  ]);
});

test('comments, quoting, ${VAR}, extensions, anchors, merge keys and octal modes survive', (t) => {
  const basic = readFileSync(join(FIXTURES, 'basic.out.yml'), 'utf8');
  for (const kept of ['# A small web app.', "GREETING: 'hello'", '${TZ:-UTC}', 'x-owner: team-web', 'restart: always', '  # The front end.', 'image: "sdocker-test/busybox:1"']) {
    t.true(basic.includes(kept), kept);
  }
  const anchors = readFileSync(join(FIXTURES, 'anchors.out.yml'), 'utf8');
  t.is(anchors.match(/&env/g)?.length, 1, 'the aliased service was copied without its anchors');
  t.true(anchors.includes('<<: *base'));
  t.true(readFileSync(join(FIXTURES, 'octal.out.yml'), 'utf8').includes('mode: 0440'));
  t.true(readFileSync(join(FIXTURES, 'reset.out.yml'), 'utf8').includes('ports: !reset []'));
});

async function harden(args: string[], files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-harden-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const result = await runMain(['harden', ...args], { cwd: dir });
  return { ...result, dir, read: (name: string) => readFileSync(join(dir, name), 'utf8') };
}

const SMALL = 'services:\n  web:\n    image: sdocker-test/busybox:1\n';

test('stdout by default; --check exits 1 listing each change; a hardened file checks clean', async (t) => {
  const out = await harden(['--seccomp', '/x.json'], { 'compose.yaml': SMALL });
  t.is(out.code, 0);
  t.regex(out.stdout, /^ {4}read_only: true$/m);
  t.is(out.read('compose.yaml'), SMALL, 'stdout mode writes nothing');
  const check = await harden(['--check', '--seccomp', '/x.json'], { 'docker-compose.yml': SMALL });
  t.is(check.code, 1);
  t.regex(check.stdout, /^docker-compose\.yml:3:5: change read-only \[web\]: add read_only: true$/m);
  const clean = await harden(['--check', '--seccomp', '/x.json'], { 'compose.yml': out.stdout });
  t.is(clean.code, 0);
  t.is(clean.stdout, '1 file, 1 service: 0 changes, 0 refused\n', 'a clean file: the summary alone');
});

test('unnamed, the override file compose merges in is judged too: a refusal there fails --check; only the main file is hardened', async (t) => {
  const hardened = (await harden(['--seccomp', '/x.json'], { 'compose.yaml': SMALL })).stdout;
  const override = 'services:\n  web:\n    privileged: "on"\n';
  const check = await harden(['--check', '--seccomp', '/x.json'], { 'compose.yaml': hardened, 'compose.override.yaml': override });
  t.is(check.code, 1);
  t.regex(check.stdout, /^compose\.override\.yaml:3:17: error privileged \[web\]: refusing privileged: on: /m);
  t.notRegex(check.stdout, /: change /, 'nothing is added to the override file');
  t.regex(check.stdout, /^2 files, 1 service: 0 changes, 1 refused$/m, "the override's web is the main file's");
  const clean = await harden(['--check', '--seccomp', '/x.json'], { 'compose.yaml': hardened, 'compose.override.yaml': 'services:\n  web:\n    environment: {A: "1"}\n' });
  t.is(clean.code, 0, clean.stdout);
  const printed = await harden(['--seccomp', '/x.json'], { 'compose.yaml': SMALL, 'compose.override.yaml': 'services:\n  web:\n    environment: {A: "1"}\n' });
  t.false(printed.stdout.includes('# '), 'stdout shows the main file alone');
});

test('--write replaces the file atomically and only when it changes', async (t) => {
  const result = await harden(['--write', '--seccomp', '/x.json', 'a.yml'], { 'a.yml': SMALL });
  t.is(result.code, 0);
  t.regex(result.stderr, /^sdocker: hardened a\.yml \(\d+ additions\)$/m);
  t.regex(result.read('a.yml'), /read_only: true/);
  t.deepEqual(readdirSync(result.dir), ['a.yml'], 'no temp file left behind');
});

test('--diff prints a unified diff', async (t) => {
  const result = await harden(['--diff', '--seccomp', '/x.json'], { 'compose.yaml': SMALL });
  t.regex(result.stdout, /^--- a\/compose\.yaml\n\+\+\+ b\/compose\.yaml\n@@ /);
  t.regex(result.stdout, /^\+ {4}read_only: true$/m);
});

test('--format json and sarif report the findings', async (t) => {
  const json = await harden(['--format', 'json', '--seccomp', '/x.json'], { 'compose.yaml': SMALL });
  const findings = JSON.parse(json.stdout) as { file: string; rule: string; level: string }[];
  t.true(findings.some((f) => f.file === 'compose.yaml' && f.rule === 'read-only' && f.level === 'change'));
  const sarif = await harden(['--format', 'sarif'], { 'compose.yaml': readFileSync(join(FIXTURES, 'refused.in.yml'), 'utf8') });
  t.is(sarif.code, 1);
  const log = JSON.parse(sarif.stdout) as { version: string; runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
  t.is(log.version, '2.1.0');
  const errors = log.runs[0]?.results.filter((r) => r.level === 'error') ?? [];
  t.deepEqual(errors.map((r) => `${r.ruleId}@${r.locations[0]?.physicalLocation.region.startLine}`), ['privileged@4', 'host-network@5', 'dangerous-cap@6', 'docker-socket@8', 'sensitive-mount@9', 'sensitive-mount@12', 'docker-socket@12']);
});

test('a file with refused settings exits 1 and --write leaves it byte-identical', async (t) => {
  const text = readFileSync(join(FIXTURES, 'refused.in.yml'), 'utf8');
  const result = await harden(['--write'], { 'compose.yaml': text });
  t.is(result.code, 1);
  t.is(result.read('compose.yaml'), text);
  t.regex(result.stderr, /compose\.yaml:4:17: error privileged \[agent\]: refusing privileged: true: .*; add the one capability it needs with cap_add: NAME, or allow it: x-sdocker: \{allow: \[privileged\]\} on the service, or --allow privileged/);
  const allowed = await harden(['--check', '--allow', 'privileged', '--allow', 'host-network', '--allow', 'dangerous-cap', '--allow', 'docker-socket', '--allow', 'sensitive-mount'], { 'compose.yaml': text });
  t.false(allowed.stdout.includes(': error '), 'every refusal lifted on the command line');
});

const BAD: [string, RegExp][] = [
  ['services:\n  web: [\n', /compose\.yaml:\d+:\d+: /],
  ['services:\n  web: {}\n---\nservices: {}\n', /holds 2 YAML documents/],
  ['services:\n  web:\n    image: a\n    image: b\n', /compose\.yaml:4:5: Map keys must be unique$/],
  ['- just\n- a list\n', /a compose file is a mapping of keys/],
  ['version: "3"\n', /no 'services' mapping/],
  ['services:\n  web:\n    image: a\n    x-sdocker: {allow: [privilegd]}\n', /'privilegd' in x-sdocker\.allow of service 'web'/],
];

for (const [text, message] of BAD) {
  test(`bad input is one clear error and the file is untouched: ${JSON.stringify(text)}`, async (t) => {
    const result = await harden(['--write'], { 'compose.yaml': text });
    t.is(result.code, 2);
    t.is(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
    t.regex(result.stderr.trimEnd(), message);
    t.is(result.read('compose.yaml'), text);
  });
}

test('no compose file here is a clear error', async (t) => {
  const result = await harden([], {});
  t.is(result.code, 2);
  t.regex(result.stderr, /no compose file here or above \(compose\.yaml, compose\.yml, docker-compose\.yml, docker-compose\.yaml\)/);
});

test('the default file is found as compose does: compose.yaml hardened (v2 reads it first), docker-compose.yml judged too (v1 reads it first)', async (t) => {
  const result = await harden(['--check'], { 'docker-compose.yml': SMALL, 'compose.yaml': 'services:\n  other:\n    image: x\n' });
  t.regex(result.stdout, /^compose\.yaml:/m);
  t.notRegex(result.stdout, /docker-compose\.yml/, 'a clean second file has nothing to say');
  const v1 = await harden(['--check'], { 'docker-compose.yml': 'services:\n  a:\n    image: x\n    privileged: true\n', 'compose.yaml': 'services:\n  other:\n    image: x\n' });
  t.is(v1.code, 1);
  t.regex(v1.stdout, /^docker-compose\.yml:4:17: error privileged \[a\]/m);
});

test("sdocker compose finds compose's -f files and keeps every other argument", async (t) => {
  const { parseComposeArgs } = await import('../src/compose/run/args.js');
  const parsed = parseComposeArgs(['-f', 'a.yml', '--file=b.yml', '-p', 'proj', '--profile', 'dev', 'up', '-d', '-f', 'not-mine'], 'plugin', 'docker compose');
  t.deepEqual(parsed.files, ['a.yml', 'b.yml']);
  t.is(parsed.projectDir, undefined);
  t.deepEqual(parsed.globals, ['-p', 'proj', '--profile', 'dev']);
  t.is(parsed.sub, 'up');
  t.deepEqual(parsed.subArgs, ['-d', '-f', 'not-mine']);
  t.is(parseComposeArgs(['--project-directory', '/srv/app', 'up'], 'v1', 'docker-compose').projectDir, '/srv/app');
});

test('an empty list key is filled, a lone scalar becomes a list that keeps it', async (t) => {
  const text = 'services:\n  web:\n    image: x\n    security_opt:\n    tmpfs: /run\n    cap_drop: NET_RAW\n';
  const { output } = await hardenCompose(text, '/tmp/compose.yaml', OPTIONS);
  t.regex(output, /security_opt:\n {6}- "no-new-privileges:true"\n/);
  t.regex(output, /tmpfs:\n {6}- "\/run:uid=65534,gid=65534"\n {6}- "\/tmp:/, "the file's tmpfs kept, owned by the user sdocker sets");
  t.regex(output, /cap_drop:\n {6}- NET_RAW\n {6}- ALL\n/);
});

test('a port written with ${VAR:-default} is bound to loopback too', async (t) => {
  const text = 'services:\n  web:\n    image: x\n    ports:\n      - "${WEB_PORT:-8080}:80"\n      - "${IP:-0.0.0.0}:${P}:81"\n      - ":8082:82"\n';
  const { output } = await hardenCompose(text, '/tmp/compose.yaml', OPTIONS);
  t.true(output.includes('- "127.0.0.1:${WEB_PORT:-8080}:80"'));
  t.true(output.includes('- "127.0.0.1:8082:82"'), 'an empty host address means every interface, as for run');
  t.true(output.includes('- "${IP:-0.0.0.0}:${P}:81"'), 'a host address given through a variable is kept');
});

test('settings are checked as compose interpolates them', async (t) => {
  const { interpolate } = await import('../src/compose/read/interpolate.js');
  t.is(interpolate('${A:-/etc}:/x ${B-b} ${C} $D $$E', { C: 'c', D: 'd', B: '' }), '/etc:/x  c d $E');
  const text = 'services:\n  web:\n    image: x\n    volumes:\n      - "${DATA:-/etc}:/data"\n    network_mode: ${MODE}\n';
  const result = await hardenCompose(text, '/tmp/compose.yaml', { ...OPTIONS, env: { MODE: 'host' } });
  t.deepEqual(result.findings.filter((f) => f.level === 'error').map((f) => f.rule), ['host-network', 'sensitive-mount']);
});

test('volumes: read-only below a system folder is a note; writable, a secret or the folder itself is an error', async (t) => {
  const text = [
    'services:',
    '  web:',
    '    image: sdocker-test/busybox:1',
    '    volumes:',
    '      - /etc/ssl/certs:/etc/ssl/certs:ro',
    '      - type: bind',
    '        source: /etc/passwd',
    '        target: /etc/passwd',
    '        read_only: true',
    '      - /etc/ssl/certs:/certs',
    '      - /etc/shadow:/shadow:ro',
    '      - type: bind',
    '        source: /etc',
    '        target: /host-etc',
    '        read_only: true',
    '      - type: bind',
    '        source: /etc/passwd',
    '        target: /p',
    '        read_only: false',
    '      - certs:/c:ro',
    '      - certs:/c2',
    'volumes:',
    '  certs:',
    '    driver_opts: {type: none, o: bind, device: /etc/ssl/certs}',
    '',
  ].join('\n');
  const result = await hardenCompose(text, '/tmp/compose.yaml', OPTIONS);
  const reported = result.findings.filter((f) => f.level !== 'change').map((f) => `${f.line} ${f.level} ${f.rule}`);
  t.deepEqual(reported.sort(byLine), ['5 note sensitive-mount', '6 note sensitive-mount', '10 error sensitive-mount', '11 error sensitive-mount', '12 error sensitive-mount', '16 error sensitive-mount', '20 note sensitive-mount', '21 error sensitive-mount']);
  t.regex(result.findings.find((f) => f.line === 5)?.message ?? '', /^volumes: \/etc\/ssl\/certs:\/etc\/ssl\/certs:ro: allowed read-only below the system folder \/etc/);
  t.regex(result.findings.find((f) => f.line === 11)?.message ?? '', /\/etc\/shadow is in secretPaths: refused in any mode/);
});

test('a file whose only findings are read-only notes checks clean once hardened; the notes are --check\'s, not the write\'s', async (t) => {
  const text = `${SMALL}    volumes: ["/etc/ssl/certs:/etc/ssl/certs:ro"]\n`;
  const written = await harden(['--write', '--seccomp', '/x.json'], { 'compose.yaml': text });
  t.is(written.code, 0, written.stderr);
  t.notRegex(written.stderr, /note sensitive-mount/, 'quiet on success: a note is no warning');
  const checked = await runMain(['harden', '--check', '--seccomp', '/x.json'], { cwd: written.dir });
  t.is(checked.code, 0, checked.stdout);
  t.regex(checked.stdout, /compose\.yaml:4:\d+: note sensitive-mount \[web\]: volumes: \/etc\/ssl\/certs:\/etc\/ssl\/certs:ro: allowed read-only/);
  const sarif = await runMain(['harden', '--format', 'sarif', '--seccomp', '/x.json'], { cwd: written.dir });
  t.regex(sarif.stdout, /"level": "note"/);
});

function byLine(a: string, b: string): number {
  return Number.parseInt(a, 10) - Number.parseInt(b, 10);
}

test('a service with cap_add and no user gets no user, root tmpfs, and a warning', async (t) => {
  const text = 'services:\n  net:\n    image: x\n    cap_add: [NET_ADMIN]\n    x-sdocker: {allow: ["dangerous-cap:NET_ADMIN"]}\n  mine:\n    image: x\n    user: "1000:1000"\n    cap_add: [NET_BIND_SERVICE]\n';
  const result = await hardenCompose(text, '/tmp/compose.yaml', OPTIONS);
  const data = parseDocument(result.output).toJS() as { services: Record<string, { user?: string; tmpfs: string[] }> };
  t.is(data.services['net']?.user, undefined);
  t.deepEqual(data.services['net']?.tmpfs, ['/tmp:rw,noexec,nosuid,nodev,size=64m']);
  t.is(data.services['mine']?.user, '1000:1000', "the file's own user is kept");
  const warnings = result.findings.filter((f) => f.rule === 'user').map((f) => `${f.line}:${f.col} ${f.level} ${f.service}: ${f.message}`);
  t.deepEqual(warnings, ['4:14 warning net: cap_add NET_ADMIN: user 65534:65534 not set (a non-root user gets no capabilities); the service runs as root unless its image sets a USER (CIS 4.1)']);
});

test("the file's tmpfs gets the owner of the user sdocker sets, unless it sets one or the file sets the user", async (t) => {
  const text = [
    'services:',
    '  web:',
    '    image: x',
    '    tmpfs: ["/www", "/run:size=1m", "/own:uid=1"]',
    '    volumes:',
    '      - type: tmpfs',
    '        target: /cache',
    '  mine:',
    '    image: x',
    '    user: "1000"',
    '    tmpfs: /www',
    '',
  ].join('\n');
  const result = await hardenCompose(text, '/tmp/compose.yaml', OPTIONS);
  const data = parseDocument(result.output).toJS() as { services: Record<string, { tmpfs: string[] | string }> };
  t.deepEqual(data.services['web']?.tmpfs, ['/www:uid=65534,gid=65534', '/run:size=1m,uid=65534,gid=65534', '/own:uid=1', '/tmp:rw,noexec,nosuid,nodev,size=64m,uid=65534,gid=65534']);
  t.deepEqual(data.services['mine']?.tmpfs, ['/www', '/tmp:rw,noexec,nosuid,nodev,size=64m,uid=1000']);
  const notes = result.findings.filter((f) => f.level === 'warning').map((f) => `${f.line}:${f.col} ${f.rule} ${f.service}: ${f.message}`);
  t.deepEqual(notes, ['6:9 tmpfs web: the tmpfs at /cache is mounted with the image folder\'s owner (root) and the long syntax cannot set one: user 65534:65534 cannot write there; write it as tmpfs: ["/cache:uid=65534,gid=65534"]']);
  const again = await hardenCompose(result.output, '/tmp/compose.yaml', OPTIONS);
  t.is(again.output, result.output, 'hardening the hardened file changes nothing');
});
