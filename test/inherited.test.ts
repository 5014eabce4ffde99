// What a run inherits is judged by what it brings in, with fake engine answers: a donor's
// mounts, the namespace at the end of a `container:` chain, a named volume's definition, the
// engine's data root. Refused under the rule a direct spelling falls under, before docker runs.
import test from 'ava';
import { containerRef, namedVolumeRefs, parseVolumesFrom } from '../src/docker/inherit.js';
import { localVolumeBinds } from '../src/docker/local-volume.js';
import type { ContainerState, VolumeState } from '../src/engine/engine.js';
import type { MountFact } from '../src/policy/inherited.js';
import { runMain, type RunMainOptions } from './helpers/fakes.js';

function donor(name: string, mounts: MountFact[] = [], modes: { network?: string; pid?: string; ipc?: string } = {}): ContainerState {
  return { name, networks: [], config: { networkMode: modes.network ?? 'default', pidMode: modes.pid ?? '', ipcMode: modes.ipc ?? 'private', mounts } };
}

const bind = (source: string, destination: string, rw = true): MountFact => ({ type: 'bind', source, destination, rw });
const volume = (name: string, destination: string): MountFact => ({ type: 'volume', name, driver: 'local', source: `/var/lib/docker/volumes/${name}/_data`, destination, rw: true });
const local = (options: Record<string, string>): VolumeState => ({ driver: 'local', options });

const CONTAINERS: Record<string, ContainerState> = {
  sock: donor('sock', [bind('/var/run/docker.sock', '/s')]),
  etc: donor('etc', [bind('/etc', '/hostetc', false)]),
  viaVolume: donor('viaVolume', [volume('etcvol', '/v')]),
  benign: donor('benign', [bind('/home/me/data', '/data'), volume('data', '/d')]),
  hostpid: donor('hostpid', [], { pid: 'host', network: 'host', ipc: 'host' }),
  chained: donor('chained', [], { pid: 'container:0123abcd', network: 'container:0123abcd' }),
  '0123abcd': donor('hostpid-by-id', [], { pid: 'host', network: 'host' }),
  loopA: donor('loopA', [], { pid: 'container:loopB' }),
  loopB: donor('loopB', [], { pid: 'container:loopA' }),
};

const VOLUMES: Record<string, VolumeState> = {
  etcvol: local({ type: 'none', o: 'bind', device: '/etc' }),
  disk: local({ type: 'ext4', device: '/dev/sda1' }),
  overlay: local({ type: 'overlay', device: 'overlay', o: 'lowerdir=/etc,upperdir=/tmp/u,workdir=/tmp/w' }),
  data: local({}),
  tmp: local({ type: 'tmpfs', device: 'tmpfs', o: 'size=64m' }),
};

const ENGINE: RunMainOptions = { containers: CONTAINERS, volumes: VOLUMES };

