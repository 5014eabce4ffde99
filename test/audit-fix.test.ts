// The fix for a container, without an engine: inspect objects as engine 20.10 writes them
// (fields as measured in test/engine-audit-fix.test.ts), read back into sdocker run flags.
import test from 'ava';
import { resolve } from 'node:path';
import { containerFix } from '../src/audit/fix/container.js';
import { renderRollback, renderSteps } from '../src/audit/fix/steps.js';
import { shellQuote } from '../src/common/quote.js';
import type { EngineSnapshot, ImageSnapshot, RawContainer, RawImage } from '../src/audit/types.js';
import type { HostFacts } from '../src/policy/context.js';
import { loadPolicy } from '../src/policy/load.js';

const ID = 'b2029d0cd28bbd3f8dcd94c5be8eaf5967a6395a4809aa3d1565ce1cfdc87662';
const ENGINE: EngineSnapshot = { endpoint: 'unix:///var/run/docker.sock', local: true, info: { LoggingDriver: 'json-file', CgroupVersion: '1', SecurityOptions: ['name=seccomp,profile=default'], DockerRootDir: '/var/lib/docker' }, version: {}, bridgeIcc: 'true' };
const HOST: HostFacts = { realpath: (path) => resolve(path), kind: () => 'folder', engineSocket: '/var/run/docker.sock' };

const IMAGE_CONFIG: RawImage['Config'] = { User: '', Env: ['PATH=/bin', 'APP_MODE=prod'], Cmd: ['serve'], Entrypoint: ['/entry.sh', '--quiet'], Labels: { 'org.example.role': 'web' }, ExposedPorts: { '8080/tcp': {} }, Volumes: { '/cache': {} }, WorkingDir: '/srv', Healthcheck: { Test: ['CMD-SHELL', 'true'] } };
const IMAGE: ImageSnapshot = { ref: 'example/app:1', raw: { Id: 'sha256:ce076b37c15c228a19caf9f01de285cf7481b13c14dffecdc9cd7921c4c07d17', RepoTags: ['example/app:1'], RepoDigests: [], Config: IMAGE_CONFIG }, history: [] };

type Overrides = { Config?: Record<string, unknown>; HostConfig?: Record<string, unknown>; Mounts?: RawContainer['Mounts']; Networks?: Record<string, Record<string, unknown>> };

/** A container of IMAGE created with no flag but its name: everything in it is the image's or the engine's. */
function container(over: Overrides = {}): RawContainer {
  return {
    Id: ID, Name: '/app', Image: IMAGE.raw.Id, Path: '/entry.sh', Args: ['--quiet', 'serve'], AppArmorProfile: '',
    State: { Status: 'running', Running: true, Pid: 1 },
    Config: { Hostname: ID.slice(0, 12), User: '', Env: ['PATH=/bin', 'APP_MODE=prod'], Cmd: ['serve'], Entrypoint: ['/entry.sh', '--quiet'], Image: 'example/app:1', Labels: { 'org.example.role': 'web' }, ExposedPorts: { '8080/tcp': {} }, Volumes: { '/cache': {} }, WorkingDir: '/srv', Healthcheck: { Test: ['CMD-SHELL', 'true'] }, Tty: false, OpenStdin: false, ...over.Config },
    HostConfig: { Binds: null, NetworkMode: 'default', PortBindings: {}, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, LogConfig: { Type: 'json-file', Config: {} }, IpcMode: 'private', CgroupnsMode: 'host', ShmSize: 67108864, MaskedPaths: ['/proc/kcore'], Runtime: 'runc', Memory: 0, MemorySwap: 0, PidsLimit: null, Ulimits: [], ...over.HostConfig },
    Mounts: over.Mounts ?? [],
    NetworkSettings: { Networks: over.Networks ?? { bridge: { Aliases: null, IPAMConfig: null } } },
  };
}

/** `image` null: the image is not in the snapshot. */
async function fix(raw: RawContainer, image: ImageSnapshot | null = IMAGE, daemonLogOptions?: Record<string, string>) {
  const { policy } = await loadPolicy({ profile: 'default', env: {}, cwd: '/', cliAllow: [] });
  return containerFix({ raw, processes: undefined }, image ?? undefined, { policy, host: HOST, engine: ENGINE, cwd: '/', ...(daemonLogOptions === undefined ? {} : { daemonLogOptions }) });
}

test('a container with nothing of its own: only its name and image', async (t) => {
  t.deepEqual((await fix(container())).command, ['sdocker', 'run', '--detach', '--name', 'app', 'example/app:1']);
});

