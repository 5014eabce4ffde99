// `sdocker compose` cannot be talked around: compose's argv read as compose reads it (v1's
// docopt prefixes, v2's pflag), run/exec flags judged by the run refusals, subcommands that
// sdocker does not know refused, docker's global flags carried to the compose that runs.
// Process-level cases use a fake docker and docker-compose (test/helpers/compose.ts).
import test from 'ava';
import { parseComposeArgs, parseComposeFlags } from '../src/compose/run/args.js';
import { carryGlobals } from '../src/compose/run/endpoint.js';
import { EXEC, RUN, V1_RUN_PREFIXES, type Flavor } from '../src/compose/run/flags.js';
import { bindOneOffPorts, judgeOneOff, type OneOff } from '../src/compose/run/oneoff.js';
import { classify } from '../src/compose/run/subcommands.js';
import { parseInvocation } from '../src/docker/invocation.js';
import { pathKind, resolveExisting } from '../src/planner/facts.js';
import { loadPolicy } from '../src/policy/load.js';
import { lastCall, runCompose } from './helpers/compose.js';
import { runMain } from './helpers/fakes.js';

const HOST = { realpath: resolveExisting, kind: pathKind, engineSocket: resolveExisting('/var/run/docker.sock') };
const { policy } = await loadPolicy({ profile: 'default', env: {}, cwd: '/', cliAllow: [] });

function judge(sub: OneOff, flavor: Flavor, words: string[]) {
  const table = sub === 'run' ? RUN[flavor] : EXEC[flavor];
  const flags = parseComposeFlags(words, table, flavor, `compose ${sub}`, flavor === 'v1' && sub === 'run' ? V1_RUN_PREFIXES : undefined);
  return { flags, verdict: judgeOneOff(sub, flags, policy, HOST, ['/tmp']) };
}

const REFUSED: [OneOff, Flavor, string[], RegExp][] = [
  ['run', 'plugin', ['--cap-add', 'SYS_ADMIN', 'svc'], /refusing compose run --cap-add SYS_ADMIN: .*or sdocker compose --sd-allow dangerous-cap:SYS_ADMIN \.\.\.$/],
  ['run', 'v1', ['--cap-add=sys_admin', 'svc'], /refusing compose run --cap-add SYS_ADMIN/],
  ['run', 'plugin', ['-v', '/:/h', 'svc'], /refusing compose run -v \/:\/h/],
  ['run', 'plugin', ['--volumes', '/etc:/h', 'svc'], /refusing compose run -v \/etc:\/h/],
  ['run', 'v1', ['--vol', '/etc:/h', 'svc'], /refusing compose run -v \/etc:\/h/],
  ['run', 'v1', ['--volume=/var/run/docker.sock:/s', 'svc'], /refusing compose run -v \/var\/run\/docker\.sock/],
  ['run', 'standalone', ['--rm', '-dv/:/h', 'svc'], /refusing compose run -v \/:\/h/],
  ['exec', 'plugin', ['--privileged', 'svc', 'sh'], /refusing compose exec --privileged: /],
  ['exec', 'v1', ['-T', '--priv', 'svc', 'sh'], /refusing compose exec --privileged: /],
];

for (const [sub, flavor, words, message] of REFUSED) {
  test(`${flavor} compose ${sub} ${words.join(' ')} is refused`, (t) => {
    const { refused } = judge(sub, flavor, words).verdict;
    t.true(refused.some((line) => message.test(line)), refused.join('\n'));
  });
}

const BENIGN: [OneOff, Flavor, string[]][] = [
  ['run', 'plugin', ['--rm', '--cap-add', 'NET_RAW', '-v', 'data:/data', '-u', '1000', '-e', 'A=1', 'svc', 'sh', '--privileged']],
  ['run', 'v1', ['--rm', '-T', '-e', 'A=-v /:/h', '--entrypoint', 'sh', 'svc', '-v', '/:/h']],
  ['run', 'v1', ['--vol', '/etc/hostname:/h:ro', 'svc']],
  ['exec', 'plugin', ['--privileged=false', 'svc', 'sh']],
  ['exec', 'v1', ['-T', 'svc', 'sh', '--privileged']],
];

for (const [sub, flavor, words] of BENIGN) {
  test(`${flavor} compose ${sub} ${words.join(' ')} is not refused`, (t) => {
    const { flags, verdict } = judge(sub, flavor, words);
    t.deepEqual(verdict.refused, []);
    t.is(flags.rest[0], 'svc', 'the service is found where compose finds it');
  });
}

