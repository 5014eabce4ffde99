// sdocker learn on a second set of Debian servers laid out like their official images
// (test/images/learn2): a database initialised on first start by an entrypoint that drops to its
// user, a cache that compiles its config into a shared object at start, an ssh server and a mail
// server that chroot per connection, a name server, a broker that opens its port seconds after
// start, a web server exposing an admin port it keeps on localhost. Each is learned against its
// own run under plain docker; then a plain `sdocker run -d` of it serves a real request.
import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished, runCli, startCli } from './helpers/cli.js';
import { docker, engineSuite, inspect, LABEL_ARGS, uniqueName } from './helpers/engine.js';
import { assertLearnedHardened } from './helpers/learned.js';
import { eventually, exchange, httpOk } from './helpers/probes.js';

const config = mkdtempSync(join(tmpdir(), 'sdocker-learn2-'));
const env = { XDG_CONFIG_HOME: config };
const image = (name: string): string => `localhost/sdlearn2/${name}:1`;

const { named } = engineSuite(test);
test.before(() => {
  const missing = spawnSync('docker', ['image', 'inspect', image('base')], { stdio: 'ignore' }).status !== 0;
  if (missing) throw new Error(`${image('base')} is missing: run 'bash scripts/test-images'`);
});

/** The request that shows it serves: from the host to its published port, or a client beside it. */
type Serves = (container: string, port: number) => Promise<unknown>;

interface Server {
  readonly name: string;
  /** The port published for the proof, e.g. 80/tcp or 53/udp. */
  readonly port: string;
  readonly serves: Serves;
  /** Proven as root (it chroots or switches users per connection). */
  readonly root: boolean;
  /** An exposed port that plain docker never opens either. */
  readonly neverOpened?: string;
}

const mariadbSelect: Serves = (container) => eventually('SELECT through TCP', async () => {
  const result = spawnSync('docker', ['exec', container, 'mariadb', '--protocol=TCP', '-h', '127.0.0.1', '-uapp', '-psdlearn2', 'app', '-N', '-e', 'SELECT 6*7'], { encoding: 'utf8' });
  if (result.status !== 0 || result.stdout.trim() !== '42') throw new Error(`${result.status}: ${result.stdout}${result.stderr}`);
}, 60);

