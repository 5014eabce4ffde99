// A local volume whose type is a kernel filesystem, on a real engine: dockerd mounts it in its
// own namespaces (moby volume/local/local_unix.go: mount(2) with the volume's type, device, o),
// so plain docker shows the host's /proc, /sys and /dev through it. sdocker refuses it (an
// existing volume, an inline --mount volume-opt), and an inline device that is a relative path
// (dockerd reads it from its own working folder): exit 125, no container and no volume made.
// Memory and a bind of a user folder run, hardened.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { IMAGE, containerExists, docker, dockerStatus, engineSuite, uniqueName, LABEL_ARGS } from './helpers/engine.js';

const { named, cleanup } = engineSuite(test, 'sdvoltype');
const volumes: string[] = [];
cleanup(() => {
  if (volumes.length > 0) spawnSync('docker', ['volume', 'rm', '-f', ...volumes.splice(0)], { stdio: 'ignore' });
});

function volumeName(): string {
  const name = uniqueName('sdvoltype-vol');
  volumes.push(name);
  return name;
}

function volumeExists(name: string): boolean {
  return dockerStatus('volume', 'inspect', name) === 0;
}

/** What plain docker shows in a container with the volume at /x (the host's view, for a kernel filesystem). */
function plainRun(volume: string, script: string): string {
  return docker('run', '--rm', '--restart', 'no', ...LABEL_ARGS, '-v', `${volume}:/x`, IMAGE, 'sh', '-c', script);
}

/** sdocker refuses the run: exit 125, the rule and path named, no container and no new volume. */
async function assertRefused(t: import('ava').ExecutionContext, args: readonly string[], message: RegExp): Promise<void> {
  const name = named();
  const result = await runCli(['run', '--rm', '--user', '0', '--name', name, ...args, IMAGE, 'true']);
  t.is(result.code, 125, `${args.join(' ')}: ${result.stderr}`);
  t.regex(result.stderr, message, args.join(' '));
  t.is(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
  t.false(containerExists(name), `${args.join(' ')} created no container`);
}

const KERNEL: [type: string, script: string, hostView: (out: string) => boolean, path: string][] = [
  // The host's PID 1 is not the container's own command.
  ['proc', 'cat /x/1/cmdline; echo; echo ---; cat /proc/1/cmdline', (out) => { const [host = '', own = ''] = out.split('---'); return host.trim() !== '' && host.trim() !== own.trim(); }, '/proc'],
  // The host's network interfaces: docker0 is not in the container's own /sys/class/net.
  ['sysfs', 'ls /x/class/net; echo ---; ls /sys/class/net', (out) => { const [host = '', own = ''] = out.split('---'); return host.includes('docker0') && !own.includes('docker0'); }, '/sys'],
  // The host's device nodes: /dev/kmsg is not in the container's own /dev.
  ['devtmpfs', 'ls /x; echo ---; ls /dev', (out) => { const [host = '', own = ''] = out.split('---'); return /\bkmsg\b/.test(host) && !/\bkmsg\b/.test(own); }, '/dev'],
];

for (const [type, script, hostView, path] of KERNEL) {
  test(`a volume of type=${type} shows the host's ${path} to plain docker; sdocker refuses it, existing or inline`, async (t) => {
    const volume = volumeName();
    docker('volume', 'create', ...LABEL_ARGS, '-o', `type=${type}`, '-o', `device=${type}`, volume);
    t.true(hostView(plainRun(volume, script)), `plain docker shows the host's ${path} through the volume`);
    const allow = `--sd-allow sensitive-mount:${path}$`;
    await assertRefused(t, ['-v', `${volume}:/x`], new RegExp(`refusing -v ${volume}:/x \\(volume ${volume} mounts ${path}\\) \\(${path} is in secretPaths.*${allow}`, 'm'));
    await assertRefused(t, ['--mount', `src=${volume},dst=/x,readonly`], new RegExp(allow, 'm'));
    const inline = volumeName();
    await assertRefused(t, ['--mount', `type=volume,src=${inline},dst=/x,volume-opt=type=${type},volume-opt=device=${type}`], new RegExp(`\\(mounts ${path}\\).*${allow}`, 'm'));
    t.false(volumeExists(inline), 'the inline volume was not created');
  });
}

test('an inline bind device that is a relative path is refused: dockerd reads it from its own folder', async (t) => {
  const inline = volumeName();
  await assertRefused(
    t,
    ['--mount', `type=volume,src=${inline},dst=/x,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=../../etc`],
    /its path \.\.\/\.\.\/etc is relative: the engine reads it from its own working folder, which sdocker cannot see\).*write the absolute path, or --sd-allow sensitive-mount:\.\.\/\.\.\/etc$/m,
  );
  t.false(volumeExists(inline), 'the inline volume was not created');
  const unknown = volumeName();
  await assertRefused(t, ['--mount', `type=volume,src=${unknown},dst=/x,volume-opt=type=fuse,volume-opt=device=x`], /cannot tell what the local volume's type=fuse mounts.*--sd-allow sensitive-mount:type=fuse$/m);
  t.false(volumeExists(unknown));
});

test('memory and a bind of a user folder run, hardened', async (t) => {
  const mem = volumeName();
  const name = named();
  const tmpfs = await runCli(['run', '--name', name, '--mount', `type=volume,src=${mem},dst=/x,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=size=1m`, IMAGE, 'sh', '-c', 'grep " /x " /proc/mounts']);
  t.is(tmpfs.code, 0, tmpfs.stderr);
  t.regex(tmpfs.stdout, /^tmpfs \/x tmpfs .*size=1024k/m);
  t.is(docker('inspect', '--format', '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}}', name).trim(), 'true [ALL]', 'hardened');
  const folder = mkdtempSync(join(tmpdir(), 'sdvoltype-'));
  chmodSync(folder, 0o755);
  writeFileSync(join(folder, 'hello'), 'from the host\n', { mode: 0o644 });
  const bound = volumeName();
  const bind = await runCli(['run', '--rm', '--mount', `type=volume,src=${bound},dst=/x,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=${folder}`, IMAGE, 'cat', '/x/hello']);
  t.is(bind.code, 0, bind.stderr);
  t.is(bind.stdout, 'from the host\n');
});
