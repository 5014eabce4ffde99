// What sdocker adds to a run, and that a user's own value always wins.
import test from 'ava';
import { appArmorState } from '../src/policy/apparmor.js';
import { dockerArgv, runMain, type RunMainOptions } from './helpers/fakes.js';

const SECCOMP = /^seccomp=\/.+\/seccomp\/sdocker-default\.json$/;

async function argvOf(args: string[], options: RunMainOptions = {}): Promise<readonly string[]> {
  const result = await runMain(['run', ...args], options);
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return dockerArgv(result);
}

/** The value following each occurrence of `flag`. */
function valuesOf(argv: readonly string[], flag: string): string[] {
  return argv.flatMap((word, i) => (word === flag ? [argv[i + 1] as string] : []));
}

test('a plain run gets every default, before the image', async (t) => {
  const argv = await argvOf(['--rm', 'alpine', 'echo', 'hi']);
  const seccomp = argv.find((w) => w.startsWith('seccomp='));
  t.regex(seccomp ?? '', SECCOMP);
  t.deepEqual(argv, [
    'run', '--rm',
    '--cap-drop', 'ALL',
    '--security-opt', 'no-new-privileges',
    '--security-opt', seccomp,
    '--read-only',
    '--tmpfs', '/tmp:rw,noexec,nosuid,nodev,size=64m,uid=65534,gid=65534',
    '--user', '65534:65534',
    '--memory', '512m', '--memory-swap', '512m',
    '--cpus', '1.0',
    '--pids-limit', '256',
    '--ulimit', 'nofile=1024:4096',
    '--log-opt', 'max-size=10m', '--log-opt', 'max-file=3',
    '--network', 'sdocker',
    'alpine', 'echo', 'hi',
  ]);
});

test("a user's stricter limits win and are not duplicated", async (t) => {
  const argv = await argvOf(['-m', '128m', '--cpus', '0.25', '--pids-limit', '50', '--ulimit', 'nofile=64:64', '--cap-drop=all', 'alpine']);
  t.deepEqual(valuesOf(argv, '--memory'), []);
  t.deepEqual(valuesOf(argv, '--memory-swap'), ['128m'], 'swap follows the user memory: no swap');
  t.deepEqual(valuesOf(argv, '--cpus'), ['0.25']);
  t.deepEqual(valuesOf(argv, '--pids-limit'), ['50']);
  t.deepEqual(valuesOf(argv, '--ulimit'), ['nofile=64:64']);
  t.deepEqual(valuesOf(argv, '--cap-drop'), [], 'ALL in any case counts');
});

