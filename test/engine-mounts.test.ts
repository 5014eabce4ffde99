// Host files below a system folder, mounted read-only, on a real engine: they run, docker
// inspect shows the mount read-only and the container cannot write to it; the refused
// spellings exit 125 and leave no container.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { runCli } from './helpers/cli.js';
import { IMAGE, containerExists, docker, engineSuite } from './helpers/engine.js';

const { named } = engineSuite(test, 'sdmount');

interface MountInfo {
  Source: string;
  Destination: string;
  RW: boolean;
}

function mounts(name: string): MountInfo[] {
  return JSON.parse(docker('inspect', '--format', '{{json .Mounts}}', name)) as MountInfo[];
}

test('-v /etc/ssl/certs:/etc/ssl/certs:ro runs, read-only, with a note', async (t) => {
  const name = named();
  const script = 'ls /etc/ssl/certs | grep -x ca-certificates.crt; touch /etc/ssl/certs/x 2>/dev/null && echo writable || echo read-only';
  const result = await runCli(['run', '--name', name, '-v', '/etc/ssl/certs:/etc/ssl/certs:ro', IMAGE, 'sh', '-c', script]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, 'ca-certificates.crt\nread-only\n');
  t.is(result.stderr, '', 'quiet: the read-only notice is in the dry run (test/mounts.test.ts)');
  t.deepEqual(mounts(name).map((m) => [m.Source, m.Destination, m.RW]), [['/etc/ssl/certs', '/etc/ssl/certs', false]]);
});

test('/etc/passwd read-only, as the postgres image documents for --user, with -v and --mount', async (t) => {
  for (const flags of [['-v', '/etc/passwd:/etc/passwd:ro'], ['--mount', 'type=bind,src=/etc/passwd,dst=/etc/passwd,READONLY']]) {
    const name = named();
    const result = await runCli(['run', '--name', name, ...flags, IMAGE, 'cat', '/etc/passwd']);
    t.is(result.code, 0, result.stderr);
    t.is(result.stdout, readFileSync('/etc/passwd', 'utf8'), flags.join(' '));
    t.deepEqual(mounts(name).map((m) => m.RW), [false], flags.join(' '));
  }
});

test('a secret, a system folder, or a writable mount below one is refused and creates nothing', async (t) => {
  for (const volume of ['/etc/shadow:/x:ro', '/etc:/x:ro', '/etc/ssl/certs:/x', '/proc/cpuinfo:/x:ro', '/etc/sdocker-missing:/x:ro']) {
    const name = named();
    const result = await runCli(['run', '--name', name, '-v', volume, IMAGE, 'true']);
    t.is(result.code, 125, volume);
    t.regex(result.stderr, /^sdocker: refusing -v .*--sd-allow sensitive-mount:\S+\n$/, volume);
    t.false(containerExists(name), `${volume} left no container`);
  }
  // A file below a system folder, read-only, takes the same path and does create its container.
  const name = named();
  t.is((await runCli(['run', '--name', name, '-v', '/etc/ssl/certs:/x:ro', IMAGE, 'true'])).code, 0);
  t.true(containerExists(name));
});
