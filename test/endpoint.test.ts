// The engine endpoint as docker 28's CLI resolves it (cli/command/cli.go resolveContextName,
// opts/hosts.go ParseHost, the context store), on fake config folders made here. The same
// settings on the real client are checked against the engine in engine-endpoint.test.ts.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInvocation } from '../src/docker/invocation.js';
import { SocketEngine } from '../src/engine/api.js';
import { chooseEngine } from '../src/engine/choose.js';
import { CliEngine } from '../src/engine/cli.js';
import { resolveEndpoint, type Endpoint } from '../src/engine/endpoint.js';
import { hostFacts } from '../src/planner/facts.js';

const SOCKET: Endpoint = { kind: 'socket', path: '/var/run/docker.sock', tls: false };
const CWD = '/srv/project';

function globalsOf(words: readonly string[]) {
  const inv = parseInvocation([...words, 'run', 'img']);
  if (inv.kind !== 'container') throw new Error('not a run');
  return inv.globals;
}

const HOMES = mkdtempSync(join(tmpdir(), 'sdocker-endpoint-'));
test.after.always(() => rmSync(HOMES, { recursive: true, force: true }));

/** A fake HOME, so that no real ~/.docker is read. */
function home(): string {
  return mkdtempSync(join(HOMES, 'home-'));
}

function endpointOf(words: readonly string[], env: NodeJS.ProcessEnv = {}): Endpoint {
  return resolveEndpoint(globalsOf(words), { HOME: home(), ...env }, CWD);
}

/** A context stored as `docker context create` stores it (layout measured with docker 28.2). */
function storeContext(configDir: string, name: string, meta: string): void {
  const dir = join(configDir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'meta.json'), meta);
}

function dockerMeta(name: string, host: string): string {
  return JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } });
}

test('-H and --host: a unix socket is this host, any other scheme is remote', (t) => {
  t.deepEqual(endpointOf([]), SOCKET);
  t.deepEqual(endpointOf(['-H', 'unix:///var/run/docker.sock']), SOCKET);
  t.deepEqual(endpointOf(['--host=unix:///run/user/1000/docker.sock']), { ...SOCKET, path: '/run/user/1000/docker.sock' });
  t.deepEqual(endpointOf(['-Hunix:///var/run/docker.sock']), SOCKET);
  t.deepEqual(endpointOf(['-H', ' unix:///var/run/docker.sock\n']), SOCKET, 'ParseHost trims spaces');
  t.deepEqual(endpointOf(['-H', 'unix://']), SOCKET, 'an empty path is the default socket');
  t.deepEqual(endpointOf(['-H', 'unix://unix:///var/run/docker.sock']), SOCKET, 'parseSimpleProtoAddr trims a second scheme');
  t.deepEqual(endpointOf(['-H', 'unix://d.sock']), { ...SOCKET, path: '/srv/project/d.sock' }, 'relative to the working folder');
  t.deepEqual(endpointOf(['-H', ''], { DOCKER_HOST: 'tcp://10.0.0.1:2375' }), SOCKET, 'an empty -H is the default socket, not DOCKER_HOST');
  t.deepEqual(endpointOf(['-H', '/var/run/docker.sock']), { kind: 'remote', host: 'tcp:///var/run/docker.sock' }, 'no scheme is TCP');
  for (const host of ['tcp://10.0.0.1:2375', 'ssh://me@box', 'npipe:////./pipe/docker_engine', 'fd://']) t.like(endpointOf(['-H', host]), { kind: 'remote', host });
  t.like(endpointOf(['-H', 'http://box']), { kind: 'failing' });
  t.like(endpointOf(['-H', 'UNIX:///var/run/docker.sock']), { kind: 'failing' }, 'the scheme is case-sensitive');
  t.like(endpointOf(['-H', 'unix:///a', '-H', 'unix:///b']), { kind: 'failing', reason: 'specify only one -H' });
  t.like(endpointOf(['-H', 'unix:///a', '--context', 'default']), { kind: 'failing', reason: 'conflicting options: cannot specify both --host and --context' });
});

