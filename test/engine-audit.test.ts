// sdocker audit on the real engine: the snapshot holds exactly what `docker inspect` says of
// each container (docker is the oracle), the socket and the docker CLI read the same snapshot,
// targets are resolved by name, and the exit codes are 1 (a warning), 0 (clean), 2 (an unknown
// target) and 125 (no engine).
import test from 'ava';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliSource } from '../src/audit/source-cli.js';
import { socketSource } from '../src/audit/source.js';
import { readSnapshot } from '../src/audit/snapshot.js';
import type { Finding } from '../src/audit/types.js';
import { SocketEngine } from '../src/engine/api.js';
import { runCli } from './helpers/cli.js';
import { IMAGE, docker, engineSuite } from './helpers/engine.js';

const { named } = engineSuite(test, 'sdaudit');
const ROOT = named();
const USER = named();
const CONFIG = mkdtempSync(join(tmpdir(), 'sdocker-audit-'));
test.after.always(() => rmSync(CONFIG, { recursive: true, force: true }));
/** No config of the real user's: no suppressions but the test's own. */
const ENV = { XDG_CONFIG_HOME: CONFIG, XDG_DATA_HOME: CONFIG };
const SOCKET = '/var/run/docker.sock';

test.before(async () => {
  // Hardened by sdocker but root: its only warnings are the two CIS 4.1 ones (configured and running user).
  const root = await runCli(['run', '-d', '--restart', 'no', '--user', '0', '--health-cmd', 'true', '--name', ROOT, IMAGE, 'sleep', '300'], ENV);
  if (root.code !== 0) throw new Error(`sdocker run failed: ${root.stderr}`);
  // The clean one is what sdocker itself makes, with a health check (the test image has none).
  const made = await runCli(['create', '--user', '1000:1000', '--health-cmd', 'true', '--name', USER, IMAGE, 'true'], ENV);
  if (made.code !== 0) throw new Error(`sdocker create failed: ${made.stderr}`);
});

test('the snapshot holds what docker inspect says of each container, and the processes of the running one', async (t) => {
  const { snapshot, named: found } = await readSnapshot(socketSource(new SocketEngine(SOCKET)), { names: [ROOT, USER], engineOnly: true });
  t.deepEqual(found.map((n) => [n.name, n.kind]), [[ROOT, 'container'], [USER, 'container']]);
  for (const name of [ROOT, USER]) {
    const raw = snapshot.containers.find((c) => c.raw.Name === `/${name}`)?.raw;
    t.deepEqual(raw, JSON.parse(docker('inspect', '--type', 'container', name))[0], name);
  }
  const running = snapshot.containers.find((c) => c.raw.Name === `/${ROOT}`);
  t.deepEqual(running?.processes?.map((p) => [p['UID'], p['COMMAND']]), [['0', 'sleep']]);
  t.is(snapshot.containers.find((c) => c.raw.Name === `/${USER}`)?.processes, undefined, 'a created container has no processes to list');
  const imageId = docker('image', 'inspect', '--format', '{{.Id}}', IMAGE);
  t.deepEqual([...snapshot.images.keys()], [imageId], 'one image, read once for both');
  t.is(snapshot.images.get(imageId)?.history.length, docker('history', '-q', IMAGE).split('\n').length);
});

test('through the docker CLI (remote engines) the snapshot is the same as through the socket', async (t) => {
  const names = { names: [ROOT, USER, IMAGE], engineOnly: true };
  const [viaSocket, viaCli] = await Promise.all([readSnapshot(socketSource(new SocketEngine(SOCKET)), names), readSnapshot(cliSource('docker', [], SOCKET), names)]);
  t.deepEqual(viaCli.named, viaSocket.named);
  t.deepEqual(viaCli.snapshot.containers, viaSocket.snapshot.containers);
  // The API's history rows also carry Tags, which docker history's format has no field for.
  const untagged = (images: typeof viaSocket.snapshot.images) => [...images].map(([id, image]) => [id, { ...image, history: image.history.map(({ Tags: _tags, ...row }: typeof image.history[number] & { Tags?: unknown }) => row) }]);
  t.deepEqual(untagged(viaCli.snapshot.images), untagged(viaSocket.snapshot.images));
  t.is(viaCli.snapshot.engine.bridgeIcc, viaSocket.snapshot.engine.bridgeIcc);
  t.is(viaCli.snapshot.engine.info['ID'], viaSocket.snapshot.engine.info['ID']);
});