test('what differs from the image is the user\'s: env, label, user, workdir, command', async (t) => {
  const raw = container({ Config: { Env: ['PATH=/bin', 'APP_MODE=dev', 'TOKEN=x'], Labels: { 'org.example.role': 'web', team: 'a' }, User: '1000', WorkingDir: '/work', Cmd: ['serve', '--port', '9'] } });
  t.deepEqual((await fix(raw)).command, ['sdocker', 'run', '--detach', '--name', 'app', '--user', '1000', '--workdir', '/work', '--env', 'APP_MODE=dev', '--env', 'TOKEN=x', '--label', 'team=a', 'example/app:1', 'serve', '--port', '9']);
});

test('an entrypoint of several words: its first word, the rest before the command (the same process argv)', async (t) => {
  const raw = container({ Config: { Entrypoint: ['python', '-u', 'app.py'], Cmd: null } });
  const { command } = await fix(raw);
  t.deepEqual(command.slice(-5), ['--entrypoint', 'python', 'example/app:1', '-u', 'app.py']);
  const cleared = await fix(container({ Config: { Entrypoint: null, Cmd: ['sh'] } }));
  t.deepEqual(cleared.command.slice(-4), ['--entrypoint', '', 'example/app:1', 'sh']);
});

test('a compose service gets advice to harden its file, not a command', async (t) => {
  const labels = { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web', 'com.docker.compose.project.config_files': '/srv/shop/compose.yaml', 'com.docker.compose.project.working_dir': '/srv/shop' };
  const result = await fix(container({ Config: { Labels: labels } }));
  t.deepEqual(result.command, []);
  t.is(result.advice, 'service web of compose project shop: harden its file rather than the container: cd /srv/shop && sdocker harden --write /srv/shop/compose.yaml, then cd /srv/shop && sdocker compose -p shop up -d');
});

test('engine defaults are left out; values the user set are kept', async (t) => {
  const defaults = await fix(container({ HostConfig: { Memory: 67108864, MemorySwap: 134217728, CgroupnsMode: 'host', IpcMode: 'private', ShmSize: 67108864 } }));
  t.deepEqual(defaults.command.slice(5, -1), ['--memory', '67108864']);
  const own = await fix(container({ HostConfig: { Memory: 67108864, MemorySwap: 67108864, CgroupnsMode: 'private', IpcMode: 'none', ShmSize: 1048576, PidsLimit: 50, NanoCpus: 5e8, Ulimits: [{ Name: 'nofile', Soft: 100, Hard: 200 }] } }));
  t.deepEqual(own.command.slice(5, -1), ['--memory', '67108864', '--memory-swap', '67108864', '--cpus', '0.5', '--pids-limit', '50', '--ulimit', 'nofile=100:200', '--shm-size', '1048576', '--ipc', 'none', '--cgroupns', 'private']);
});

test('the daemon\'s log options are its own; others are the user\'s', async (t) => {
  const raw = container({ HostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-size': '100m', tag: 'web' } } } });
  t.deepEqual((await fix(raw, IMAGE, { 'max-size': '100m' })).command.slice(5, -1), ['--log-opt', 'tag=web']);
  t.deepEqual((await fix(raw)).command.slice(5, -1), ['--log-opt', 'max-size=100m', '--log-opt', 'tag=web'], 'unknown daemon options: kept');
});

test('a user network keeps its aliases but not the id the engine adds; a second network is named in lost', async (t) => {
  const raw = container({ HostConfig: { NetworkMode: 'front' }, Networks: { front: { Aliases: ['web', ID.slice(0, 12)], IPAMConfig: null }, back: { Aliases: null } } });
  const result = await fix(raw);
  t.deepEqual(result.command.slice(5, -1), ['--network', 'front', '--network-alias', 'web']);
  t.true(result.lost?.includes('its network back: one --network per run on this engine; join it after: docker network connect back app'));
});

test('--mount specs, tmpfs and the image\'s anonymous volume', async (t) => {
  const raw = container({
    HostConfig: { Mounts: [{ Type: 'volume', Source: 'data', Target: '/m', ReadOnly: true, VolumeOptions: { DriverConfig: { Name: 'local', Options: { o: 'size=1m,uid=1' } } } }], Tmpfs: { '/run': 'size=1m' } },
    Mounts: [{ Type: 'volume', Name: 'a'.repeat(64), Source: '', Destination: '/cache', Driver: 'local', Mode: '', RW: true, Propagation: '' }],
  });
  const result = await fix(raw);
  t.deepEqual(result.command.slice(5, -1), ['--mount', 'type=volume,source=data,target=/m,readonly,volume-driver=local,"volume-opt=o=size=1m,uid=1"', '--tmpfs', '/run:size=1m']);
  t.true(result.lost?.some((line) => line.startsWith(`the image's anonymous volume at /cache`) && line.includes(`-v ${'a'.repeat(64)}:/cache`)));
});

test('the label=disable the engine adds for --pid host is not the user\'s; --privileged and a custom seccomp JSON are named', async (t) => {
  const result = await fix(container({ HostConfig: { PidMode: 'host', Privileged: true, SecurityOpt: ['label=disable', 'seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'] } }));
  t.deepEqual(result.command, ['sdocker', 'run', '--detach', '--name', 'app', 'example/app:1']);
  const lost = result.lost ?? [];
  t.true(lost.some((line) => line.startsWith('dropped --privileged')));
  t.true(lost.some((line) => line.startsWith('dropped --pid host')));
  t.false(lost.some((line) => line.includes('label=disable')));
  t.true(lost.some((line) => line.startsWith('its own seccomp profile')));
});

test('without the image every value is written out, and that is said', async (t) => {
  const result = await fix(container(), null);
  t.true(result.command.includes('PATH=/bin'));
  t.true(result.lost?.some((line) => line.startsWith('the image example/app:1 is not in the snapshot')));
});

test('steps for a running container: rename, keep it from restarting, stop, run the new one, check it still runs, remove the old one', async (t) => {
  const result = await fix(container({ HostConfig: { RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } }, Config: { Healthcheck: null } }));
  t.deepEqual(result.steps?.map((s) => [s.argv.join(' '), s.expect ?? '']), [
    ['docker rename app app-sdocker-old', ''],
    ['docker update --restart no app-sdocker-old', ''],
    ['docker stop app-sdocker-old', ''],
    [result.command.join(' '), ''],
    ['docker container inspect --format {{.State.Status}} {{.RestartCount}} app', 'running 0'],
    ['docker rm app-sdocker-old', ''],
  ]);
  t.deepEqual(result.rollback?.map((s) => s.argv.join(' ')), ['docker container inspect --format {{.Name}} app-sdocker-old', 'docker rm --force app', 'docker rename app-sdocker-old app', 'docker update --restart always app', 'docker start app']);
  t.deepEqual(renderSteps(result.steps ?? []).slice(3), [
    `${result.command.map(shellQuote).join(' ')} &&`,
    `sleep 5 && [ "$(docker container inspect --format '{{.State.Status}} {{.RestartCount}}' app)" = 'running 0' ] &&`,
    'docker rm app-sdocker-old',
  ]);
  t.is(renderRollback(result.rollback ?? []), "docker container inspect --format '{{.Name}}' app-sdocker-old && { docker rm --force app || true; } && docker rename app-sdocker-old app && docker update --restart always app && docker start app");
});

test('a health-checked container is waited for until healthy; a name taken is not reused for the old one', async (t) => {
  const raw = container();
  const { policy } = await loadPolicy({ profile: 'default', env: {}, cwd: '/', cliAllow: [] });
  const result = containerFix({ raw, processes: undefined }, IMAGE, { policy, host: HOST, engine: ENGINE, cwd: '/', taken: new Set(['app', 'app-sdocker-old']) });
  t.deepEqual(result.steps?.find((s) => s.until !== undefined), { argv: ['docker', 'container', 'inspect', '--format', '{{.State.Health.Status}}', 'app'], until: 'healthy', note: 'wait until it is healthy' });
  t.is(renderSteps(result.steps ?? [])[3], `( n=0; until [ "$(docker container inspect --format '{{.State.Health.Status}}' app)" = healthy ]; do n=$((n+1)); [ "$n" -lt 120 ] || exit 1; sleep 1; done ) &&`);
  t.is(result.steps?.[0]?.argv.join(' '), 'docker rename app app-sdocker-old-2');
});

test('a stopped container is made again with sdocker create, not started; a --rm one is said to have no roll back', async (t) => {
  const stopped = await fix({ ...container(), State: { Status: 'exited', Running: false, Pid: 0 } });
  t.deepEqual(stopped.command.slice(0, 2), ['sdocker', 'create']);
  t.deepEqual(stopped.steps?.map((s) => s.argv[1]), ['rename', 'create', 'rm']);
  t.deepEqual(stopped.rollback?.map((s) => s.argv[1]), ['container', 'rm', 'rename']);
  const autoRemove = await fix(container({ HostConfig: { AutoRemove: true } }));
  t.deepEqual(autoRemove.rollback, []);
  t.true(autoRemove.lost?.some((line) => line.startsWith('it was started with --rm: stopping it removes it')));
});