test('v1 reads a long option by its unique prefix; an ambiguous prefix or an unknown flag is refused', (t) => {
  const v1 = parseComposeArgs(['--project-n', 'p', '--', 'run', 'svc'], 'v1', 'docker-compose');
  t.deepEqual(v1.globals, ['--project-name', 'p', '--']);
  t.is(v1.sub, 'run');
  t.throws(() => parseComposeArgs(['--proj', 'x', 'up'], 'v1', 'docker-compose'), { message: /--proj is not a unique prefix in 'docker-compose': --project-name, --project-directory\?/ });
  t.throws(() => parseComposeArgs(['--project-n', 'p', 'up'], 'plugin', 'docker compose'), { message: /^sdocker: unknown flag --project-n for 'docker compose': .*run 'docker compose' directly if you trust the files$/ });
  t.is(parseComposeArgs(['-p', 'x', '--profile', 'dev', '--dry-run', 'run', '-p', '80'], 'plugin', 'docker compose').sub, 'run', "a value's flag never hides the subcommand");
  t.is(parseComposeArgs(['-H', 'unix:///x', '--context', 'c', 'up'], 'standalone', 'docker-compose').sub, 'up');
  t.true(parseComposeArgs(['--help', 'up'], 'plugin', 'docker compose').helpOrVersion);
  t.false(parseComposeArgs(['--help=false', 'up'], 'plugin', 'docker compose').helpOrVersion);
});

test('subcommands: the model-creating ones are hardened, run and exec judged, known others pass, unknown ones refused', (t) => {
  for (const sub of ['up', 'create', 'scale', 'watch']) t.is(classify(sub, 'docker compose'), 'model', sub);
  // config (and v2's alias convert) prints the hardened model: the preview of what will run.
  for (const sub of ['config', 'convert']) t.is(classify(sub, 'docker compose'), 'model', sub);
  t.is(classify('run', 'docker compose'), 'run');
  t.is(classify('exec', 'docker compose'), 'exec');
  // build runs the file's build steps: a host-network or privileged build is refused on the model.
  t.is(classify('build', 'docker compose'), 'model');
  for (const sub of ['ps', 'logs', 'down', 'stop', 'kill', 'rm', 'start', 'restart', 'pull', 'version', 'ls', 'cp', 'wait']) t.is(classify(sub, 'docker compose'), 'pass', sub);
  for (const sub of ['exec_command', 'bridge', 'alpha', 'frobnicate', 'UP']) {
    t.throws(() => classify(sub, 'docker-compose'), { message: new RegExp(`^sdocker: refusing 'docker-compose ${sub}': .*; run 'docker-compose ${sub} \\.\\.\\.' directly if you trust the files$`) });
  }
});

test('ports a one-off publishes are bound to loopback unless they name an address', (t) => {
  const bound = (flavor: Flavor, words: string[]): string[] => bindOneOffPorts(parseComposeFlags(words, RUN[flavor], flavor, 'run'), policy);
  t.deepEqual(bound('plugin', ['-p', '8080:80', 'svc']), ['-p', '127.0.0.1:8080:80']);
  t.deepEqual(bound('v1', ['-dp80', '--publish=1.2.3.4:81:81', '-T', 'svc']), ['-d', '-p', '127.0.0.1::80', '--publish=1.2.3.4:81:81', '-T']);
  t.deepEqual(bound('plugin', ['--rm', '-e', 'A=1', 'svc']), ['--rm', '-e', 'A=1'], 'no port: the words as written');
});

