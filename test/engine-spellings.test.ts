// Every spelling docker accepts for a dangerous option, on the real engine: plain docker reads
// the spelling as the dangerous thing (docker inspect shows it), sdocker refuses it (exit 125,
// no container), and a benign look-alike in the same spelling runs hardened.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers/cli.js';
import { IMAGE, containerExists, docker, engineSuite, inspect, LABEL_ARGS } from './helpers/engine.js';

const { named } = engineSuite(test, 'sdspell');

const WORK = mkdtempSync(join(tmpdir(), 'sdocker-spell-'));
const DATA = join(WORK, 'data');
mkdirSync(DATA);
const SDOCKER_SECCOMP = fileURLToPath(new URL('../../seccomp/sdocker-default.json', import.meta.url));

async function assertRefused(t: import('ava').ExecutionContext, flags: string[], rule: string): Promise<void> {
  const name = named();
  const result = await runCli(['run', '--name', name, ...flags, IMAGE, 'true']);
  const label = JSON.stringify(flags);
  t.is(result.code, 125, `${label}: ${result.stderr}`);
  t.regex(result.stderr, new RegExp(`--sd-allow ${rule}(:\\S+)?$`, 'm'), label);
  t.false(containerExists(name), `${label} left no container`);
}

/** sdocker ran it, and docker inspect shows the container hardened. */
async function assertHardened(t: import('ava').ExecutionContext, flags: string[]): Promise<string> {
  const name = named();
  const result = await runCli(['run', '--name', name, ...flags, IMAGE, 'true']);
  const label = JSON.stringify(flags);
  t.is(result.code, 0, `${label}: ${result.stderr}`);
  const state = inspect(name);
  t.deepEqual(state.HostConfig.CapDrop, ['ALL'], label);
  t.true(state.HostConfig.ReadonlyRootfs, label);
  t.true(state.HostConfig.SecurityOpt?.includes('no-new-privileges'), label);
  t.is(state.HostConfig.PidsLimit, 256, label);
  return name;
}

/** What plain docker makes of a --mount value: the bind's host path. */
function dockerBindSource(mount: string): string {
  const name = named();
  docker('create', '--restart', 'no', ...LABEL_ARGS, '--name', name, '--mount', mount, IMAGE, 'true');
  return docker('inspect', '--format', '{{range .Mounts}}{{.Source}}{{end}}', name);
}

test('--help=false, --help=0 and a global --help before run do not pass the command through', async (t) => {
  for (const flags of [['--help=false'], ['--help=0'], ['--help', '--help=False']]) await assertRefused(t, [...flags, '-v', '/:/host'], 'sensitive-mount');
  const global = named();
  const result = await runCli(['--help', 'run', '--name', global, '-v', '/:/host', IMAGE, 'true']);
  t.is(result.code, 125, result.stderr);
  t.false(containerExists(global));
  await assertHardened(t, ['--help=false']);
  const help = await runCli(['run', '--help', IMAGE]);
  t.is(help.code, 0, help.stderr);
  t.regex(help.stdout, /^Usage:\s+docker run \[OPTIONS\] IMAGE/m);
});

const MOUNTS: [mount: string, source: string, rule: string][] = [
  ['type=BIND,src=/,dst=/host', '/', 'sensitive-mount'],
  ['TYPE=bind,SOURCE=/etc,TARGET=/x', '/etc', 'sensitive-mount'],
  ['Type=Bind,Source=/var/run/docker.sock,Target=/s', '/var/run/docker.sock', 'docker-socket'],
  ['type=bind,SRC=/etc,dst=/x,READONLY=true', '/etc', 'sensitive-mount'],
  [`type=bind,source=${DATA},src=/etc,target=/x`, '/etc', 'sensitive-mount'],
  [`type=bind,target=/x,source=/etc\n,source=${DATA}`, '/etc', 'sensitive-mount'],
];

for (const [mount, source, rule] of MOUNTS) {
  test(`--mount ${JSON.stringify(mount)} binds ${source} for docker and is refused`, async (t) => {
    t.is(dockerBindSource(mount), source);
    await assertRefused(t, ['--mount', mount], rule);
  });
}

test('benign look-alikes of a user folder run hardened', async (t) => {
  for (const mount of [`type=BIND,src=${DATA},DST=/data,ReadOnly`, `TYPE=bind,Source=${DATA},Target=/data`]) {
    const name = await assertHardened(t, ['--mount', mount]);
    t.is(docker('inspect', '--format', '{{range .Mounts}}{{.Source}}{{end}}', name), DATA, mount);
  }
});

test('--cap-add of SYS_ADMIN or ALL in any spelling is refused; a benign capability runs', async (t) => {
  for (const cap of ['sys_admin', 'CAP_SYS_ADMIN', 'cap_sys_admin', 'all', 'Cap_Sys_Admin', 'chown,Sys_Admin']) await assertRefused(t, ['--cap-add', cap], 'dangerous-cap');
  for (const cap of ['chown', 'Cap_Chown']) {
    const name = await assertHardened(t, ['--cap-add', cap]);
    // The daemon stores the normalised name (caps.NormalizeLegacyCapabilities).
    t.deepEqual(inspect(name).HostConfig.CapAdd, ['CAP_CHOWN'], cap);
  }
});

