// --link on a real engine: sdocker's bridge drops traffic between containers, so each link gets
// a network of its own. The linked pair talks; a container not linked reaches neither.
// Serial: the engine (20.10) programs inter-network isolation with iptables as networks come and
// go, and one full run saw the isolation check pass a request while this file's other tests made
// and removed networks at the same time (libnetwork's rule handling is not safe under
// concurrency, moby/moby#25393). The check's answers are labelled to say which path let one in.
// Measured on 20.10 under a full suite: a bridge's own `-i br ! -o br -j ACCEPT` left above the
// FORWARD jump to DOCKER-ISOLATION-STAGE-1 while other files made networks, so traffic left that
// bridge for any other. dockerd puts its jumps first again whenever it makes a network (measured:
// an ACCEPT inserted above them is below them after a `network create`). So a leak seen while
// the engine's own order is broken is the engine's: the check makes one network to have the
// order restored and asks again. A leak with the order intact fails the test.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { CliEngine } from '../src/engine/cli.js';
import { SocketEngine } from '../src/engine/api.js';
import type { Engine } from '../src/engine/engine.js';
import { clearStale } from '../src/run/links.js';
import { runCli } from './helpers/cli.js';
import { IMAGE, LABEL_ARGS, docker, uniqueName, engineSuite, httpRequest, inspect, removeContainers } from './helpers/engine.js';

// Containers go first, then the networks they were on (engineSuite's cleanup, also on a timeout).
const { named, cleanup } = engineSuite(test);
const networks: string[] = [];
cleanup(() => {
  if (networks.length > 0) spawnSync('docker', ['network', 'rm', ...networks], { stdio: 'ignore' });
});

function linkNetwork(target: string, container: string): string {
  const name = `sdocker-link-${target}-${container}`;
  networks.push(name);
  return name;
}

async function startServer(t: import('ava').ExecutionContext): Promise<string> {
  const name = named();
  const started = await runCli(['run', '-d', '--name', name, IMAGE, 'httpd', '-f', '-p', '8080', '-h', '/www']);
  t.is(started.code, 0, started.stderr);
  return name;
}

