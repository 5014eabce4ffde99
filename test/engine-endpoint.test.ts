// Every way of naming the local engine's socket (-H, --host, --context default, a stored context,
// DOCKER_HOST, DOCKER_CONTEXT, config.json's currentContext) reaches the same engine for docker
// and for sdocker, and sdocker judges host paths there as on this host: a bind through a
// symlink to /etc or / is refused (exit 125, nothing created), a user folder runs hardened.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInvocation } from '../src/docker/invocation.js';
import { resolveEndpoint } from '../src/engine/endpoint.js';
import { exchange } from '../src/engine/http10.js';
import { runCli } from './helpers/cli.js';
import { IMAGE, containerExists, engineSuite, inspect } from './helpers/engine.js';

const { named } = engineSuite(test, 'sdendp');
const WORK = mkdtempSync(join(tmpdir(), 'sdocker-endpoint-'));
test.after.always(() => rmSync(WORK, { recursive: true, force: true }));
const INNOCENT = join(WORK, 'innocent');
const EVERYTHING = join(WORK, 'everything');
const DATA = join(WORK, 'data');
symlinkSync('/etc', INNOCENT);
symlinkSync('/', EVERYTHING);
mkdirSync(DATA);

/** A config folder with a context on the local socket, made by docker itself. */
const CONFIG = join(WORK, 'config');
const CONTEXT = `sdtest-ctx-${process.pid}`;
execFileSync('docker', ['context', 'create', CONTEXT, '--docker', 'host=unix:///var/run/docker.sock'], { env: { ...process.env, DOCKER_CONFIG: CONFIG }, stdio: 'ignore' });
const CURRENT = join(WORK, 'current');
mkdirSync(CURRENT);
execFileSync('cp', ['-r', join(CONFIG, 'contexts'), CURRENT]);
writeFileSync(join(CURRENT, 'config.json'), JSON.stringify({ currentContext: CONTEXT }));
/** TLS files for a socket: docker loads them, then skips TLS on a unix socket (cli/context/docker/load.go isSocket). */
const CERTS = join(WORK, 'certs');
mkdirSync(CERTS);
writeFileSync(join(CERTS, 'ca.pem'), 'read, then unused on a socket\n');

/** The user's settings: global words and environment, with no ~/.docker of the real user. */
const SPELLINGS: readonly (readonly [label: string, words: readonly string[], env: NodeJS.ProcessEnv])[] = [
  ['-H unix://', ['-H', 'unix:///var/run/docker.sock'], {}],
  ['--host=unix://', ['--host=unix:///var/run/docker.sock'], {}],
  ['--context default', ['--context', 'default'], {}],
  ['-c default', ['-c', 'default'], {}],
  ['--context of a stored context', ['--config', CONFIG, '--context', CONTEXT], {}],
  ['DOCKER_HOST=unix://', [], { DOCKER_HOST: 'unix:///var/run/docker.sock' }],
  ['DOCKER_CONTEXT', [], { DOCKER_CONFIG: CONFIG, DOCKER_CONTEXT: CONTEXT }],
  ["config.json's currentContext", [], { DOCKER_CONFIG: CURRENT }],
  ['-H unix:// --tlsverify (asked through docker)', ['-H', 'unix:///var/run/docker.sock', '--tlsverify'], { DOCKER_CERT_PATH: CERTS }],
];
const BASE_ENV: NodeJS.ProcessEnv = { HOME: join(WORK, 'nohome'), DOCKER_HOST: '', DOCKER_CONTEXT: '', DOCKER_CONFIG: '', DOCKER_TLS: '', DOCKER_TLS_VERIFY: '' };

