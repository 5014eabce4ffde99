// When the hardening breaks a container, sdocker says why and the fix: `sdocker explain` for
// any container, and a note after a foreground run that failed. A run that works says nothing.
import test from 'ava';
import { runCli } from './helpers/cli.js';
import { docker, engineSuite, IMAGE, LABEL_ARGS } from './helpers/engine.js';
import { eventually } from './helpers/probes.js';

const env = { XDG_CONFIG_HOME: '/nonexistent' };
const { named } = engineSuite(test);

test('explain names the rule, the path from the log and the fix, for a container started with -d', async (t) => {
  const name = named('sdtest-explain');
  // The settle window off: this is explain's test (engine-settle.test.ts has the window's).
  const run = await runCli(['run', '-d', '--name', name, 'localhost/sdlearn/nginx:1'], { ...env, SDOCKER_SETTLE: '0' });
  t.is(run.code, 0, run.stderr);
  await eventually('nginx fails once', async () => {
    const state = docker('inspect', '--format', '{{.RestartCount}} {{.State.Status}}', name);
    if (state.startsWith('0 ') && state !== '0 exited') throw new Error(state);
  });
  const explained = await runCli(['explain', name], env);
  t.is(explained.code, 0, explained.stderr);
  t.regex(explained.stdout, /rule read-only \(CIS 5\.13\): \/var\/lib\/nginx\/body: the root filesystem is read-only/);
  t.regex(explained.stdout, /its log: .*mkdir\(\) "\/var\/lib\/nginx\/body" failed \(30: Read-only file system\)/);
  t.regex(explained.stdout, /fix: --tmpfs \/var\/lib\/nginx:uid=65534,gid=65534/);
  t.regex(explained.stdout, /sdocker learn localhost\/sdlearn\/nginx:1$/m);
  const missing = await runCli(['explain', 'sdtest-no-such-container'], env);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /no such container: sdtest-no-such-container/);
});

test('explain: a permission failure names the owner and the user to run as', async (t) => {
  const name = named('sdtest-explain-redis');
  const run = await runCli(['run', '-d', '--restart', 'no', '--name', name, 'localhost/sdlearn/redis:1'], { ...env, SDOCKER_SETTLE: '0' });
  t.is(run.code, 0, run.stderr);
  await eventually('redis exits', async () => {
    if (docker('inspect', '--format', '{{.State.Status}}', name) !== 'exited') throw new Error('still running');
  });
  const uid = docker('run', '--rm', '--restart', 'no', ...LABEL_ARGS, 'localhost/sdlearn/redis:1', 'id', '-u', 'redis');
  const explained = await runCli(['explain', name], env);
  t.regex(explained.stdout, /rule user \(CIS 4\.1\): \/etc\/redis\/redis\.conf belongs to redis; the container runs as 65534:65534/);
  t.regex(explained.stdout, new RegExp(`fix: --user ${uid}:\\d+`));
});

test('a failed foreground run is explained on stderr; a working run prints nothing of sdocker\'s', async (t) => {
  const name = named('sdtest-fg');
  const failed = await runCli(['run', '--name', name, 'localhost/sdlearn/pyapp:1'], env);
  t.is(failed.code, 1);
  t.regex(failed.stderr, /^sdocker: failed under sdocker's hardening: .* exited with code 1$/m);
  t.regex(failed.stderr, /fix: --tmpfs \/app\/cache:uid=65534,gid=65534/);
  const works = await runCli(['run', '--rm', IMAGE, 'true'], env);
  t.is(works.code, 0);
  t.is(works.stderr, '');
  const plainFailure = await runCli(['run', '--rm', IMAGE, 'sh', '-c', 'exit 3'], env);
  t.is(plainFailure.code, 3);
  t.is(plainFailure.stderr, '', 'a command that fails on its own is not blamed on the hardening');
});