/** The page as `container` fetches it from `ip`, polled until it comes or the deadline passes. */
async function fetchFrom(container: string, ip: string, deadlineMs = 60_000): Promise<string> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const result = spawnSync('docker', ['exec', container, 'sh', '-c', httpRequest(ip)], { encoding: 'utf8' });
    if (result.stdout.includes('hello') || Date.now() > end) return result.stdout;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** What busybox nslookup (its own resolver, not libc's) answers inside `container`. */
function lookup(container: string, name: string): string {
  const out = spawnSync('docker', ['exec', container, 'nslookup', name], { encoding: 'utf8' }).stdout;
  return /Name:\s*\S+\s*\nAddress:\s*(\S+)/.exec(out)?.[1] ?? '';
}

function ipOn(container: string, network: string): string {
  return inspect(container).NetworkSettings.Networks[network]?.IPAddress ?? '';
}

/** The engine, seeing only the networks this file made: the clearing must not touch others'. */
function onlyOurs<E extends Engine>(engine: E): E {
  const list = engine.listNetworks.bind(engine);
  return Object.assign(engine, { listNetworks: async (label: string) => (await list(label)).filter((n) => networks.includes(n)) });
}

/** FORWARD ACCEPT rules above dockerd's isolation jump ([] where iptables cannot be read). */
function acceptsAboveIsolation(): string[] {
  const listed = spawnSync('iptables', ['-S', 'FORWARD'], { encoding: 'utf8' });
  if (listed.status !== 0) return [];
  const rules = listed.stdout.split('\n');
  const jump = rules.indexOf('-A FORWARD -j DOCKER-ISOLATION-STAGE-1');
  return jump === -1 ? [] : rules.slice(0, jump).filter((rule) => rule.endsWith('-j ACCEPT'));
}

/** A network of this run's, made and removed: dockerd puts its FORWARD jumps first again. */
function restoreEngineOrder(): void {
  const name = uniqueName('sdtest-order');
  docker('network', 'create', ...LABEL_ARGS, name);
  docker('network', 'rm', name);
}

const PAST_GRACE = 2 * 60 * 1000;

test.serial('run --link: the pair talks over a network of its own; an unlinked container reaches neither', async (t) => {
  const server = await startServer(t);
  const client = named();
  const network = linkNetwork(server, client);
  const linked = await runCli(['run', '-d', '--name', client, '--link', `${server}:web`, IMAGE, 'sleep', '600']);
  t.is(linked.code, 0, linked.stderr);
  const info = JSON.parse(docker('network', 'inspect', network))[0] as { Labels: Record<string, string>; Options: Record<string, string>; Containers: Record<string, { Name: string }> };
  t.deepEqual(info.Labels, { 'io.sdocker.managed': 'true', 'io.sdocker.link.target': server, 'io.sdocker.link.container': client });
  t.is(info.Options['com.docker.network.bridge.enable_icc'], undefined, 'inter-container traffic on: two containers alone');
  t.deepEqual(Object.values(info.Containers).map((c) => c.Name).sort(), [client, server].sort());
  t.deepEqual(Object.keys(inspect(client).NetworkSettings.Networks), [network], 'the client is not on sdocker');
  const ip = ipOn(server, network);
  t.is(lookup(client, 'web'), ip, 'the alias names the server on the pair network');
  t.is((await fetchFrom(client, ip)).trim(), 'hello from sdocker');

  // Each answer labelled: a failure says which path let the stranger through.
  const targets = { 'server on the pair network': ip, 'server on sdocker': ipOn(server, 'sdocker'), 'client on the pair network': ipOn(client, network) };
  const script = Object.entries(targets).map(([what, address]) => `echo "${what} (${address}): $(${httpRequest(address)})"`).join('; ');
  const expected = Object.entries(targets).map(([what, address]) => `${what} (${address}): `);
  const ask = async (): Promise<string[]> => {
    const stranger = await runCli(['run', '--rm', IMAGE, 'sh', '-c', script]);
    t.is(stranger.code, 0, stranger.stderr);
    return stranger.stdout.split('\n').filter((line) => line !== '');
  };
  let answers = await ask();
  for (let tries = 0; tries < 3 && answers.join('\n') !== expected.join('\n'); tries += 1) {
    const above = acceptsAboveIsolation();
    if (above.length === 0) break; // the engine's order is intact: the leak is not the engine's
    t.log(`dockerd's FORWARD order broken by concurrent network changes (${above.join('; ')}): restored by a new network, asked again`);
    restoreEngineOrder();
    answers = await ask();
  }
  t.deepEqual(answers, expected, 'not over the pair network, not over sdocker');

  // The client gone, the pair network is cleared once past the grace period, the server kept.
  removeContainers(client);
  t.deepEqual(await clearStale(onlyOurs(new SocketEngine('/var/run/docker.sock')), Date.now() + PAST_GRACE), [network]);
  t.is(spawnSync('docker', ['network', 'inspect', network], { stdio: 'ignore' }).status, 1);
  t.deepEqual(Object.keys(inspect(server).NetworkSettings.Networks), ['sdocker']);
});

test.serial('run --rm --link: the pair network goes with the container', async (t) => {
  const server = await startServer(t);
  const client = named();
  const network = linkNetwork(server, client);
  const ran = await runCli(['run', '--rm', '--name', client, '--link', `${server}:web`, IMAGE, 'nslookup', 'web']);
  t.is(ran.code, 0, ran.stderr);
  t.regex(ran.stdout, /Name:\s*web/, 'the alias resolved inside');
  t.is(spawnSync('docker', ['network', 'inspect', network], { stdio: 'ignore' }).status, 1, 'removed when docker returned');
  t.deepEqual(Object.keys(inspect(server).NetworkSettings.Networks), ['sdocker']);
});

test.serial('create with two links (docker CLI engine): joins the second pair network before it starts', async (t) => {
  const [one, two] = [await startServer(t), await startServer(t)];
  const client = named();
  const [first, second] = [linkNetwork(one, client), linkNetwork(two, client)];
  // -H: sdocker asks the engine through the docker CLI (src/engine/cli.ts).
  const created = await runCli(['-H', 'unix:///var/run/docker.sock', 'create', '--name', client, '--link', `${one}:one`, '--link', `${two}:two`, IMAGE, 'sleep', '600']);
  t.is(created.code, 0, created.stderr);
  t.deepEqual(Object.keys(inspect(client).NetworkSettings.Networks).sort(), [first, second].sort());
  docker('start', client);
  t.is(lookup(client, 'one'), ipOn(one, first));
  t.is(lookup(client, 'two'), ipOn(two, second), 'the alias resolves on the network joined after create');
  t.is((await fetchFrom(client, ipOn(one, first))).trim(), 'hello from sdocker');
  t.is((await fetchFrom(client, ipOn(two, second))).trim(), 'hello from sdocker');
  const across = spawnSync('docker', ['exec', one, 'sh', '-c', httpRequest(ipOn(two, second))], { encoding: 'utf8' });
  t.is(across.stdout, '', 'the two servers share no network');

  removeContainers(client);
  const cleared = await clearStale(onlyOurs(new CliEngine('docker', [])), Date.now() + PAST_GRACE);
  t.deepEqual(cleared.sort(), [first, second].sort());
});