test('audit NAME... --format json: the contract, for the named containers only; a root process fails the run', async (t) => {
  const result = await runCli(['audit', ROOT, USER, '--format', 'json'], ENV);
  t.is(result.code, 1, result.stderr);
  const report = JSON.parse(result.stdout) as { findings: Finding[]; fixes: unknown[]; daemonJson: unknown };
  t.deepEqual(Object.keys(report), ['findings', 'fixes', 'daemonJson']);
  t.deepEqual([...new Set(report.findings.map((f) => `${f.target.kind} ${f.target.name}`))].sort(), [`container ${ROOT}`, `container ${USER}`].sort());
  const root = report.findings.find((f) => f.target.name === ROOT && f.check === 'running-as-root');
  t.like(root, { result: 'warn', cis: '4.1' });
  t.regex(root?.evidence ?? '', /UID=0 PID=\d+ COMMAND=sleep/);
  t.like(report.findings.find((f) => f.target.name === USER && f.check === 'running-as-root'), { result: 'pass', evidence: 'Config.User="1000:1000"' });
});

test('a clean target exits 0; a root one 1, and once suppressed it is info: 0 under --fail-on warn, 1 under --fail-on info', async (t) => {
  const clean = await runCli(['audit', USER], ENV);
  t.is(clean.code, 0, clean.stderr);
  t.regex(clean.stdout, new RegExp(`container ${USER} {2}\\(0 warn, \\d+ info, \\d+ pass`));
  const root = await runCli(['audit', ROOT, '--verbose'], ENV);
  t.is(root.code, 1);
  t.regex(root.stdout, /WARN {2}running-as-root CIS 4\.1: /);
  const own = mkdtempSync(join(tmpdir(), 'sdocker-audit-'));
  t.teardown(() => rmSync(own, { recursive: true, force: true }));
  mkdirSync(join(own, 'sdocker'));
  writeFileSync(join(own, 'sdocker', 'config.yml'), `audit:\n  suppress:\n    - {check: running-as-root, target: ${ROOT}, reason: the test needs root}\n    - {check: user, target: ${ROOT}, reason: the test needs root}\n`);
  const suppressed = await runCli(['audit', ROOT], { ...ENV, XDG_CONFIG_HOME: own });
  t.is(suppressed.code, 0, suppressed.stderr);
  t.regex(suppressed.stdout, /INFO {2}running-as-root CIS 4\.1: suppressed \(the test needs root\); was warn: /);
  t.is((await runCli(['audit', ROOT, '--fail-on', 'info'], { ...ENV, XDG_CONFIG_HOME: own })).code, 1);
});

test('an unknown target is exit 2 with one line naming it; no engine is exit 125 with one line', async (t) => {
  const unknown = await runCli(['audit', ROOT, 'sdaudit-no-such-thing'], ENV);
  t.is(unknown.code, 2);
  t.is(unknown.stdout, '');
  t.is(unknown.stderr, "sdocker audit: no such container or image: sdaudit-no-such-thing; 'docker ps -a' and 'docker images' list them\n");
  const here = await runCli(['-H', `unix://${SOCKET}`, 'audit', USER], ENV);
  t.is(here.code, 0, 'docker global flags before audit choose the engine, as for run');
  const gone = await runCli(['-H', 'unix:///nonexistent.sock', 'audit'], ENV);
  t.is(gone.code, 125);
  t.is(gone.stderr, 'sdocker: cannot reach the Docker engine at unix:///nonexistent.sock (ENOENT); is dockerd running?\n');
});

test('with no target: every container, running or not', async (t) => {
  const result = await runCli(['audit', '--format', 'json', '--fail-on', 'none'], ENV);
  t.is(result.code, 0, result.stderr);
  const names = new Set((JSON.parse(result.stdout) as { findings: Finding[] }).findings.map((f) => f.target.name));
  t.true(names.has(ROOT) && names.has(USER));
});