function dockerWith(words: readonly string[], env: NodeJS.ProcessEnv, ...args: string[]): string {
  return execFileSync('docker', [...words, ...args], { encoding: 'utf8', env: { ...process.env, ...BASE_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

for (const [label, words, env] of SPELLINGS) {
  test(`${label}: docker and sdocker reach the same engine, on this host's socket`, async (t) => {
    const inv = parseInvocation([...words, 'run', IMAGE]);
    if (inv.kind !== 'container') throw new Error('not a run');
    const endpoint = resolveEndpoint(inv.globals, { ...BASE_ENV, ...env }, process.cwd());
    if (endpoint.kind !== 'socket') return t.fail(JSON.stringify(endpoint));
    const viaSocket = JSON.parse((await exchange(endpoint.path, 'GET', '/info', undefined, 60_000)).body) as { ID: string };
    t.is(dockerWith(words, env, 'info', '--format', '{{.ID}}'), viaSocket.ID);
  });

  test(`${label}: a bind through a symlink to /etc or / is refused, a user folder runs hardened`, async (t) => {
    for (const bind of [['-v', `${INNOCENT}:/x`], ['--mount', `type=bind,src=${EVERYTHING},dst=/h,readonly`]]) {
      const name = named();
      const refused = await runCli([...words, 'create', '--name', name, ...bind, IMAGE, 'true'], { ...BASE_ENV, ...env });
      t.is(refused.code, 125, `${bind.join(' ')}: ${refused.stderr}`);
      t.regex(refused.stderr, /--sd-allow sensitive-mount:\/(etc)?$/m);
      t.false(containerExists(name), `${bind.join(' ')} created nothing`);
    }
    const name = named();
    const ran = await runCli([...words, 'run', '--name', name, '-v', `${DATA}:/data`, IMAGE, 'true'], { ...BASE_ENV, ...env });
    t.is(ran.code, 0, ran.stderr);
    const state = inspect(name);
    t.deepEqual(state.HostConfig.CapDrop, ['ALL']);
    t.true(state.HostConfig.ReadonlyRootfs);
    t.true(state.HostConfig.SecurityOpt?.includes('no-new-privileges'));
  });
}

test("a hand-written context: docker reaches this host's engine exactly when sdocker resolves it to this host's socket", (t) => {
  const config = join(WORK, 'quirks');
  const unix = 'unix:///var/run/docker.sock';
  const tcp = 'tcp://127.0.0.1:1';
  const metas = [
    `{"endpoints":{"docker":{"host":"${unix}"}}}`,
    `{"endpoint\u017f":{"docker":{"Ho\u017ft":"${unix}"}}}`,
    `{"Endpoints":{"docker":{"Host":"${tcp}","host":"${unix}"}}}`,
    `{"Endpoints":{"docker":{"Host":"${unix}","HOST":"${tcp}"}}}`,
    `{"Endpoints":{"docker":{"Host":"${unix}","Host":null}}}`,
    `{"Endpoints":{"docker":{"Host":"${unix}"}},"endpoints":{"other":{}}}`,
    `{"Endpoints":{"docker":{"Host":"${unix}"}},"endpoints":null}`,
    '{"Endpoints":{"docker":{}}}',
    '{"Endpoints":{"docker":null}}',
    `{"Endpoints":{"docker":{"Host":"${unix}"}}} x`,
  ];
  for (const meta of metas) {
    const dir = join(config, 'contexts', 'meta', createHash('sha256').update('q').digest('hex'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'meta.json'), meta);
    const inv = parseInvocation(['--config', config, '-c', 'q', 'run', IMAGE]);
    if (inv.kind !== 'container') throw new Error('not a run');
    const local = resolveEndpoint(inv.globals, BASE_ENV, process.cwd()).kind === 'socket';
    const reached = spawnSync('docker', ['--config', config, '-c', 'q', 'version', '--format', '{{.Server.Version}}'], { env: { ...process.env, ...BASE_ENV }, stdio: 'ignore' }).status === 0;
    t.is(local, reached, meta);
  }
});

test('learn through -H: a symlinked /etc bind is refused before any trial, a user folder is learned', async (t) => {
  const config = join(WORK, 'learn');
  const words = ['-H', 'unix:///var/run/docker.sock'];
  const refused = await runCli([...words, 'learn', '-v', `${INNOCENT}:/x`, IMAGE, 'sleep', '30'], { XDG_CONFIG_HOME: config });
  t.is(refused.code, 125, refused.stderr);
  t.regex(refused.stderr, /resolves to \/etc/);
  t.notRegex(refused.stderr, /trial 1/);
  const learned = await runCli([...words, 'learn', '-v', `${DATA}:/data`, IMAGE, 'sleep', '30'], { XDG_CONFIG_HOME: config });
  t.is(learned.code, 0, learned.stderr);
  t.regex(learned.stderr, /^sdocker learn: proved in 1 trials/m);
});

test('explain through -H reads a container sdocker started through -H', async (t) => {
  const words = ['-H', 'unix:///var/run/docker.sock'];
  const name = named();
  const ran = await runCli([...words, 'run', '--name', name, IMAGE, 'true']);
  t.is(ran.code, 0, ran.stderr);
  const explained = await runCli([...words, 'explain', name]);
  t.is(explained.code, 0, explained.stderr);
  t.regex(explained.stdout, new RegExp(name));
});