test('security options in the spellings the daemon takes are refused; a confining profile file runs', async (t) => {
  const allow = join(WORK, 'allow.json');
  writeFileSync(allow, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['keyctl'], action: 'SCMP_ACT_ERRNO' }] }));
  // docker itself takes the permissive file: the container is created with it.
  const plain = named();
  docker('create', '--restart', 'no', ...LABEL_ARGS, '--name', plain, '--security-opt', `seccomp=${allow}`, IMAGE, 'true');
  t.regex(inspect(plain).HostConfig.SecurityOpt?.[0] ?? '', /"defaultAction":"SCMP_ACT_ALLOW"/);
  const refused: [string, string][] = [
    [`seccomp=${allow}`, 'seccomp-unconfined'],
    [`seccomp:${allow}`, 'seccomp-unconfined'],
    ['seccomp=unconfined', 'seccomp-unconfined'],
    ['label=type:spc_t', 'label-disable'],
    ['label:disable', 'label-disable'],
    ['no-new-privileges=0', 'new-privileges'],
    ['no-new-privileges:False', 'new-privileges'],
  ];
  for (const [opt, rule] of refused) await assertRefused(t, ['--security-opt', opt], rule);
  const name = await assertHardened(t, ['--security-opt', `seccomp=${SDOCKER_SECCOMP}`]);
  t.regex(inspect(name).HostConfig.SecurityOpt?.join(' ') ?? '', /"defaultAction":"SCMP_ACT_ERRNO"/);
});

/** A loop device on a file of this test's own, detached after the file's tests. */
function loopDevice(): string {
  const image = join(WORK, 'disk.img');
  writeFileSync(image, Buffer.alloc(1024 * 1024));
  try {
    return execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error(`losetup could not attach a loop device (needed for a host block device): ${error instanceof Error ? error.message : String(error)}`);
  }
}

let loop: string | undefined;
test.after.always(() => {
  if (loop !== undefined) execFileSync('losetup', ['-d', loop]);
  rmSync(WORK, { recursive: true, force: true });
});

test('a host block device is refused through --device, a folder holding it, and a symlink to it', async (t) => {
  loop = loopDevice();
  const [major, minor] = execFileSync('stat', ['-c', '%t %T', loop], { encoding: 'utf8' }).trim().split(' ').map((hex) => String(parseInt(hex, 16)));
  const folder = join(WORK, 'devs');
  mkdirSync(folder);
  execFileSync('mknod', [join(folder, 'disk'), 'b', major as string, minor as string]);
  const byId = join(WORK, 'by-id');
  mkdirSync(byId);
  symlinkSync(loop, join(byId, 'virtio-data'));
  // What the engine hands over for the folder and the symlink: the block device itself.
  for (const [device, path] of [[`${folder}:/devs`, '/devs/disk'], [`${byId}/virtio-data:/dev/xvdb`, '/dev/xvdb']] as const) {
    const plain = named();
    docker('run', '--restart', 'no', ...LABEL_ARGS, '--name', plain, '--device', device, IMAGE, 'true');
    const devices = JSON.parse(docker('inspect', '--format', '{{json .HostConfig.Devices}}', plain)) as { PathOnHost: string }[];
    t.is(devices[0]?.PathOnHost, device.split(':')[0]);
    const listed = docker('run', '--rm', ...LABEL_ARGS, '--device', device, IMAGE, 'ls', '-l', path);
    t.regex(listed, new RegExp(`^b.* ${major},\\s*${minor} `), device);
  }
  for (const device of [loop, `${loop}:/dev/xvda:r`, folder, `${folder}:/devs`, `${byId}/virtio-data`, `${byId}/virtio-data:/dev/xvdb:rw`]) {
    await assertRefused(t, ['--device', device], 'host-device');
  }
  await assertRefused(t, ['--device-cgroup-rule', `b ${major}:* rwm`], 'host-device');
});

test('/dev/fuse and /dev/net/tun run hardened with one warning saying what they give', async (t) => {
  for (const [device, gives] of [['/dev/fuse', 'user-space file systems'], ['/dev/net/tun', 'TUN/TAP network interfaces']] as const) {
    const name = named();
    const result = await runCli(['run', '--name', name, '--device', device, IMAGE, 'ls', '-l', device]);
    t.is(result.code, 0, result.stderr);
    t.regex(result.stdout, /^c/);
    t.is(result.stderr, `sdocker: warning: --device ${device} gives ${gives}${gives.endsWith('systems') ? ' (FUSE)' : ''} (rule host-device, CIS 5.18)\n`);
    const state = inspect(name);
    t.deepEqual(state.HostConfig.CapDrop, ['ALL']);
    t.true(state.HostConfig.ReadonlyRootfs);
  }
});
