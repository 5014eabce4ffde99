// What a run inherits, on a real engine: donors made with plain docker (the engine socket, the
// host's /etc, the host's PID and network namespaces, a volume binding /etc) are refused when
// borrowed from, exit 125 with no container left; benign donors and volumes run, hardened.
// Through the socket client, and through the docker CLI client (-H).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { IMAGE, containerExists, docker, engineSuite, inspect, uniqueName, LABEL_ARGS } from './helpers/engine.js';

const { named } = engineSuite(test, 'sdinherit');
// Containers go first (engineSuite's hook runs first), then the volumes they used.
const volumes: string[] = [];
test.after.always(() => {
  if (volumes.length > 0) spawnSync('docker', ['volume', 'rm', '-f', ...volumes], { stdio: 'ignore' });
});

function volume(...opts: string[]): string {
  const name = uniqueName('sdinherit-vol');
  volumes.push(name);
  docker('volume', 'create', ...LABEL_ARGS, ...opts, name);
  return name;
}

/** A donor made by plain docker, never started unless `start`. */
function donor(flags: readonly string[], start = false): string {
  const name = named('sdinherit-donor');
  docker(...(start ? ['run', '-d'] : ['create']), '--restart', 'no', ...LABEL_ARGS, '--name', name, ...flags, IMAGE, 'sleep', '300');
  return name;
}

/** sdocker refuses the run: exit 125, the rule named, no container by that name. */
async function assertRefused(t: import('ava').ExecutionContext, args: readonly string[], rule: RegExp, globals: readonly string[] = []): Promise<void> {
  const name = named();
  const result = await runCli([...globals, 'run', '--name', name, ...args, IMAGE, 'true']);
  t.is(result.code, 125, `${args.join(' ')}: ${result.stderr}`);
  t.regex(result.stderr, rule, args.join(' '));
  t.false(containerExists(name), `${args.join(' ')} created nothing`);
}

test('--volumes-from a donor holding the engine socket or the host /etc is refused, :ro too', async (t) => {
  const sock = donor(['-v', '/var/run/docker.sock:/s']);
  const etc = donor(['-v', '/etc:/hostetc:ro']);
  await assertRefused(t, ['--volumes-from', sock], /refusing --volumes-from \S+ \(brings -v \/var\/run\/docker\.sock:\/s\).*--sd-allow docker-socket$/m);
  await assertRefused(t, ['--volumes-from', `${sock}:ro`], /--sd-allow docker-socket$/m);
  await assertRefused(t, ['--volumes-from', `${etc}:rw`], /brings -v \/etc:\/hostetc:ro.*--sd-allow sensitive-mount:\/etc$/m);
  await assertRefused(t, ['--volumes-from', sock], /--sd-allow docker-socket$/m, ['-H', 'unix:///var/run/docker.sock']);
  const name = named();
  const create = await runCli(['create', '--name', name, '--volumes-from', etc, IMAGE, 'true']);
  t.is(create.code, 125, create.stderr);
  t.false(containerExists(name));
  // learn's trials would run with the same options: refused before the first trial.
  const learn = await runCli(['learn', '--volumes-from', sock, IMAGE, 'true']);
  t.is(learn.code, 125, learn.stderr);
  t.regex(learn.stderr, /^sdocker: refusing --volumes-from \S+ \(brings -v \/var\/run\/docker\.sock:\/s\)/m);
  t.notRegex(learn.stderr + learn.stdout, /trial 1/);
});

test('--volumes-from a benign donor (a volume of its own, a user folder) runs, hardened, with its mounts', async (t) => {
  const data = volume();
  const folder = mkdtempSync(join(tmpdir(), 'sdinherit-'));
  const benign = donor(['-v', `${data}:/data`, '-v', `${folder}:/work`]);
  for (const globals of [[], ['-H', 'unix:///var/run/docker.sock']]) {
    const name = named();
    const result = await runCli([...globals, 'run', '--name', name, '--volumes-from', `${benign}:ro`, IMAGE, 'sh', '-c', 'test -d /data && test -d /work && echo mounted']);
    t.is(result.code, 0, result.stderr);
    t.is(result.stdout, 'mounted\n');
    const host = inspect(name).HostConfig;
    t.deepEqual(host.CapDrop, ['ALL']);
    t.true(host.ReadonlyRootfs);
    t.false(host.Privileged);
  }
});

test('--pid and --network container:X are refused when X (or the container X joins) uses the host namespace', async (t) => {
  const hostPid = donor(['--pid', 'host'], true);
  const hostNet = donor(['--network', 'host']);
  const chained = donor(['--pid', `container:${hostPid}`]);
  await assertRefused(t, ['--pid', `container:${hostPid}`], /uses the host's PID namespace.*--sd-allow host-pid$/m);
  await assertRefused(t, ['--pid', `container:${chained}`], /through [0-9a-f]{64}, uses the host's PID namespace/);
  await assertRefused(t, ['--net', `container:${hostNet}`], /uses the host's network namespace.*--sd-allow host-network$/m);
  await assertRefused(t, ['--pid', `container:${hostPid}`], /--sd-allow host-pid$/m, ['-H', 'unix:///var/run/docker.sock']);
});

test('--pid container:X with default namespaces runs, and shares X processes', async (t) => {
  const plain = donor([], true);
  const name = named();
  const result = await runCli(['run', '--name', name, '--pid', `container:${plain}`, IMAGE, 'sh', '-c', 'ps -o args | grep -c "^sleep 300"']);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, '1\n', "the donor's sleep is visible: the namespace is shared");
  t.deepEqual(inspect(name).HostConfig.CapDrop, ['ALL']);
});

test('a named volume whose definition binds /etc is refused; one with no options runs', async (t) => {
  const etc = volume('--driver', 'local', '--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=/etc');
  await assertRefused(t, ['-v', `${etc}:/x:ro`], new RegExp(`-v ${etc}:/x:ro \\(volume ${etc} mounts /etc\\).*--sd-allow sensitive-mount:/etc$`, 'm'));
  await assertRefused(t, ['--mount', `type=volume,src=${etc},dst=/x`], /--sd-allow sensitive-mount:\/etc$/m);
  await assertRefused(t, ['-v', `${etc}:/x`], /--sd-allow sensitive-mount:\/etc$/m, ['-H', 'unix:///var/run/docker.sock']);
  const plain = volume();
  const name = named();
  const result = await runCli(['run', '--name', name, '-v', `${plain}:/x`, IMAGE, 'true']);
  t.is(result.code, 0, result.stderr);
  t.true(inspect(name).HostConfig.ReadonlyRootfs);
});