/** A key login from a client in a second container (on the host's network, to the published port). */
const sshLogin: Serves = (_container, port) => eventually('ssh key login', async () => {
  const result = spawnSync('docker', ['run', '--rm', ...LABEL_ARGS, '--network', 'host', image('openssh'), 'ssh', '-i', '/usr/local/share/sdlearn2/id_ed25519', '-p', String(port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', 'app@127.0.0.1', 'id -un; echo logged-in'], { encoding: 'utf8' });
  if (result.status !== 0 || result.stdout !== 'app\nlogged-in\n') throw new Error(`${result.status}: ${result.stdout}${result.stderr}`);
}, 30);

const dnsAnswer: Serves = async (_container, port) => {
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const addresses = await eventually('DNS A of www.sdlearn.test', () => resolver.resolve4('www.sdlearn.test'));
  if (addresses.join() !== '192.0.2.80') throw new Error(`answered ${addresses.join()}`);
};

/** AMQP 0-9-1: the protocol header is answered by a Connection.Start method frame (class 10, method 10). */
const amqpStart: Serves = (_container, port) => eventually('AMQP Connection.Start', async () => {
  const reply = await exchange(port, Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'), (r) => r.length >= 11);
  if (reply[0] !== 1 || reply.readUInt16BE(7) !== 10 || reply.readUInt16BE(9) !== 10) throw new Error(`reply ${reply.subarray(0, 16).toString('hex')}`);
}, 60);

/** SMTP: the greeting, then EHLO answered by the server's own name. */
const smtpEhlo: Serves = (_container, port) => eventually('SMTP EHLO', async () => {
  const greeting = (await exchange(port, '', (r) => r.includes('\r\n'))).toString();
  if (!greeting.startsWith('220 mail.sdlearn.test')) throw new Error(`greeting ${greeting}`);
  const reply = (await exchange(port, 'EHLO sdocker.test\r\n', (r) => /^250 /m.test(r.toString().split('\r\n').slice(1).join('\n')))).toString();
  if (!reply.includes('250-mail.sdlearn.test')) throw new Error(`EHLO reply ${reply}`);
}, 30);

const SERVERS: readonly Server[] = [
  { name: 'mariadb', port: '3306/tcp', serves: mariadbSelect, root: false },
  { name: 'varnish', port: '80/tcp', serves: async (_c, port) => assertBody(await httpOk(port), 'hello from sdlearn2 varnish'), root: false, neverOpened: '8443/tcp' },
  { name: 'openssh', port: '22/tcp', serves: sshLogin, root: true },
  { name: 'bind9', port: '53/udp', serves: dnsAnswer, root: false, neverOpened: '953/tcp' },
  { name: 'rabbitmq', port: '5672/tcp', serves: amqpStart, root: false, neverOpened: '5671/tcp' },
  { name: 'caddy', port: '80/tcp', serves: async (_c, port) => assertBody(await httpOk(port), 'hello from sdlearn2 caddy'), root: false, neverOpened: '2019/tcp' },
  { name: 'postfix', port: '25/tcp', serves: smtpEhlo, root: true, neverOpened: '587/tcp' },
];

function assertBody(body: string, expected: string): void {
  if (body.trim() !== expected) throw new Error(`body ${JSON.stringify(body)}`);
}

for (const server of SERVERS) {
  test.serial(`learn ${server.name} against its run under plain docker, then a plain sdocker run serves it hardened`, async (t) => {
    t.timeout(300_000);
    const began = Date.now();
    const own = uniqueName('sdtest-learn2');
    const learned = await finished(startCli(['learn', ...LABEL_ARGS, '--label', `sdtest.learn=${own}`, image(server.name)], env));
    t.is(learned.code, 0, learned.stderr);
    const trials = learned.stderr.match(/^sdocker learn: trial \d+/gm)?.length ?? 0;
    t.log(`${server.name}: ${trials} trials, ${((Date.now() - began) / 1000).toFixed(1)} s: ${/proved in .*: (.*)$/m.exec(learned.stderr)?.[1] ?? ''}`);
    t.regex(learned.stderr, /^sdocker learn: .*: reference run: as plain docker runs it/m);
    if (server.neverOpened !== undefined) t.regex(learned.stderr, new RegExp(`never opened .*${server.neverOpened}.*: not required`));
    const file = join(config, 'sdocker', 'images', `sdlearn2_${server.name}@1.yml`);
    t.true(existsSync(file), file);
    const profile = readFileSync(file, 'utf8');
    t.regex(profile, new RegExp(`^images: \\["sdlearn2/${server.name}:1"\\]$`, 'm'));
    t.regex(profile, /^# Not proven:$/m);
    t.is(docker('ps', '-a', '--filter', 'label=io.sdocker.learn', '--filter', `label=sdtest.learn=${own}`, '--format', '{{.Names}}'), '', 'no reference or trial container is left');
    await servesHardened(t, server, learned.stderr);
  });
}

async function servesHardened(t: ExecutionContext, server: Server, detail: string): Promise<void> {
  const container = named(`sdtest-learned2-${server.name}`);
  const run = await runCli(['run', '-d', '--name', container, '-p', `127.0.0.1::${server.port}`, image(server.name)], env);
  t.is(run.code, 0, run.stderr);
  const info = inspect(container);
  const binding = info.NetworkSettings.Ports[server.port]?.[0];
  t.is(binding?.HostIp, '127.0.0.1');
  await server.serves(container, Number(binding?.HostPort));
  assertLearnedHardened(t, info, server.root, detail);
  t.is(docker('inspect', '--format', '{{.State.Running}}', container), 'true', `${server.name} still runs after serving`);
}

test.serial('a server booting slowly (a fifth of a core, as on a loaded machine) keeps its late port required, and the grant it needs', async (t) => {
  t.timeout(300_000);
  const own = uniqueName('sdtest-learn2-slow');
  // RabbitMQ at --cpus 0.2 opens 5672 after ~25 s, long after its log went quiet; it is busy until then.
  // Its own config folder: the test above wrote rabbitmq's learned profile into `env`'s, which
  // would make the policy grant both already (nothing left to learn).
  const fresh = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'sdocker-learn2-slow-')) };
  const learned = await finished(startCli(['learn', '--dry-run', '--cpus', '0.2', ...LABEL_ARGS, '--label', `sdtest.learn=${own}`, image('rabbitmq')], fresh));
  t.is(learned.code, 0, learned.stderr);
  t.regex(learned.stderr, /^sdocker learn: {3}ready after .*5672\/tcp open at \d+\.\d s/m, 'the broker port is watched while the broker is still busy');
  t.notRegex(learned.stderr, /never opened .*5672\/tcp/);
  t.regex(learned.stdout, /^# {3}- 5672\/tcp opens \(plain docker: \d+\.\d s\)/m, 'every trial must open it too');
  t.regex(learned.stdout, /^ {4}- "\/var\/log\/rabbitmq"$/m, `its log folder is kept: without it the broker exits before 5672 opens\n${learned.stderr}`);
  t.regex(learned.stdout, /^user: "114:116"$/m, 'its own user is kept: as any other, it cannot read its cookie');
  t.log(/^sdocker learn: proved in .*$/m.exec(learned.stderr)?.[0] ?? '');
});
