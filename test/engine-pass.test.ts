// Every other docker command passes through sdocker unchanged, on a real engine.
import test from 'ava';
import { once } from 'node:events';
import { spawnSync } from 'node:child_process';
import { finished, runCli, startCli } from './helpers/cli.js';
import { IMAGE, engineSuite } from './helpers/engine.js';

const { named } = engineSuite(test);

function viaDocker(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync('docker', args, { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// `network ls` filtered to the default bridge: other test runs' networks come and go meanwhile.
for (const args of [['image', 'inspect', '--format', '{{.Id}} {{.Config.Cmd}}', 'sdocker-test/busybox:1'], ['inspect', 'sdocker-no-such-thing'], ['version', '--format', '{{.Client.Version}}'], ['network', 'ls', '--format', '{{.Name}}', '--filter', 'name=^bridge$'], ['run', '--help'], ['ps', '--bogus-flag']]) {
  test(`sdocker ${args.join(' ')} is docker ${args.join(' ')}`, async (t) => {
    const expected = viaDocker(args);
    const result = await runCli(args);
    t.is(result.code, expected.code);
    t.is(result.stdout, expected.stdout);
    t.is(result.stderr, expected.stderr);
  });
}

test('SIGTERM to sdocker stops the attached container through docker (exit 143)', async (t) => {
  const name = named();
  const child = startCli(['run', '--rm', '--init', '--name', name, IMAGE, 'sh', '-c', 'echo up; exec sleep 30']);
  const done = finished(child);
  await once(child.stdout!, 'data');
  child.kill('SIGTERM');
  const result = await done;
  t.is(result.code, 143, result.stderr);
});