test('a looser user value is kept and warned about', async (t) => {
  const result = await runMain(['run', '--memory', '4g', '--memory-swap', '8g', '--pids-limit', '-1', '--cpus', '4', 'alpine']);
  t.is(result.code, 0);
  const argv = dockerArgv(result);
  t.deepEqual(valuesOf(argv, '--memory'), ['4g']);
  t.deepEqual(valuesOf(argv, '--memory-swap'), ['8g']);
  t.regex(result.stderr, /warning: --memory 4g is above the profile's 512m/);
  t.regex(result.stderr, /warning: --memory-swap 8g lets the container swap/);
  t.regex(result.stderr, /warning: --pids-limit -1 leaves the number of processes unlimited/);
  t.regex(result.stderr, /warning: --cpus 4 is above/);
});

test('--cpu-quota or --cpu-period stands instead of --cpus (docker refuses both)', async (t) => {
  t.deepEqual(valuesOf(await argvOf(['--cpu-quota', '50000', 'alpine']), '--cpus'), []);
});

test('a harmless --cap-add is kept after --cap-drop ALL', async (t) => {
  const argv = await argvOf(['--cap-add', 'NET_BIND_SERVICE', 'alpine']);
  t.deepEqual(valuesOf(argv, '--cap-add'), ['NET_BIND_SERVICE']);
  t.deepEqual(valuesOf(argv, '--cap-drop'), ['ALL']);
});

test('--read-only=false is respected: warned, no tmpfs', async (t) => {
  const result = await runMain(['run', '--read-only=false', 'alpine']);
  const argv = dockerArgv(result);
  t.false(argv.includes('--read-only'));
  t.deepEqual(valuesOf(argv, '--tmpfs'), []);
  t.regex(result.stderr, /warning: root filesystem left writable/);
});

test("the user's own /tmp mount is not shadowed", async (t) => {
  for (const flags of [['--tmpfs', '/tmp'], ['-v', 'scratch:/tmp'], ['--mount', 'type=tmpfs,target=/tmp/']]) {
    t.deepEqual(valuesOf(await argvOf([...flags, 'alpine']), '--tmpfs').filter((v) => v.includes('noexec')), [], flags.join(' '));
  }
});

test('the run user: command line, then image, then profile; tmpfs owned by it', async (t) => {
  const mine = await argvOf(['-u', '1000:1000', 'alpine']);
  t.deepEqual(valuesOf(mine, '--user'), []);
  t.regex(valuesOf(mine, '--tmpfs')[0] ?? '', /,uid=1000,gid=1000$/);
  const images = { app: { user: '1001', exposedPorts: [] }, named: { user: 'www-data', exposedPorts: [] }, rooty: { user: 'root', exposedPorts: [] } };
  const fromImage = await argvOf(['app'], { images });
  t.deepEqual(valuesOf(fromImage, '--user'), [], 'a non-root image user is kept');
  t.regex(valuesOf(fromImage, '--tmpfs')[0] ?? '', /,uid=1001$/);
  const named = await runMain(['run', '--sd-dry-run', 'named'], { images });
  t.regex(named.stdout, /user 'www-data' is a name/);
  t.deepEqual(valuesOf(await argvOf(['rooty'], { images }), '--user'), ['65534:65534']);
  const root = await runMain(['run', '--user', 'root', 'alpine']);
  t.regex(root.stderr, /warning: the container runs as root \(--user root\)/);
});

test('restart on-failure:5 only for detached or created containers without --rm', async (t) => {
  t.deepEqual(valuesOf(await argvOf(['-d', 'alpine']), '--restart'), ['on-failure:5']);
  t.deepEqual(valuesOf(await argvOf(['-dit', 'alpine']), '--restart'), ['on-failure:5']);
  t.deepEqual(valuesOf(await argvOf(['alpine']), '--restart'), []);
  t.deepEqual(valuesOf(await argvOf(['-d', '--rm', 'alpine']), '--restart'), []);
  t.deepEqual(valuesOf(await argvOf(['-d', '--restart', 'always', 'alpine']), '--restart'), ['always']);
  const created = await runMain(['create', 'alpine']);
  t.deepEqual(valuesOf(dockerArgv(created), '--restart'), ['on-failure:5']);
});

test('log limits only for json-file and local, never over the user', async (t) => {
  t.deepEqual(valuesOf(await argvOf(['--log-driver', 'syslog', 'alpine']), '--log-opt'), []);
  t.deepEqual(valuesOf(await argvOf(['alpine'], { info: { apparmor: false, loggingDriver: 'journald' } }), '--log-opt'), []);
  t.deepEqual(valuesOf(await argvOf(['--log-driver=local', '--log-opt', 'max-size=1m', 'alpine']), '--log-opt'), ['max-size=1m', 'max-file=3']);
});

test('published ports are bound to loopback; an explicit address is kept and warned', async (t) => {
  const result = await runMain(['run', '-p', '8080:80', '-p80', '--publish=0.0.0.0:9000:9000', '-p', '[::]:7000:7000/udp', '-p', '127.0.0.2:81:81', 'alpine']);
  const argv = dockerArgv(result);
  t.deepEqual(valuesOf(argv, '-p'), ['127.0.0.1:8080:80', '127.0.0.1::80', '[::]:7000:7000/udp', '127.0.0.2:81:81']);
  t.true(argv.includes('--publish=0.0.0.0:9000:9000'));
  t.true(argv.includes('127.0.0.2:81:81'));
  t.regex(result.stderr, /warning: -p 0\.0\.0\.0:9000:9000 publishes on every host interface/);
  t.regex(result.stderr, /warning: -p \[::\]:7000:7000\/udp publishes on every host interface/);
  t.regex(result.stderr, /host port 81 is a privileged port/);
});

test('-P becomes one loopback -p per exposed port not already published', async (t) => {
  const images = { web: { user: '', exposedPorts: ['8080/tcp', '9090/udp'] } };
  const argv = await argvOf(['-dP', '-p', '9000:8080', '--expose', '7000-7001', 'web'], { images });
  t.false(argv.includes('-P'));
  t.deepEqual(valuesOf(argv, '-p'), ['127.0.0.1::9090/udp', '127.0.0.1::7000/tcp', '127.0.0.1::7001/tcp', '127.0.0.1:9000:8080']);
  t.true(argv.includes('--detach'), 'the rest of the cluster is kept');
});

test('the sdocker network: created when missing, reused when ours, refused when not', async (t) => {
  const fresh = await runMain(['run', 'alpine']);
  t.deepEqual(fresh.engine.created, ['sdocker']);
  const ours = await runMain(['run', 'alpine'], { networks: { sdocker: { managed: true } } });
  t.deepEqual(ours.engine.created, []);
  const theirs = await runMain(['run', 'alpine'], { networks: { sdocker: { managed: false } } });
  t.is(theirs.code, 125);
  t.regex(theirs.stderr, /network 'sdocker' exists but sdocker did not create it/);
  t.deepEqual(theirs.runs, []);
  const named = await runMain(['run', '--net', 'mine', 'alpine']);
  t.deepEqual(valuesOf(dockerArgv(named), '--network'), []);
  t.deepEqual(named.engine.created, []);
});

test('the strict profile: --network none without published ports, and AppArmor required', async (t) => {
  const strict = await runMain(['run', '--sd-profile', 'strict', 'alpine']);
  t.is(strict.code, 125, 'no AppArmor on the fake engine');
  t.is(strict.stderr, "sdocker: refusing to run: the strict profile requires AppArmor (apparmor.required) and the engine has no AppArmor, so the container would run without AppArmor confinement; run it on a host with AppArmor, or use --sd-profile default\n");
  t.deepEqual(strict.runs, []);
  const env = { HOME: '/nonexistent', SDOCKER_PROFILE: 'strict' };
  // An engine with AppArmor: whether sdocker's profile is loaded is read from this host's kernel
  // (the fake engine is local), so the test asks it too instead of assuming it absent.
  const allowed = await runMain(['run', 'alpine'], { env, info: { apparmor: true, loggingDriver: 'json-file' } });
  if (appArmorState('sdocker-default').kind === 'loaded') {
    t.is(allowed.code, 0, allowed.stderr);
    t.true(dockerArgv(allowed).includes('apparmor=sdocker-default'));
  } else {
    t.is(allowed.code, 125, 'AppArmor present but sdocker-default not loaded on this host');
    t.regex(allowed.stderr, /AppArmor profile 'sdocker-default' is not loaded/);
    t.deepEqual(allowed.runs, []);
  }
});

test('the default profile skips a missing AppArmor: said in the dry run, quiet on a run', async (t) => {
  const result = await runMain(['run', 'alpine']);
  t.is(result.code, 0);
  t.is(result.stderr, '', 'a run that works prints nothing of sdocker\'s own');
  t.false(dockerArgv(result).some((w) => w.startsWith('apparmor=')));
  const dry = await runMain(['run', '--sd-dry-run', 'alpine']);
  t.regex(dry.stdout, /the engine has no AppArmor; skipping the AppArmor profile/);
});

test("the user's own seccomp profile is kept", async (t) => {
  const argv = await argvOf(['--security-opt', 'seccomp=/my/profile.json', 'alpine']);
  t.deepEqual(valuesOf(argv, '--security-opt'), ['seccomp=/my/profile.json', 'no-new-privileges']);
});

test('a missing image is pulled first, as docker run does; a failed pull ends the run with 125', async (t) => {
  const pulled = await runMain(['run', '--platform', 'linux/amd64', 'ghost:1'], { images: {} });
  t.deepEqual(pulled.runs[0]?.args, ['pull', '--platform', 'linux/amd64', 'ghost:1']);
  t.is(pulled.runs.length, 2);
  t.regex(pulled.stderr, /^Unable to find image 'ghost:1' locally$/m);
  const failed = await runMain(['run', 'ghost:1'], { images: {}, exitCode: 1 });
  t.is(failed.code, 125, 'as docker run when its pull fails');
  t.is(failed.runs.length, 1, 'only the pull ran');
  const never = await runMain(['run', '--pull=never', 'ghost:1'], { images: {} });
  t.is(never.runs.length, 1, 'no pull: docker reports the missing image itself');
});

test('dry run: prints the command and every reason, runs and creates nothing', async (t) => {
  const result = await runMain(['run', '--sd-dry-run', '-p', '8080:80', 'alpine', 'sh']);
  t.is(result.code, 0);
  t.deepEqual(result.runs, []);
  t.deepEqual(result.engine.created, []);
  t.regex(result.stdout, /^docker run -p 127\.0\.0\.1:8080:80 --cap-drop ALL .* alpine sh$/m);
  t.regex(result.stdout, /^ {2}--cap-drop ALL\n {6}cap-drop \(CIS 5\.4\): /m);
  t.regex(result.stdout, /^ {2}-p 8080:80 -> -p 127\.0\.0\.1:8080:80\n {6}loopback-ports \(CIS 5\.14\)/m);
  t.regex(result.stdout, /network: sdocker \(would be created/);
  const refused = await runMain(['run', '--sd-dry-run', '--privileged', 'alpine']);
  t.is(refused.code, 125);
  t.regex(refused.stdout, /^refused:\n {2}sdocker: refusing --privileged/m);
});

test('dry run without an engine says what it assumed', async (t) => {
  const result = await runMain(['run', '--sd-dry-run', 'alpine'], { unreachable: true });
  t.is(result.code, 0);
  t.regex(result.stdout, /the engine could not be asked \(engine unreachable\)/);
  t.true(result.stdout.includes('--user 65534:65534'));
});

test('added capabilities keep the container root: no injected user, one warning, root tmpfs and asRoot caps', async (t) => {
  const result = await runMain(['run', '--sd-allow', 'dangerous-cap:NET_ADMIN', '--cap-add', 'NET_ADMIN', 'alpine']);
  const argv = dockerArgv(result);
  t.deepEqual(valuesOf(argv, '--user'), []);
  t.deepEqual(valuesOf(argv, '--tmpfs'), ['/tmp:rw,noexec,nosuid,nodev,size=64m'], 'no uid/gid: the run user is root');
  const said = result.stderr.split('\n').filter((line) => line.includes('--user'));
  t.deepEqual(said, ['sdocker: warning: --cap-add NET_ADMIN: not injecting --user 65534:65534 (a non-root user gets no capabilities); the container runs as root (CIS 4.1)']);
  const privileged = await runMain(['run', '--sd-allow', 'privileged', '--privileged', 'alpine']);
  t.deepEqual(valuesOf(dockerArgv(privileged), '--user'), []);
  t.regex(privileged.stderr, /^sdocker: warning: --privileged: not injecting --user 65534:65534/m);
  // An image profile's asRoot capabilities follow the real run user, root.
  const nginx = await argvOf(['--cap-add', 'NET_RAW', 'nginx'], { images: { nginx: { user: '', exposedPorts: [] } } });
  t.deepEqual(valuesOf(nginx, '--user'), []);
  t.deepEqual(valuesOf(nginx, '--cap-add').sort(), ['CHOWN', 'NET_RAW', 'SETGID', 'SETUID']);
});

test("added capabilities with the user's own --user or the image's USER: nothing changes, the image case is noted", async (t) => {
  const mine = await runMain(['run', '--user', '1000:1000', '--cap-add', 'NET_BIND_SERVICE', 'alpine']);
  t.deepEqual(valuesOf(dockerArgv(mine), '--user'), ['1000:1000'], "the user's own, nothing injected");
  t.notRegex(mine.stderr, /capabilit/);
  const images = { app: { user: '1001', exposedPorts: [] } };
  const image = await runMain(['run', '--cap-add', 'NET_BIND_SERVICE', 'app'], { images });
  t.deepEqual(valuesOf(dockerArgv(image), '--user'), []);
  t.regex(image.stderr, /^sdocker: warning: --cap-add NET_BIND_SERVICE: the image runs as user '1001', which docker gives no capabilities; they take effect only with --user 0$/m);
  t.regex(valuesOf(dockerArgv(image), '--tmpfs')[0] ?? '', /,uid=1001$/);
});

test("the user's own --tmpfs gets the injected user's uid/gid, as a rewrite; their options are kept", async (t) => {
  const result = await runMain(['run', '--sd-dry-run', '--tmpfs', '/www', '--tmpfs=/data:size=1m,mode=0700', '--tmpfs', '/x:', 'alpine']);
  t.is(result.code, 0);
  t.regex(result.stdout, /^docker run --tmpfs \/www:uid=65534,gid=65534 --tmpfs \/data:size=1m,mode=0700,uid=65534,gid=65534 --tmpfs \/x:uid=65534,gid=65534 --cap-drop ALL /m);
  t.regex(result.stdout, /^ {2}--tmpfs \/www -> --tmpfs \/www:uid=65534,gid=65534\n {6}tmpfs \(CIS 5\.13\): /m);
  t.regex(result.stdout, /^ {2}--tmpfs=\/data:size=1m,mode=0700 -> --tmpfs \/data:size=1m,mode=0700,uid=65534,gid=65534\n {6}tmpfs/m);
});

test("the user's own --tmpfs is kept when the user set its owner, or sdocker did not choose the user", async (t) => {
  const owned = await argvOf(['--tmpfs', '/www:uid=1000', '--tmpfs', '/run:size=1m,gid=5', 'alpine']);
  t.deepEqual(valuesOf(owned, '--tmpfs').slice(0, 2), ['/www:uid=1000', '/run:size=1m,gid=5']);
  const mine = await argvOf(['--user', '1000:1000', '--tmpfs', '/www', 'alpine']);
  t.is(valuesOf(mine, '--tmpfs')[0], '/www');
  const image = await argvOf(['--tmpfs', '/www', 'app'], { images: { app: { user: '1001', exposedPorts: [] } } });
  t.is(valuesOf(image, '--tmpfs')[0], '/www');
  const caps = await argvOf(['--cap-add', 'CHOWN', '--tmpfs', '/www', 'alpine']);
  t.is(valuesOf(caps, '--tmpfs')[0], '/www');
});

test('a new named volume under the injected user: a notice saying sdocker gives its root to that user', async (t) => {
  const args = ['run', '--sd-dry-run', '-v', 'data:/data', '-v', 'old:/old', '-v', '/host:/bind', '-v', 'ro:/ro:ro', '--mount', 'type=volume,src=cache,dst=/cache', 'alpine'];
  const result = await runMain(args, { volumes: { old: { driver: 'local', options: {} } } });
  t.deepEqual(result.engine.asked.filter((a) => a.startsWith('volume ')).sort(), ['volume cache', 'volume data', 'volume old', 'volume ro']);
  const notes = result.stdout.split('\n').filter((line) => line.includes('the new volume'));
  t.deepEqual(notes.map((line) => /volume '(\w+)'/.exec(line)?.[1]), ['data', 'cache']);
  t.true(notes[0]?.endsWith(
    "sdocker: the new volume 'data' at /data: sdocker gives the volume's root folder to user 65534:65534 between the container's create and its start (docker leaves it to the owner of the image's /data, root if the image has none)",
  ), notes[0]);
  const mine = await runMain(['run', '--sd-dry-run', '--user', '1000', '-v', 'data:/data', 'alpine']);
  t.notRegex(mine.stdout, /the new volume/);
  const unknown = await runMain(['run', '--sd-dry-run', '-v', 'data:/data', 'alpine'], { unreachable: true });
  t.notRegex(unknown.stdout, /the new volume/, 'nothing is claimed when the engine could not be asked');
});
