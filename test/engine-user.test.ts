// What the user adds keeps working under the user sdocker injects, on a real engine: added
// capabilities (docker gives a non-root process none), a --tmpfs over an image folder (runc
// mounts it with the folder's owner, root 0755), and a new named volume over one (docker's
// copy-up gives it the folder's owner), whose root sdocker gives to the run user (src/volumes/).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { SocketEngine } from '../src/engine/api.js';
import { CliEngine } from '../src/engine/cli.js';
import { runCli } from './helpers/cli.js';
import { IMAGE, docker, engineSuite, inspect, uniqueName, LABEL_ARGS } from './helpers/engine.js';

// Containers go first, then the volumes they used (engineSuite's cleanup, also on a timeout).
const { named, cleanup } = engineSuite(test, 'sdtest-user');
const volumes: string[] = [];
cleanup(() => {
  if (volumes.length > 0) spawnSync('docker', ['volume', 'rm', '-f', ...volumes], { stdio: 'ignore' });
});

function volumeName(): string {
  const name = uniqueName('sdtest-vol');
  volumes.push(name);
  return name;
}

test('--cap-add NET_ADMIN works: the container stays root, with one warning', async (t) => {
  const name = named();
  const result = await runCli(['run', '--name', name, '--sd-allow', 'dangerous-cap:NET_ADMIN', '--cap-add', 'NET_ADMIN', IMAGE, 'ip', 'addr', 'add', '10.99.0.1/32', 'dev', 'lo']);
  t.is(result.code, 0, result.stderr);
  const said = result.stderr.split('\n').filter((line) => line.includes('--user'));
  t.deepEqual(said, ['sdocker: warning: --cap-add NET_ADMIN: not injecting --user 65534:65534 (a non-root user gets no capabilities); the container runs as root (CIS 4.1)']);
  const info = inspect(name);
  t.is(info.Config.User, '', 'no injected user');
  t.deepEqual(info.HostConfig.CapDrop, ['ALL']);
  t.deepEqual(info.HostConfig.CapAdd, ['CAP_NET_ADMIN'], 'the engine writes it with its CAP_ prefix');
  t.is(info.HostConfig.Tmpfs?.['/tmp'], 'rw,noexec,nosuid,nodev,size=64m', 'the tmpfs owner follows the real run user, root');
});

test('a --tmpfs over an image folder is writable by the injected user', async (t) => {
  // /www is root 0755 in the test image (scripts/test-images build_busybox).
  const result = await runCli(['run', '--rm', '--tmpfs', '/www:size=1m', IMAGE, 'sh', '-c', 'id -u; touch /www/f && echo written']);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, '65534\nwritten\n');
  const name = named();
  t.is((await runCli(['create', '--name', name, '--tmpfs', '/www:size=1m', IMAGE])).code, 0);
  t.is(inspect(name).HostConfig.Tmpfs?.['/www'], 'size=1m,uid=65534,gid=65534', "the user's option kept, the owner appended");
});

test('a new named volume over a root-owned image folder is writable by the injected user; one that exists is left as it is', async (t) => {
  // /www is root 0755 and holds index.html in the test image (scripts/test-images build_busybox).
  const volume = volumeName();
  const name = named();
  const run = await runCli(['run', '--name', name, '-v', `${volume}:/www`, IMAGE, 'sh', '-c', 'id -u; touch /www/f && echo written']);
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, '65534\nwritten\n');
  t.is(run.stderr, '', 'quiet on success');
  const info = inspect(name);
  t.is(info.Config.User, '65534:65534', 'the run user is the one sdocker injects');
  t.is(info.HostConfig.CapAdd, null, 'no capability was given for it');
  t.is(docker('run', '--rm', '-v', `${volume}:/v`, IMAGE, 'stat', '-c', '%u:%g %a', '/v'), '65534:65534 755', "the root's mode is the image folder's");
  t.is(docker('run', '--rm', '-v', `${volume}:/v`, IMAGE, 'stat', '-c', '%u:%g', '/v/index.html'), '0:0', 'what docker copied in keeps its owner');
  t.is(docker('ps', '-a', '--filter', 'label=io.sdocker.standin', '--filter', `volume=${volume}`, '--quiet'), '', 'no stand-in left');
  // A volume the user made before: sdocker does not touch it, and the write fails as docker's would.
  const existing = volumeName();
  docker('volume', 'create', existing);
  const refused = await runCli(['run', '--rm', '-v', `${existing}:/www`, IMAGE, 'touch', '/www/f']);
  t.is(refused.code, 1);
  t.is(docker('run', '--rm', '-v', `${existing}:/v`, IMAGE, 'stat', '-c', '%u:%g', '/v'), '0:0');
});

test('both engine clients tell a missing volume from an existing one', async (t) => {
  const volume = volumeName();
  const socket = new SocketEngine('/var/run/docker.sock');
  const cli = new CliEngine('docker', []);
  t.is(await socket.inspectVolume(volume), undefined);
  t.is(await cli.inspectVolume(volume), undefined);
  docker('volume', 'create', ...LABEL_ARGS, volume);
  t.deepEqual(await socket.inspectVolume(volume), { driver: 'local', options: {} });
  t.deepEqual(await cli.inspectVolume(volume), { driver: 'local', options: {} });
});