test('--context default and DOCKER_HOST: the default context is DOCKER_HOST, or the default socket', (t) => {
  for (const words of [['--context', 'default'], ['-c', 'default'], ['--context=default'], ['-cdefault']]) {
    t.deepEqual(endpointOf(words), SOCKET, words.join(' '));
    t.deepEqual(endpointOf(words, { DOCKER_HOST: 'unix:///run/d.sock' }), { ...SOCKET, path: '/run/d.sock' }, words.join(' '));
    t.like(endpointOf(words, { DOCKER_HOST: 'tcp://10.0.0.1:2375' }), { kind: 'remote' }, words.join(' '));
  }
  t.deepEqual(endpointOf([], { DOCKER_HOST: 'unix:///var/run/docker.sock' }), SOCKET);
  t.deepEqual(endpointOf([], { DOCKER_HOST: '  ' }), SOCKET, 'a blank DOCKER_HOST picks the default context, then trims to the default socket');
  t.deepEqual(endpointOf([], { DOCKER_HOST: 'unix:///var/run/docker.sock', DOCKER_CONTEXT: 'elsewhere' }), SOCKET, 'DOCKER_HOST wins over DOCKER_CONTEXT');
  t.deepEqual(endpointOf(['--context', ''], { DOCKER_HOST: 'unix:///run/d.sock' }), { ...SOCKET, path: '/run/d.sock' }, 'an empty --context is none');
  t.deepEqual(endpointOf(['--debug', '-l', 'warn']), SOCKET, 'other global flags do not move the endpoint');
});

test('TLS without a host is tcp://localhost:2376; on a socket it stays the socket', (t) => {
  for (const [words, env] of [[['--tls'], {}], [['--tlsverify=false'], {}], [[], { DOCKER_TLS: '1' }], [[], { DOCKER_TLS_VERIFY: '1' }]] as const) {
    t.deepEqual(endpointOf(words, env), { kind: 'remote', host: 'tcp://localhost:2376' }, JSON.stringify([words, env]));
  }
  t.deepEqual(endpointOf(['--tls=false'], { DOCKER_TLS: '1' }), SOCKET, '--tls=false overrides DOCKER_TLS');
  t.deepEqual(endpointOf(['--tlscacert', '/ca.pem']), SOCKET, 'a TLS file alone does not turn TLS on');
  t.deepEqual(endpointOf(['-H', 'unix:///var/run/docker.sock', '--tlsverify']), { ...SOCKET, tls: true });
});

test('a stored context: its docker endpoint host, read from the store under --config, DOCKER_CONFIG or ~/.docker', (t) => {
  const config = home();
  storeContext(config, 'local', dockerMeta('local', 'unix:///var/run/docker.sock'));
  storeContext(config, 'other-sock', dockerMeta('other-sock', 'unix:///run/user/1000/docker.sock'));
  storeContext(config, 'remote', dockerMeta('remote', 'ssh://me@box'));
  t.deepEqual(endpointOf(['--config', config, '--context', 'local']), SOCKET);
  t.deepEqual(endpointOf(['--context', 'other-sock'], { DOCKER_CONFIG: config }), { ...SOCKET, path: '/run/user/1000/docker.sock' });
  t.deepEqual(endpointOf(['--context', 'remote'], { DOCKER_CONFIG: config }), { kind: 'remote', host: 'ssh://me@box' });
  t.like(endpointOf(['--config', '/nonexistent', '-c', 'local'], { DOCKER_CONFIG: config }), { kind: 'failing', reason: 'context "local" not found' }, '--config wins over DOCKER_CONFIG');
  const fakeHome = home();
  storeContext(join(fakeHome, '.docker'), 'local', dockerMeta('local', 'unix:///var/run/docker.sock'));
  t.deepEqual(endpointOf(['-c', 'local'], { HOME: fakeHome }), SOCKET);
  t.deepEqual(endpointOf([], { HOME: fakeHome, DOCKER_CONTEXT: 'local' }), SOCKET);
  t.like(endpointOf([], { HOME: fakeHome, DOCKER_CONTEXT: 'missing' }), { kind: 'failing' });
});

test("config.json's currentContext, read as docker's json.Decoder reads it", (t) => {
  const config = home();
  storeContext(config, 'local', dockerMeta('local', 'unix:///run/local.sock'));
  storeContext(config, 'far', dockerMeta('far', 'tcp://10.0.0.1:2376'));
  const current = (text: string, env: NodeJS.ProcessEnv = {}): Endpoint => {
    writeFileSync(join(config, 'config.json'), text);
    return endpointOf([], { DOCKER_CONFIG: config, ...env });
  };
  const local: Endpoint = { ...SOCKET, path: '/run/local.sock' };
  t.deepEqual(current('{"currentContext":"local"}'), local);
  t.deepEqual(current('{"currentContext":"local","auths":5}'), local, 'a type error elsewhere only warns');
  t.deepEqual(current('{"currentContext":"local"} trailing words'), local, 'Decode reads the first value only');
  t.deepEqual(current('{"CURRENTCONTEXT":"local"}'), local, 'keys match in any case');
  t.deepEqual(current('{"currentContext":"far","currentcontext":"local","currentContext":null}'), local, 'the last string wins; null is skipped');
  t.deepEqual(current('{"currentContext":"local",}'), SOCKET, 'malformed: docker warns and uses the default context');
  t.deepEqual(current('{"currentContext":"far"}', { DOCKER_CONTEXT: 'local' }), local, 'DOCKER_CONTEXT wins over the file');
  t.deepEqual(current('{"currentContext":"far"}', { DOCKER_CONTEXT: 'default' }), SOCKET);
  t.like(current('{"currentContext":"far"}'), { kind: 'remote' });
});