test("docker's global flags in docker-compose's words: v1 and a standalone v2", (t) => {
  const globals = (argv: string[]) => {
    const inv = parseInvocation([...argv, 'compose', 'up']);
    if (inv.kind !== 'own') throw new Error(inv.kind);
    return inv.globals;
  };
  t.deepEqual(carryGlobals(globals(['-H', 'unix:///x', '--context=c', '--tlsverify', '--tlscacert', 'ca', '-D', '-l', 'warn']), 'v1', {}), {
    args: ['-H', 'unix:///x', '--context', 'c', '--tlsverify', '--tlscacert', 'ca', '--verbose', '--log-level', 'WARNING'],
    env: undefined,
  });
  t.deepEqual(carryGlobals(globals(['-D', '-l', 'warn', '--tls=false']), 'standalone', {}).args, ['--debug', '--log-level', 'warn']);
  t.is(carryGlobals(globals(['--config', '/cfg']), 'v1', { HOME: '/h' }).env?.['DOCKER_CONFIG'], '/cfg');
  t.throws(() => carryGlobals(globals(['-H', 'unix:///a', '-H', 'unix:///b']), 'v1', {}), { message: /^sdocker: cannot carry docker's -H to docker-compose: docker-compose takes one host; give one -H$/ });
  t.throws(() => carryGlobals(globals(['--tlsverify=false']), 'v1', { DOCKER_TLS_VERIFY: '1' }), { message: /cannot carry docker's --tlsverify=false/ });
});

test('docker global flags before an own command: compose gets them, --help=false is no help, an unknown one fails closed', async (t) => {
  t.like(parseInvocation(['--context', 'x', 'compose', 'up']), { kind: 'own', args: ['compose', 'up'] });
  t.like(parseInvocation(['--help=false', 'compose', 'up']), { kind: 'own', args: ['compose', 'up'] });
  // docker 28 ignores a global --help before a subcommand (it runs it): judged, not passed.
  t.like(parseInvocation(['--help', 'compose', 'up']), { kind: 'own' });
  t.throws(() => parseInvocation(['--newer-flag', 'x', 'compose', 'up']), { message: /unknown flag --newer-flag/ });
  const harden = await runMain(['--context', 'x', 'harden']);
  t.is(harden.code, 2);
  t.is(harden.stderr, "sdocker: docker's global flags (--context x) mean nothing to 'sdocker harden'; drop them\n");
  t.deepEqual(harden.runs, []);
});

// The whole command, with a fake compose.

test('v2 plugin: docker\'s global flags stay before compose, the model is hardened, the run comes last', (t) => {
  const run = runCompose(['--context', 'x', 'compose', '-p', 'proj', 'up', '-d'], { plugin: true });
  t.is(run.code, 0, run.stderr);
  // Then the settle window lists what `up -d` started, on the engine --context chose.
  t.deepEqual(run.calls.slice(0, 2).map((c) => c.argv.slice(0, 3)), [['--context', 'x', 'compose'], ['--context', 'x', 'compose']]);
  t.deepEqual(run.calls.at(-1)?.argv.slice(0, 3), ['--context', 'x', 'ps']);
  t.deepEqual(run.calls[1]?.argv.slice(3), ['-f', `${run.dir}/compose.yaml`, '-p', 'proj', 'config']);
  // The run itself talks to sdocker's judging socket, which forwards to the engine --context chose.
  t.deepEqual(lastCall(run), ['-H', 'unix://JUDGE', 'compose', '-f', 'HARDENED', '-f', 'LABELS', '--project-directory', run.dir, '-p', 'proj', 'up', '-d']);
});

test('v1: -H and --context become its own flags, --config its DOCKER_CONFIG', (t) => {
  const run = runCompose(['-H', 'unix:///x.sock', '--config', '/cfg', 'compose', 'up', '-d']);
  t.is(run.code, 0, run.stderr);
  t.deepEqual(run.calls.map((c) => c.role), ['docker', 'docker-compose', 'docker-compose', 'docker-compose']);
  t.deepEqual(run.calls[2]?.argv.slice(0, 2), ['-H', 'unix:///x.sock'], 'the model is read from the engine the user named');
  t.deepEqual(lastCall(run), ['-H', 'unix://JUDGE', '-f', 'HARDENED', '-f', 'LABELS', '--project-directory', run.dir, 'up', '-d']);
  t.is(run.calls.at(-1)?.config, '/cfg');
});

test('a refused one-off runs nothing; the same run without the danger runs on the hardened model, its ports on loopback', (t) => {
  const refused = runCompose(['compose', 'run', '--cap-add', 'SYS_ADMIN', '-v', '/:/h', 'svc']);
  t.is(refused.code, 125);
  t.regex(refused.stderr, /^sdocker: refusing compose run --cap-add SYS_ADMIN: .*\nsdocker: refusing compose run -v \/:\/h .*\nsdocker: refusing compose run -v \/:\/h \(holds \/run\/docker.sock\).*\n$/);
  t.deepEqual(refused.calls.map((c) => c.argv), [['compose', 'version'], ['version', '--short']], 'only asked which compose');
  const benign = runCompose(['compose', 'run', '--rm', '-p', '8080:80', 'svc', 'id', '-u']);
  t.is(benign.code, 0, benign.stderr);
  t.deepEqual(lastCall(benign), ['-H', 'unix://JUDGE', '-f', 'HARDENED', '-f', 'LABELS', '--project-directory', benign.dir, 'run', '--rm', '-p', '127.0.0.1:8080:80', 'svc', 'id', '-u']);
});

test('exec --privileged is refused; a plain exec and a known subcommand pass as written; an unknown one is refused', (t) => {
  const privileged = runCompose(['compose', 'exec', '--privileged', 'svc', 'sh'], { plugin: true });
  t.is(privileged.code, 125);
  t.is(privileged.calls.length, 1);
  const exec = runCompose(['compose', 'exec', '-T', 'svc', 'sh'], { plugin: true });
  t.is(exec.code, 0, exec.stderr);
  t.deepEqual(lastCall(exec), ['compose', 'exec', '-T', 'svc', 'sh']);
  const ps = runCompose(['compose', '-p', 'x', 'ps', '-a'], { version: '2.29.1' });
  t.deepEqual(lastCall(ps), ['-p', 'x', 'ps', '-a']);
  const unknown = runCompose(['compose', 'frobnicate'], { plugin: true });
  t.is(unknown.code, 125);
  t.regex(unknown.stderr, /^sdocker: refusing 'docker compose frobnicate': /);
  t.is(unknown.calls.length, 1);
});