const REFUSED: [string[], string, RegExp][] = [
  [['--volumes-from', 'sock'], 'docker-socket', /--volumes-from sock \(brings -v \/var\/run\/docker\.sock:\/s\)/],
  [['--volumes-from', 'sock:ro'], 'docker-socket', /--volumes-from sock:ro \(brings -v \/var\/run\/docker\.sock:\/s:ro\)/],
  [['--volumes-from', 'etc:rw'], 'sensitive-mount', /--volumes-from etc:rw \(brings -v \/etc:\/hostetc:ro\) \(\/etc is a system folder/],
  [['--volumes-from', 'benign', '--volumes-from', 'etc'], 'sensitive-mount', /--volumes-from etc /],
  [['--volumes-from', 'viaVolume'], 'sensitive-mount', /--volumes-from viaVolume \(brings volume etcvol, which mounts \/etc\)/],
  [['--pid', 'container:hostpid'], 'host-pid', /--pid container:hostpid \(hostpid uses the host's PID namespace\)/],
  [['--network', 'container:hostpid'], 'host-network', /--network container:hostpid/],
  [['--net=container:hostpid'], 'host-network', /--network container:hostpid|--net/],
  [['--ipc', 'container:hostpid'], 'host-ipc', /host's IPC namespace/],
  [['--pid', 'container:chained'], 'host-pid', /chained, through 0123abcd, uses the host's PID/],
  [['--network', 'container:chained'], 'host-network', /through 0123abcd/],
  [['-v', 'etcvol:/x'], 'sensitive-mount', /-v etcvol:\/x \(volume etcvol mounts \/etc\)/],
  [['-v', 'etcvol:/x:ro'], 'sensitive-mount', /volume etcvol mounts \/etc/],
  [['--mount', 'type=volume,src=etcvol,dst=/x'], 'sensitive-mount', /--mount type=volume,src=etcvol,dst=\/x/],
  [['--mount', 'TYPE=Volume,Source=etcvol,Target=/x,volume-opt=o=size=1m'], 'sensitive-mount', /volume etcvol mounts \/etc/],
  [['-v', 'disk:/x'], 'sensitive-mount', /volume disk mounts \/dev\/sda1/],
  [['-v', 'overlay:/x'], 'sensitive-mount', /volume overlay mounts \/etc/],
];

for (const [flags, rule, what] of REFUSED) {
  test(`refuses run ${flags.join(' ')} (${rule}), before docker runs`, async (t) => {
    const result = await runMain(['run', ...flags, 'alpine', 'true'], ENGINE);
    t.is(result.code, 125, result.stderr);
    t.deepEqual(result.runs, [], 'docker was not run');
    t.regex(result.stderr, new RegExp(`^sdocker: refusing .+, or --sd-allow ${rule}(:\\S+)?$`, 'm'));
    t.regex(result.stderr, what);
  });
}

test('the same --sd-allow that lifts the direct spelling lifts the inherited one', async (t) => {
  const result = await runMain(['run', '--sd-allow', 'docker-socket', '--volumes-from', 'sock', 'alpine'], ENGINE);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /^sdocker: warning: allowing --volumes-from sock \(brings -v \/var\/run\/docker\.sock:\/s\) \(rule docker-socket/m);
  const pid = await runMain(['run', '--sd-allow', 'host-pid', '--pid', 'container:chained', 'alpine'], ENGINE);
  t.is(pid.code, 0, pid.stderr);
  const etc = await runMain(['run', '--sd-allow', 'sensitive-mount:/etc', '-v', 'etcvol:/x', 'alpine'], ENGINE);
  t.is(etc.code, 0, etc.stderr);
});

test('benign donors, namespaces and volumes run, hardened', async (t) => {
  for (const flags of [['--volumes-from', 'benign'], ['--volumes-from', 'benign:ro'], ['--pid', 'container:benign'], ['--network', 'container:benign'], ['--pid', 'container:loopA'], ['-v', 'data:/x'], ['-v', 'tmp:/x'], ['-v', 'new:/x'], ['--volumes-from', 'missing']]) {
    const result = await runMain(['run', ...flags, 'alpine'], ENGINE);
    t.is(result.code, 0, `${flags.join(' ')}: ${result.stderr}`);
    t.true(result.runs[0]?.args.includes('--cap-drop'), flags.join(' '));
  }
});

test('the engine is asked only about what the run names, and then about what those name', async (t) => {
  const plain = await runMain(['run', '-v', '/home/me:/h', 'alpine'], ENGINE);
  t.deepEqual(plain.engine.asked.filter((a) => /^(container|volume) /.test(a)), [], 'no inherited options: no extra question');
  const chain = await runMain(['run', '--volumes-from', 'viaVolume', '--pid', 'container:chained', 'alpine'], ENGINE);
  t.deepEqual(chain.engine.asked.filter((a) => /^(container|volume) /.test(a)).sort(), ['container 0123abcd', 'container chained', 'container viaVolume', 'volume etcvol']);
});

test('create refuses the same, and --link with it creates no network', async (t) => {
  const create = await runMain(['create', '--volumes-from', 'sock', 'alpine'], ENGINE);
  t.is(create.code, 125);
  t.deepEqual(create.runs, []);
  const link = await runMain(['run', '-d', '--link', 'benign', '--pid', 'container:hostpid', 'alpine'], ENGINE);
  t.is(link.code, 125, link.stderr);
  t.deepEqual(link.engine.events, [], 'no network made, nothing connected, docker not run');
});

test("the engine's own data root is secret wherever it is", async (t) => {
  const info = { apparmor: false, loggingDriver: 'json-file', rootDir: '/srv/docker-data' };
  const refused = await runMain(['run', '-v', '/srv/docker-data/volumes:/x:ro', 'alpine'], { info });
  t.is(refused.code, 125);
  t.regex(refused.stderr, /\/srv\/docker-data\/volumes is below \/srv\/docker-data.*--sd-allow sensitive-mount:\/srv\/docker-data\/volumes$/m);
  const above = await runMain(['run', '-v', '/srv:/x', 'alpine'], { info });
  t.is(above.code, 125, 'a folder holding the data root');
  const beside = await runMain(['run', '-v', '/srv/www:/x', 'alpine'], { info });
  t.is(beside.code, 0, beside.stderr);
});

test('inline volume options are judged without the engine', async (t) => {
  for (const mount of ['type=volume,dst=/x,volume-opt=type=ext4,volume-opt=device=/dev/sda1', 'type=volume,dst=/x,"volume-opt=o=lowerdir=/etc,upperdir=/tmp/u,workdir=/tmp/w",volume-opt=type=overlay']) {
    const result = await runMain(['run', '--mount', mount, 'alpine'], ENGINE);
    t.is(result.code, 125, mount);
    t.regex(result.stderr, /--sd-allow sensitive-mount:\/(dev\/sda1|etc)$/m);
    t.deepEqual(result.engine.asked, [], 'refused before the engine is asked');
  }
  const tmpfs = await runMain(['run', '--mount', 'type=volume,dst=/x,volume-opt=type=tmpfs,volume-opt=device=tmpfs', 'alpine'], ENGINE);
  t.is(tmpfs.code, 0, tmpfs.stderr);
});

test('a dry run without an engine says what it could not judge', async (t) => {
  const result = await runMain(['run', '--sd-dry-run', '--volumes-from', 'sock', '--pid', 'container:x', '-v', 'etcvol:/x', 'alpine'], { unreachable: true });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /--volumes-from sock, --pid container:x, -v etcvol:\/x: what these bring in .* could not be judged without the engine/);
  const judged = await runMain(['run', '--sd-dry-run', '--volumes-from', 'sock', 'alpine'], ENGINE);
  t.is(judged.code, 125);
  t.regex(judged.stdout, /refused:\n {2}sdocker: refusing --volumes-from sock/);
});

test('grammar: --volumes-from modes, container: references, named volumes, local volume options', (t) => {
  t.deepEqual(parseVolumesFrom('db'), { ref: 'db', readOnly: false });
  t.deepEqual(parseVolumesFrom('db:ro,z'), { ref: 'db', readOnly: true });
  t.deepEqual(parseVolumesFrom('db:rw'), { ref: 'db', readOnly: false });
  t.is(containerRef('container:db'), 'db');
  t.is(containerRef('name=container:db,alias=x'), 'db');
  // docker accepts the name with inspect's leading slash; --network keys in any case, the last name wins.
  t.is(containerRef('container:/db'), 'db');
  t.deepEqual(parseVolumesFrom('/db:ro'), { ref: 'db', readOnly: true });
  t.is(containerRef('NAME=bridge, Name = container:db'), 'db');
  t.is(containerRef('host'), undefined);
  t.is(containerRef('mynet'), undefined);
  t.deepEqual(namedVolumeRefs(['vol:/x:ro', '/h:/x', '/anon'], ['type=bind,src=/a,dst=/b', 'src=www,dst=/y,readonly=false']).map((r) => [r.name, r.readOnly]), [['vol', true], ['www', false]]);
  t.deepEqual(localVolumeBinds({ type: 'none', o: 'rbind', device: '/etc' }), [{ source: '/etc', readOnly: false }]);
  t.deepEqual(localVolumeBinds({ type: 'nfs', o: 'addr=10.0.0.1,rw', device: ':/export' }), []);
  t.deepEqual(localVolumeBinds({ o: 'constructor=/etc' }), []);
});
