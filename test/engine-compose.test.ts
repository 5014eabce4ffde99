// Hardened compose files on the real engine with docker-compose v1 (1.29, Debian's): it
// accepts every hardened fixture it accepted before, and a hardened two-service stack runs
// with the same protections the run engine gives.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECCOMP_DIR } from '../src/common/paths.js';
import { CLI, runCli } from './helpers/cli.js';
import { assertDefaultLimits, docker, engineSuite, httpRequest, inspect, uniqueName } from './helpers/engine.js';
import { eventually } from './helpers/probes.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/compose/', import.meta.url));

// Each project is taken down after the file, also when a test failed or timed out.
const { cleanup } = engineSuite(test);
test.before(() => {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0) throw new Error("docker-compose (v1) is missing: install Debian's docker-compose (scripts/engine-up does)");
});

function compose(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('docker-compose', args, { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('docker-compose config accepts every hardened fixture it accepts unhardened', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-compose-'));
  let accepted = 0;
  for (const name of readdirSync(FIXTURES).filter((n) => n.endsWith('.in.yml'))) {
    const before = compose(['-f', join(FIXTURES, name), 'config', '-q'], FIXTURES);
    if (before.status !== 0) {
      t.log(`${name}: docker-compose v1 rejects the input itself (${before.stderr.split('\n')[0]})`);
      continue;
    }
    // Run from the fixtures' folder: the profile by absolute path (the portable copy is engine-portable's).
    const hardened = await runCli(['harden', '--seccomp', join(SECCOMP_DIR, 'sdocker-default.json'), join(FIXTURES, name)]);
    t.not(hardened.stdout, '', `${name}: ${hardened.stderr}`);
    const file = join(dir, name);
    writeFileSync(file, hardened.stdout);
    const after = compose(['-f', file, '--project-directory', FIXTURES, 'config', '-q'], FIXTURES);
    t.is(after.status, 0, `${name}: ${after.stderr}`);
    accepted += 1;
  }
  t.true(accepted >= 6, `${accepted} fixtures checked`);
});

const STACK = `services:
  web:
    image: localhost/library/nginx:sdocker-test
    ports:
      - "80"
    depends_on: [backend]
  backend:
    image: localhost/library/redis:sdocker-test
`;

test('a hardened web + backend stack runs with every protection and serves', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-stack-'));
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, STACK);
  const hardened = await runCli(['harden', '--write', file]);
  t.is(hardened.code, 0, hardened.stderr);
  const project = uniqueName('sdstack');
  cleanup(() => compose(['-p', project, '-f', file, 'down', '-v'], dir));
  const up = compose(['-p', project, '-f', file, 'up', '-d'], dir);
  t.is(up.status, 0, up.stderr);
  const web = inspect(`${project}_web_1`);
  const host = web.HostConfig;
  t.deepEqual(host.CapDrop, ['ALL']);
  t.true(host.ReadonlyRootfs);
  t.deepEqual(Object.keys(host.Tmpfs ?? {}).sort(), ['/tmp', '/var/cache/nginx', '/var/run']);
  t.true(host.SecurityOpt?.includes('no-new-privileges:true'));
  t.true(host.SecurityOpt?.some((opt) => opt.startsWith('seccomp={')), 'the profile JSON was sent');
  assertDefaultLimits(t, host);
  t.is(web.Config.User, '101:101');
  const binding = web.NetworkSettings.Ports['80/tcp']?.[0];
  t.is(binding?.HostIp, '127.0.0.1');
  const body = await eventually('the page from the host', async () => (await fetch(`http://127.0.0.1:${binding?.HostPort}/`)).text());
  t.is(body, 'hello from nginx\n');
  const backend = inspect(`${project}_backend_1`);
  t.is(backend.Config.User, '999:999');
  t.true(backend.HostConfig.ReadonlyRootfs);
  t.is(docker('exec', `${project}_backend_1`, 'redis-cli', 'ping'), 'PONG');
});

test('a refused file stays byte-identical on disk and nothing is started', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-refused-'));
  const file = join(dir, 'compose.yaml');
  const text = readFileSync(join(FIXTURES, 'refused.in.yml'), 'utf8');
  writeFileSync(file, text);
  const result = await runCli(['harden', '--write', file]);
  t.is(result.code, 1);
  t.is(readFileSync(file, 'utf8'), text);
});