test("a context's meta.json read as Go reads it: keys in any case, the last wins, repeated maps merge", (t) => {
  const config = home();
  const endpoint = (meta: string): Endpoint => {
    storeContext(config, 'q', meta);
    return endpointOf(['--config', config, '-c', 'q']);
  };
  const unix = 'unix:///var/run/docker.sock';
  const tcp = 'tcp://127.0.0.1:1';
  t.deepEqual(endpoint(`{"endpoints":{"docker":{"host":"${unix}"}}}`), SOCKET);
  t.deepEqual(endpoint(`{"endpoint\u017f":{"docker":{"Ho\u017ft":"${unix}"}}}`), SOCKET, 'ſ folds to s, as Go folds it');
  t.deepEqual(endpoint(`{"Endpoints":{"docker":{"Host":"${tcp}","host":"${unix}"}}}`), SOCKET);
  t.like(endpoint(`{"Endpoints":{"docker":{"Host":"${unix}","HOST":"${tcp}"}}}`), { kind: 'remote' });
  t.deepEqual(endpoint(`{"Endpoints":{"docker":{"Host":"${unix}","Host":null}}}`), SOCKET);
  t.deepEqual(endpoint(`{"Endpoints":{"docker":{"Host":"${unix}"}},"endpoints":{"other":{}}}`), SOCKET, 'a second Endpoints adds to the first');
  t.like(endpoint(`{"Endpoints":{"docker":{"Host":"${unix}"}},"endpoints":null}`), { kind: 'failing' }, 'a null Endpoints empties it');
  t.deepEqual(endpoint('{"Endpoints":{"docker":{}}}'), SOCKET, "no Host: the API client's default socket");
  t.like(endpoint('{"Endpoints":{"docker":null}}'), { kind: 'failing' });
  t.like(endpoint('{"Endpoints":{}}'), { kind: 'failing' });
  t.like(endpoint('{"Endpoints":{"docker":{"Host":"/var/run/docker.sock"}}}'), { kind: 'failing' }, 'a stored host needs its scheme');
  t.like(endpoint(`{"Endpoints":{"docker":{"Host":"${unix}"}}} x`), { kind: 'failing' }, 'json.Unmarshal rejects what follows');
});

test('the context store `docker context create` writes is read', (t) => {
  const config = home();
  const name = `sdtest-ctx-${process.pid}`;
  execFileSync('docker', ['context', 'create', name, '--docker', 'host=unix:///var/run/docker.sock'], { env: { ...process.env, DOCKER_CONFIG: config }, stdio: 'ignore' });
  execFileSync('docker', ['context', 'create', `${name}-far`, '--docker', 'host=tcp://10.0.0.1:2376'], { env: { ...process.env, DOCKER_CONFIG: config }, stdio: 'ignore' });
  t.deepEqual(endpointOf(['--context', name], { DOCKER_CONFIG: config }), SOCKET);
  t.like(endpointOf(['--context', `${name}-far`], { DOCKER_CONFIG: config }), { kind: 'remote', host: 'tcp://10.0.0.1:2376' });
  execFileSync('docker', ['context', 'use', name], { env: { ...process.env, DOCKER_CONFIG: config }, stdio: 'ignore' });
  t.deepEqual(endpointOf([], { DOCKER_CONFIG: config }), SOCKET, 'docker context use');
});

test('the engine: a local socket is asked directly and judged as this host; a remote one through docker, by name', (t) => {
  const choose = (words: string[], env: NodeJS.ProcessEnv = {}) => chooseEngine(globalsOf(words), { HOME: home(), ...env }, 'docker', CWD);
  for (const words of [[], ['-H', 'unix:///var/run/docker.sock'], ['--context', 'default'], ['-c', 'default']]) {
    const engine = choose(words);
    t.true(engine instanceof SocketEngine, words.join(' '));
    t.is(engine.socketPath, '/var/run/docker.sock');
    t.not(hostFacts(engine).engineSocket, undefined, 'host checks look at this host');
  }
  const tls = choose(['-H', 'unix:///var/run/docker.sock', '--tls']);
  t.true(tls instanceof CliEngine, 'TLS on: docker answers, as it loads the TLS files first');
  t.is(tls.socketPath, '/var/run/docker.sock');
  const remote = choose(['-H', 'tcp://10.0.0.1:2375']);
  t.true(remote instanceof CliEngine);
  t.is(remote.socketPath, undefined);
  t.is(hostFacts(remote).engineSocket, undefined);
});