test('sdocker compose runs the hardened model and leaves the file untouched', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-run-compose-'));
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, STACK);
  const project = uniqueName('sdrun');
  cleanup(() => compose(['-p', project, 'down', '-v'], dir));
  const up = await runCliIn(dir, ['compose', '-p', project, 'up', '-d']);
  t.is(up.code, 0, up.stderr);
  t.is(readFileSync(file, 'utf8'), STACK, "the user's file is untouched");
  const web = inspect(`${project}_web_1`);
  t.true(web.HostConfig.ReadonlyRootfs);
  t.deepEqual(web.HostConfig.CapDrop, ['ALL']);
  t.is(web.NetworkSettings.Ports['80/tcp']?.[0]?.HostIp, '127.0.0.1');
  const ps = await runCliIn(dir, ['compose', '-p', project, 'ps', '--services']);
  t.deepEqual(ps.stdout.trim().split('\n').sort(), ['backend', 'web']);
});

test('sdocker compose refuses a dangerous file and starts nothing; x-sdocker counts only once trusted', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-trust-compose-'));
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, 'services:\n  tool:\n    image: sdocker-test/busybox:1\n    command: ["sleep", "60"]\n    pid: host\n    x-sdocker: {allow: [host-pid]}\n');
  const project = uniqueName('sdtrust');
  cleanup(() => compose(['-p', project, 'down', '-v'], dir));
  const env = { XDG_DATA_HOME: mkdtempSync(join(tmpdir(), 'sdocker-data-')) };
  const refused = await runCliIn(dir, ['compose', '-p', project, 'up', '-d'], env);
  t.is(refused.code, 125);
  t.regex(refused.stderr, /x-sdocker allow lists ignored: \.\/compose\.yaml not trusted; review, then run 'sdocker trust \.\/compose\.yaml'/);
  t.regex(refused.stderr, /sdocker: service tool: refusing pid: host: .*, then sdocker trust \.\/compose\.yaml, or sdocker compose --sd-allow host-pid \.\.\.$/m);
  t.is(docker('ps', '-a', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Names}}'), '', 'nothing was created');
  t.is((await runCliIn(dir, ['trust', './compose.yaml'], env)).code, 0, 'the command as printed');
  const trusted = await runCliIn(dir, ['compose', '-p', project, 'up', '-d'], env);
  t.is(trusted.code, 0, trusted.stderr);
  t.regex(trusted.stderr, /sdocker: service tool: allowed: pid: host/);
  t.is(docker('ps', '-a', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Names}}'), `${project}_tool_1`, 'the same query sees what up creates');
});

test('an --override file merges over the original in docker-compose config', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-override-'));
  writeFileSync(join(dir, 'compose.yaml'), STACK);
  const result = await runCliIn(dir, ['harden', '--override', 'compose.sdocker.yaml']);
  t.is(result.code, 1, 'a published port the override cannot rebind');
  const merged = compose(['-f', 'compose.yaml', '-f', 'compose.sdocker.yaml', 'config'], dir);
  t.is(merged.status, 0, merged.stderr);
  t.regex(merged.stdout, /read_only: true/);
  t.regex(merged.stdout, /- ALL/);
  t.regex(result.stderr, /an override cannot rebind a published port/);
});

/** sdocker in a working directory of the test's own. */
function runCliIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return Promise.resolve({ code: result.status, stdout: result.stdout, stderr: result.stderr });
}

test('--segment: each pair that talks shares a network of its own, internal unless it publishes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-segment-'));
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, readFileSync(join(FIXTURES, 'segment.in.yml'), 'utf8'));
  t.is((await runCliIn(dir, ['harden', '--segment', '--write', file])).code, 0);
  const project = uniqueName('sdseg');
  cleanup(() => compose(['-p', project, 'down', '-v'], dir));
  const up = compose(['-p', project, 'up', '-d'], dir);
  t.is(up.status, 0, up.stderr);
  const internal = (network: string): boolean => docker('network', 'inspect', '--format', '{{.Internal}}', `${project}_${network}`) === 'true';
  t.true(internal('sd-api-db'), 'api and db publish nothing: no way out');
  t.false(internal('sd-api-web'), 'web publishes a port');
  const ip = (service: string, network: string): string => inspect(`${project}_${service}_1`).NetworkSettings.Networks[`${project}_${network}`]?.IPAddress ?? '';
  const fetchFrom = (service: string, address: string): string => {
    // An empty answer counts only from a request that ran: exec itself must succeed.
    const result = spawnSync('docker', ['exec', `${project}_${service}_1`, 'sh', '-c', httpRequest(address)], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`exec in ${service}: ${result.stderr}`);
    return result.stdout;
  };
  t.is(await eventually('web reaching the api', async () => {
    const body = fetchFrom('web', ip('api', 'sd-api-web'));
    if (body === '') throw new Error('no answer yet');
    return body;
  }), 'hello from sdocker\n', 'web reaches the api it depends on');
  t.is(fetchFrom('db', ip('web', 'sd-api-web')), '', 'db cannot reach web: they share no network');
  t.deepEqual(Object.keys(inspect(`${project}_lonely_1`).NetworkSettings.Networks), [`${project}_default`], 'a service that talks to no one keeps the default network');
});

